import { describe, expect, it } from 'vitest';
import { findChromium } from './chromium.ts';

describe('findChromium', () => {
  it('takes CHROMIUM_PATH as given, even a wrong one (the launch then fails loudly instead of skipping)', () => {
    expect(findChromium({ CHROMIUM_PATH: '/opt/nowhere/chromium', PATH: process.env['PATH'] })).toBe('/opt/nowhere/chromium');
  });

  it('finds nothing on a PATH without chromium: the browser tests then skip', () => {
    expect(findChromium({ PATH: '/nonexistent' })).toBeUndefined();
  });
});

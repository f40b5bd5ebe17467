import { describe, expect, it } from 'vitest';
import { notificationIdFor, uuidV5 } from '../../src/domain/index.ts';

describe('uuidV5', () => {
  it('matches the RFC test vector (www.example.com in the DNS namespace)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });
});

describe('notificationIdFor', () => {
  const eventId = '6f1c2d4e-8a3b-4c5d-9e6f-1a2b3c4d5e6f';

  it('is the same for every delivery of the same event and template', () => {
    expect(notificationIdFor(eventId, 'order-confirmed')).toBe(notificationIdFor(eventId, 'order-confirmed'));
    expect(notificationIdFor(eventId, 'order-confirmed')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('differs by event and by template', () => {
    const ids = new Set([
      notificationIdFor(eventId, 'order-confirmed'),
      notificationIdFor(eventId, 'order-shipped'),
      notificationIdFor('7f1c2d4e-8a3b-4c5d-9e6f-1a2b3c4d5e6f', 'order-confirmed'),
    ]);
    expect(ids.size).toBe(3);
  });
});

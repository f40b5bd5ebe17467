import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';

const base = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  MONGO_URL: 'mongodb://127.0.0.1:27017/tributary_notification',
  GATEWAY_PUBLIC_KEY: 'pem',
  SMTP_URL: 'smtp://127.0.0.1:2525',
};

describe('loadConfig', () => {
  it('applies the defaults', () => {
    expect(loadConfig(base)).toMatchObject({
      port: 4004,
      smtpUrl: 'smtp://127.0.0.1:2525',
      emailDomain: 'customers.tributary.test',
      from: 'Tributary <orders@tributary.test>',
    });
  });

  it('names a missing SMTP_URL and a bad domain, all at once', () => {
    const { SMTP_URL: _omitted, ...withoutSmtp } = base;
    expect(() => loadConfig({ ...withoutSmtp, NOTIFICATION_EMAIL_DOMAIN: 'not a domain' })).toThrow(
      /SMTP_URL is required[\s\S]*NOTIFICATION_EMAIL_DOMAIN must be a domain name/,
    );
  });

  it('refuses an SMTP_URL that is not smtp:// or smtps://', () => {
    expect(() => loadConfig({ ...base, SMTP_URL: 'http://mail' })).toThrow(/SMTP_URL must be an smtp/);
  });
});

import { loadServiceConfig } from '@tributary/service';
import { z } from 'zod';
import { EMAIL_DEFAULTS } from './email/email-sender.ts';

/**
 * The notification service's settings: the kit's shared ones plus where and how to send email.
 * The only reader of process.env; a bad value stops the process at start with every problem listed.
 */
const notificationEnv = {
  /** The SMTP server, e.g. smtp://127.0.0.1:2525 (the local sink) or smtps://user:pass@host:465. */
  SMTP_URL: z
    .string({ error: 'SMTP_URL is required, e.g. smtp://127.0.0.1:2525' })
    .regex(/^smtps?:\/\/[^/\s]+/, 'SMTP_URL must be an smtp:// or smtps:// URL, e.g. smtp://127.0.0.1:2525'),
  /** Customers have no stored address yet: mail goes to <customerId>@<this domain>. */
  NOTIFICATION_EMAIL_DOMAIN: z
    .string()
    .regex(/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/, 'NOTIFICATION_EMAIL_DOMAIN must be a domain name, e.g. customers.tributary.test')
    .default(EMAIL_DEFAULTS.emailDomain),
  NOTIFICATION_FROM: z.string().min(3).default(EMAIL_DEFAULTS.from),
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = loadServiceConfig('notification', env, { defaultPort: 4004, extra: notificationEnv });
  return {
    ...config,
    smtpUrl: config.env.SMTP_URL,
    emailDomain: config.env.NOTIFICATION_EMAIL_DOMAIN,
    from: config.env.NOTIFICATION_FROM,
  };
}

export type NotificationConfig = ReturnType<typeof loadConfig>;

import { createHash } from 'node:crypto';
import type { NotificationTemplate } from './triggers.ts';

/** Namespace of notification ids (RFC 9562 name-based ids need one); never change it. */
const NOTIFICATION_NAMESPACE = 'b3a4f1d2-6c5e-4f7a-9b8c-0d1e2f3a4b5c';

/**
 * The notification's id, derived from what caused it: the same event and template always give
 * the same id, however often Kafka redelivers the event. That id is the notification's stream
 * id (so the event store refuses a second NotificationSent) and its email's Message-ID (so mail
 * systems drop a re-sent copy).
 */
export function notificationIdFor(triggeringEventId: string, template: NotificationTemplate): string {
  return uuidV5(`${triggeringEventId}/${template}`, NOTIFICATION_NAMESPACE);
}

/** RFC 9562 UUID version 5: SHA-1 of namespace + name, with the version and variant bits set. */
export function uuidV5(name: string, namespace: string): string {
  const hash = createHash('sha1').update(Buffer.from(namespace.replaceAll('-', ''), 'hex')).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

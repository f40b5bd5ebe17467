import { createHash, randomUUID } from 'node:crypto';
import { access, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Characters a Message-ID may keep in a file name; anything else is hashed instead. */
const SAFE_ID = /^[A-Za-z0-9._@+=-]{1,200}$/;

/**
 * The file name of a message: its Message-ID (without the angle brackets) when that is a safe
 * file name, else a sha256 of the id, else (no Message-ID at all) a sha256 of the raw message.
 * The name is derived from the id, never chosen at random, so a redelivery maps to the same file.
 */
export function mailFileName(messageId: string | undefined, raw: Buffer): string {
  const id = messageId?.trim().replace(/^<|>$/g, '');
  if (id && SAFE_ID.test(id) && !id.startsWith('.')) return `${id}.eml`;
  const hash = createHash('sha256').update(id || raw).digest('hex');
  return `${id ? 'id' : 'raw'}-${hash}.eml`;
}

export type StoreOutcome = { stored: true; file: string } | { stored: false; file: string };

/**
 * Stores one message under `mailDir`, atomically: readers never see half a message, because it
 * is written to a temp file and renamed into place.
 *
 * Deduplication: a message whose Message-ID is already stored is not stored twice. Senders
 * that retry after a lost "250 OK" (or, like the notification service, re-send after a crash
 * between sending and recording) reuse the Message-ID, and real mail systems drop such
 * duplicates too. Two deliveries racing past the existence check both rename onto the same
 * name, so the outcome is still one file.
 */
export async function storeMessage(mailDir: string, messageId: string | undefined, raw: Buffer): Promise<StoreOutcome> {
  await mkdir(mailDir, { recursive: true });
  const file = path.join(mailDir, mailFileName(messageId, raw));
  if (await exists(file)) return { stored: false, file };
  // The temp name starts with '.' and does not end in .eml, so readMailbox skips it.
  const temp = path.join(mailDir, `.incoming-${randomUUID()}.tmp`);
  try {
    await writeFile(temp, raw);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return { stored: true, file };
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

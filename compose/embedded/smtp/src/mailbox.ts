import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser, type AddressObject } from 'mailparser';

/** One stored message, as tests and developers want to see it. */
export interface StoredMail {
  /** The Message-ID header, angle brackets included, or null when the message had none. */
  messageId: string | null;
  from: string;
  to: string;
  subject: string;
  text: string;
  date: Date | null;
  /** Absolute path of the .eml file. */
  file: string;
}

/**
 * Every message stored in `mailDir`, in the order they arrived (file time, then name): the Date
 * header has whole seconds only, too coarse to order messages sent in one burst.
 */
export async function readMailbox(mailDir: string): Promise<StoredMail[]> {
  let names: string[];
  try {
    names = await readdir(mailDir);
  } catch (error) {
    // No message received yet: the directory is created with the first one.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files = names.filter((name) => name.endsWith('.eml') && !name.startsWith('.')).map((name) => path.join(mailDir, name));
  const mails = await Promise.all(files.map(async (file) => ({ mail: await readMail(file), arrived: (await stat(file)).mtimeMs })));
  return mails.sort((a, b) => a.arrived - b.arrived || a.mail.file.localeCompare(b.mail.file)).map(({ mail }) => mail);
}

async function readMail(file: string): Promise<StoredMail> {
  const parsed = await simpleParser(await readFile(file));
  return {
    messageId: parsed.messageId ?? null,
    from: addressText(parsed.from),
    to: addressText(parsed.to),
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    date: parsed.date ?? null,
    file,
  };
}

function addressText(address: AddressObject | AddressObject[] | undefined): string {
  if (!address) return '';
  return (Array.isArray(address) ? address : [address]).map((entry) => entry.text).join(', ');
}

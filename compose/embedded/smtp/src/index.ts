// A local SMTP sink for development and tests: accepts every message, stores it as a file.
export { DEFAULT_MAX_MESSAGE_BYTES, startSmtpSink, type RunningSmtpSink, type SmtpSinkOptions } from './server.ts';
export { readMailbox, type StoredMail } from './mailbox.ts';
export { mailFileName, storeMessage, type StoreOutcome } from './mail-store.ts';

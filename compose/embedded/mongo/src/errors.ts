// MongoDB server error codes this server answers with. Names match the real server's codeName,
// because drivers (and mongoose) switch on code and sometimes on codeName.
export const ErrorCodes = {
  InternalError: 1,
  BadValue: 2,
  FailedToParse: 9,
  TypeMismatch: 14,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  NamespaceExists: 48,
  CommandNotFound: 59,
  ImmutableField: 66,
  InvalidOptions: 72,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  InvalidNamespace: 73,
  NotImplemented: 238,
  BSONObjectTooLarge: 10334,
  DuplicateKey: 11000,
  Location40324: 40324,
  Location40573: 40573,
} as const;

type CodeName = keyof typeof ErrorCodes;

const namesByCode = new Map<number, string>(
  Object.entries(ErrorCodes).map(([name, code]) => [code, name]),
);

export function codeNameOf(code: number): string {
  return namesByCode.get(code) ?? 'UnknownError';
}

/** An error that becomes `{ok:0, code, codeName, errmsg, ...extra}` in a reply. */
export class MongoServerError extends Error {
  readonly code: number;
  readonly codeName: string;
  readonly extra: Record<string, unknown>;

  constructor(code: number, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.codeName = codeNameOf(code);
    this.extra = extra;
  }

  static of(name: CodeName, message: string, extra?: Record<string, unknown>): MongoServerError {
    return new MongoServerError(ErrorCodes[name], message, extra);
  }
}

/** Maps anything thrown while executing a command to a server error (mingo throws plain Errors). */
export function toServerError(err: unknown): MongoServerError {
  if (err instanceof MongoServerError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/unregistered pipeline operator/.test(message)) {
    return new MongoServerError(ErrorCodes.Location40324, `Unrecognized pipeline stage name: ${message}`);
  }
  return new MongoServerError(ErrorCodes.BadValue, message);
}

export function errorReply(err: MongoServerError): Record<string, unknown> {
  return { ok: 0, errmsg: err.message, code: err.code, codeName: err.codeName, ...err.extra };
}

import { TrustlineError } from '../errors.ts';

/** Base of every storage error; `cause` keeps the SDK or file-system failure. */
export class StoreError extends TrustlineError {
  readonly code: string = 'STORE_ERROR';
  constructor(message: string, options?: ErrorOptions) {
    super(message, {}, options);
  }
}

/** A conditional put or delete found another version than the one expected. */
export class ConditionFailedError extends StoreError {
  override readonly code = 'CONDITION_FAILED';
  constructor(
    readonly kind: string,
    readonly id: string,
    override readonly expected: number | 'absent',
    options?: ErrorOptions,
  ) {
    super(`The ${kind} "${id}" was changed by someone else (expected version ${expected}).`, options);
  }
}

/** The lease is held by another owner or expired and was taken over. */
export class LeaseLostError extends StoreError {
  override readonly code = 'LEASE_LOST';
  constructor(
    readonly lease: string,
    options?: ErrorOptions,
  ) {
    super(`The lease "${lease}" is no longer held by this process.`, options);
  }
}

/** The backing service kept throttling after every retry. */
export class StoreThrottledError extends StoreError {
  override readonly code = 'STORE_THROTTLED';
  constructor(
    readonly operation: string,
    options?: ErrorOptions,
  ) {
    super(`The store kept throttling ${operation} after every retry; try again shortly.`, options);
  }
}

/** A local store file failed authentication or parsing: corrupted or truncated. Never reset silently. */
export class StoreCorruptedError extends StoreError {
  override readonly code = 'STORE_CORRUPTED';
  constructor(
    readonly file: string,
    options?: ErrorOptions,
  ) {
    super(
      `The store file ${file} is corrupted or truncated (its authentication check failed). ` +
        'Trustline will not overwrite it: restore it from a backup or move it away to start over.',
      options,
    );
  }
}

/** A secret name outside `trustline/` or with characters Secrets Manager refuses. */
export class InvalidSecretNameError extends StoreError {
  override readonly code = 'INVALID_SECRET_NAME';
  constructor(readonly secretName: string) {
    super(`"${secretName}" is not a valid Trustline secret name (trustline/ followed by A-Z a-z 0-9 / _ + = . @ -).`);
  }
}

/** A page request with a cursor this store did not issue, or a limit that is not a positive integer. */
export class InvalidPageRequestError extends StoreError {
  override readonly code = 'INVALID_PAGE_REQUEST';
  constructor(readonly reason: string) {
    super(`Invalid page request: ${reason}.`);
  }
}

/** The data directory holds stores in an earlier format (a log per store, a folder per store, or LMDB tables without revisions). */
export class LegacyDataDirectoryError extends StoreError {
  override readonly code = 'STORE_FORMAT_OUTDATED';
  constructor(
    readonly directory: string,
    readonly found: string,
  ) {
    super(
      `The data directory ${directory} holds stores in an earlier format (${found}), which this version of Trustline does not read. ` +
        'Move its secrets*, metadata* and store.mdb* entries away (or set TRUSTLINE_DATA_DIR to a new directory), ' +
        'start again and authorize the integrations again.',
    );
  }
}

/** The data directory or its key file belongs to another user: Trustline will not use or change it. */
export class DataDirectoryOwnerError extends StoreError {
  override readonly code = 'DATA_DIRECTORY_NOT_OWNED';
  constructor(
    readonly file: string,
    readonly ownerUid: number,
    readonly processUid: number,
  ) {
    super(
      `${file} belongs to another user (uid ${ownerUid}, this process runs as uid ${processUid}), so its secrets are not private to Trustline. ` +
        'Run Trustline as the user who owns it, or set TRUSTLINE_DATA_DIR to a directory of your own.',
    );
  }
}

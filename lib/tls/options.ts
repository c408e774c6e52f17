/**
 * Defaults and choices of the TLS capability's options, in a file without dependencies: the CLI
 * declares its options (and prints `--help`) from these without loading the checker or the exporter.
 */

/** One deadline for connect + protocol + handshake. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** A certificate expiring within this many days is `expiring`. */
export const DEFAULT_WARN_DAYS = 30;

export type ExportFormat = 'pem' | 'pkcs12';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['pem', 'pkcs12'];

/**
 * Thrown when the environment holds an invalid setting; the message names the variable.
 * In a file of its own so that the CLI can recognise it without loading the parser (and zod).
 */
export class ConfigError extends Error {
  readonly code = 'INVALID_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

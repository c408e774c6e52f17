/** Exit codes of design.md: 0 ok, 1 the checked thing failed, 2 bad usage or input. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** `certs check --nagios` follows the plugin convention instead: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. */
export const EXIT_NAGIOS = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 } as const;

export type NagiosExit = (typeof EXIT_NAGIOS)[keyof typeof EXIT_NAGIOS];

export type ExitCode = (typeof EXIT)[keyof typeof EXIT] | NagiosExit;

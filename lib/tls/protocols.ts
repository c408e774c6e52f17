/** The protocols `certs check` speaks: implicit TLS, or plain text upgraded with STARTTLS. */
export const PROTOCOLS = ['https', 'imaps', 'pop3s', 'smtps', 'ldaps', 'smtp-starttls', 'imap-starttls', 'pop3-starttls', 'ldap-starttls'] as const;

export type Protocol = (typeof PROTOCOLS)[number];

/** The plain-text protocol whose STARTTLS command upgrades the connection, if any. */
export type StartTlsKind = 'smtp' | 'imap' | 'pop3' | 'ldap';

interface ProtocolInfo {
  readonly defaultPort: number;
  readonly starttls?: StartTlsKind;
  readonly label: string;
}

const INFO: Record<Protocol, ProtocolInfo> = {
  https: { defaultPort: 443, label: 'HTTPS' },
  imaps: { defaultPort: 993, label: 'IMAPS' },
  pop3s: { defaultPort: 995, label: 'POP3S' },
  smtps: { defaultPort: 465, label: 'SMTPS' },
  ldaps: { defaultPort: 636, label: 'LDAPS' },
  'smtp-starttls': { defaultPort: 587, starttls: 'smtp', label: 'SMTP with STARTTLS' },
  'imap-starttls': { defaultPort: 143, starttls: 'imap', label: 'IMAP with STARTTLS' },
  'pop3-starttls': { defaultPort: 110, starttls: 'pop3', label: 'POP3 with STARTTLS' },
  'ldap-starttls': { defaultPort: 389, starttls: 'ldap', label: 'LDAP with StartTLS' },
};

/** The protocol's usual port (https 443, smtp-starttls 587, …). */
export function defaultPort(protocol: Protocol): number {
  return INFO[protocol].defaultPort;
}

/** The STARTTLS dialect of a protocol, or undefined for implicit TLS. */
export function startTlsKind(protocol: Protocol): StartTlsKind | undefined {
  return INFO[protocol].starttls;
}

/** A human name for the protocol ("SMTP with STARTTLS"). */
export function protocolLabel(protocol: Protocol): string {
  return INFO[protocol].label;
}

/** The implicit-TLS protocol of a STARTTLS one (imap-starttls -> imaps), for a server that greets in TLS at once. */
export function implicitCounterpart(protocol: Protocol): Protocol | undefined {
  const kind = startTlsKind(protocol);
  if (kind === undefined) return undefined;
  return kind === 'smtp' ? 'smtps' : kind === 'imap' ? 'imaps' : kind === 'pop3' ? 'pop3s' : 'ldaps';
}

/** The STARTTLS protocol of an implicit-TLS one (ldaps -> ldap-starttls), for a server that answers in plain text. */
export function startTlsCounterpart(protocol: Protocol): Protocol | undefined {
  return PROTOCOLS.find((candidate) => implicitCounterpart(candidate) === protocol);
}

export function isProtocol(value: string): value is Protocol {
  return (PROTOCOLS as readonly string[]).includes(value);
}

import { InvalidIntegrationError } from './errors.ts';
import type { MailProtocol, MailServer, MailServerInput } from './integration.ts';
import type { ProviderPreset } from './presets/index.ts';

const DEFAULT_PORTS: Readonly<Record<MailProtocol, Readonly<Record<'tls' | 'starttls', number>>>> = {
  imap: { tls: 993, starttls: 143 },
  pop3: { tls: 995, starttls: 110 },
  smtp: { tls: 465, starttls: 587 },
};

/** The mail server with the preset's host and the protocol's usual port filled in. */
export function resolveMailServer(input: MailServerInput, preset: ProviderPreset): MailServer {
  const host = input.host ?? preset.mailHosts?.[input.protocol];
  if (host === undefined) {
    throw new InvalidIntegrationError('mailServer.host', 'The mail server needs a host.', {
      fix: 'Give the host name of the IMAP, POP3 or SMTP server, for example mail.example.com.',
    });
  }
  return {
    protocol: input.protocol,
    host,
    port: input.port ?? DEFAULT_PORTS[input.protocol][input.security],
    security: input.security,
    username: input.username,
  };
}

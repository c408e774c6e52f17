import type { X509Certificate } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { OutboundRefusedError, type OutboundPolicy } from '../trust/index.ts';
import { withDeadline, type Deadline } from './deadline.ts';
import { plainTextMismatch, sniffGreeting } from './greeting.ts';
import { ConnectFailedError, ProtocolMismatchError, StartTlsRefusedError, TlsCheckError, TlsHandshakeError } from './errors.ts';
import { LineReader } from './line-reader.ts';
import { defaultPort, implicitCounterpart, protocolLabel, startTlsCounterpart, startTlsKind, type Protocol } from './protocols.ts';
import { speaksPlainLdap, speaksTls } from './sniff.ts';
import { imapStartTls } from './starttls-imap.ts';
import { ldapStartTls } from './starttls-ldap.ts';
import { pop3StartTls } from './starttls-pop3.ts';
import { smtpStartTls } from './starttls-smtp.ts';

/** What to connect to. `servername` defaults to `host` when that is a name. */
export interface ProbeTarget {
  readonly host: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly servername?: string;
}

export interface ProbeOptions {
  /** One deadline for connect + plain-text protocol + handshake. */
  readonly timeoutMs: number;
  /** Anchors for Node's own verdict (kept for comparison; the analysis does not rely on it). */
  readonly secureContext?: tls.SecureContext;
  /** THE outbound policy (the trust context's): no check reaches a link-local address or the Lambda runtime API. */
  readonly outbound: OutboundPolicy;
}

/** What the server presented, in the order it sent it. */
export interface ProbeResult {
  readonly presented: X509Certificate[];
  /** SNI actually sent; undefined when the target is an IP address and no name was given. */
  readonly servername: string | undefined;
  readonly tlsVersion: string | null;
  readonly cipher: string;
  /** OpenSSL's single verification error, e.g. DEPTH_ZERO_SELF_SIGNED_CERT; undefined when authorized. */
  readonly opensslError: string | undefined;
  /** The DER OCSP response the server stapled (status_request), when it sent one. */
  readonly stapledOcsp?: Buffer;
}

/** Longest chain walked; real chains have 2–4 certificates. */
const MAX_CHAIN = 16;

/** The SNI to send: the explicit servername, else the host when it is a name (SNI never carries an IP). */
export function sniFor(target: Pick<ProbeTarget, 'host' | 'servername'>): string | undefined {
  const name = target.servername ?? target.host;
  return net.isIP(name) === 0 ? name : undefined;
}

export const addressOf = (target: Pick<ProbeTarget, 'host' | 'port'>): string =>
  net.isIPv6(target.host) ? `[${target.host}]:${String(target.port)}` : `${target.host}:${String(target.port)}`;

/**
 * Connects, upgrades with STARTTLS when the protocol needs it, completes the handshake without
 * judging trust, and returns the certificates the server presented. Everything happens within
 * one deadline; the sockets are destroyed when it expires and in every case before returning.
 */
export function probe(target: ProbeTarget, options: ProbeOptions): Promise<ProbeResult> {
  const address = addressOf(target);
  const sockets: net.Socket[] = [];
  return withDeadline(options.timeoutMs, address, async (deadline) => {
    const destroyAll = () => {
      // TLS socket first: destroying the wrapped TCP socket under a live TLSSocket crashed Node 20 (SIGSEGV).
      for (const socket of sockets.toReversed()) socket.destroy();
    };
    deadline.signal.addEventListener('abort', destroyAll, { once: true });
    try {
      const plain = await connect(target, address, sockets, options.outbound);
      const secondLook: SecondLook = { target, address, deadline, sockets, outbound: options.outbound };
      try {
        await startTls(target.protocol, plain, deadline, address);
      } catch (error) {
        // A refusal that an implicit-TLS port would also give: find out whether the port speaks TLS at once.
        if (!(error instanceof StartTlsRefusedError)) throw error;
        throw (await tlsMismatch(secondLook)) ?? error;
      }
      deadline.stage = 'handshake';
      try {
        return await handshake(plain, target, options, address, sockets);
      } catch (error) {
        // Plain text where TLS was expected: find out what the server speaks, to name the right --protocol.
        if (!(error instanceof TlsHandshakeError && error.plainText && startTlsKind(target.protocol) === undefined)) throw error;
        throw (await plainTextSpoken(secondLook)) ?? withStartTlsFix(error, target.protocol);
      }
    } finally {
      destroyAll();
    }
  });
}

/**
 * A second connection to the target, made to explain why the first failed: within the same
 * deadline, its sockets destroyed with the first's.
 */
interface SecondLook {
  readonly target: ProbeTarget;
  readonly address: string;
  readonly deadline: Deadline;
  readonly sockets: net.Socket[];
  readonly outbound: OutboundPolicy;
}

/** What an implicit-TLS check met instead of TLS: a greeting Trustline knows, or LDAP (which does not greet). */
async function plainTextSpoken({ target, address, deadline, sockets, outbound }: SecondLook): Promise<TlsCheckError | undefined> {
  const lookup = outbound.lookup('service', target.port);
  const greeted = plainTextMismatch(await sniffGreeting(target.host, target.port, deadline.remainingMs(), sockets, lookup), address);
  if (greeted !== undefined || target.protocol !== 'ldaps') return greeted;
  if (!(await speaksPlainLdap(target.host, target.port, deadline.remainingMs(), sockets, lookup))) return undefined;
  return new ProtocolMismatchError(address, 'LDAP in plain text', 'ldap-starttls', 'TLS', 'answered an LDAP StartTLS request in plain text');
}

/** The mismatch for a STARTTLS check of a port that speaks TLS from the first byte, if it does. */
async function tlsMismatch({ target, address, deadline, sockets, outbound }: SecondLook): Promise<TlsCheckError | undefined> {
  const implicit = implicitCounterpart(target.protocol);
  if (implicit === undefined) return undefined;
  if (!(await speaksTls(target.host, target.port, sniFor(target), deadline.remainingMs(), sockets, outbound.lookup('service', target.port)))) return undefined;
  return new ProtocolMismatchError(
    address,
    'TLS from the first byte',
    implicit,
    protocolLabel(target.protocol),
    'closed the plain-text conversation, and completed a TLS handshake on a new connection',
  );
}

/** The plain-text handshake failure with the STARTTLS protocol of the one asked (ldaps: ldap-starttls). */
function withStartTlsFix(error: TlsHandshakeError, protocol: Protocol): TlsHandshakeError {
  const starttls = startTlsCounterpart(protocol);
  if (starttls === undefined) return error;
  const fixed = new TlsHandshakeError(
    error.address,
    typeof error.actual === 'string' ? error.actual : 'the server did not answer in TLS',
    `Use --protocol ${starttls} for this port, or the implicit-TLS port (${String(defaultPort(protocol))}).`,
    { cause: error.cause },
  );
  fixed.plainText = true;
  return fixed;
}

/**
 * Connects under the outbound policy: an address literal is checked here (Node does not look one
 * up), a name through the policy's lookup, which keeps only the addresses it allows.
 */
function connect(target: ProbeTarget, address: string, sockets: net.Socket[], outbound: OutboundPolicy): Promise<net.Socket> {
  const refusal = net.isIP(target.host) === 0 ? undefined : outbound.refusal(target.host, target.port, 'service');
  if (refusal !== undefined) {
    const refused = new OutboundRefusedError(address, refusal);
    return Promise.reject(new ConnectFailedError(address, connectReason(refused), javaException(refused, target.host), { cause: refused }));
  }
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: target.host, port: target.port, lookup: outbound.lookup('service', target.port) });
    sockets.push(socket);
    socket.once('connect', () => {
      socket.off('error', onError);
      resolve(socket);
    });
    const onError = (error: NodeJS.ErrnoException) => {
      reject(new ConnectFailedError(address, connectReason(error), javaException(error, target.host), { cause: error }));
    };
    socket.once('error', onError);
  });
}

function connectReason(error: NodeJS.ErrnoException): string {
  if (error instanceof OutboundRefusedError) return `Trustline's outbound policy refuses it: ${error.reason}`;
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'the connection was refused (nothing listens on that port)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'the host is unreachable';
    case 'ECONNRESET':
      return 'the connection was reset';
    default:
      return error.message;
  }
}

/** What Java 17 throws for the same connection failure (java.net.Socket's messages). */
function javaException(error: NodeJS.ErrnoException, host: string): string {
  switch (error.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return `java.net.UnknownHostException: ${host}`;
    case 'ECONNREFUSED':
      return 'java.net.ConnectException: Connection refused';
    case 'EHOSTUNREACH':
      return 'java.net.NoRouteToHostException: No route to host';
    case 'ENETUNREACH':
      return 'java.net.ConnectException: Network is unreachable';
    case 'ECONNRESET':
      return 'java.net.SocketException: Connection reset';
    default:
      return 'java.net.ConnectException';
  }
}

async function startTls(protocol: Protocol, socket: net.Socket, deadline: Deadline, address: string): Promise<void> {
  const kind = startTlsKind(protocol);
  if (kind === undefined) return;
  if (kind === 'ldap') {
    await ldapStartTls(socket, deadline, address);
    return;
  }
  const reader = new LineReader(socket);
  try {
    if (kind === 'smtp') await smtpStartTls(reader, deadline, address);
    else if (kind === 'imap') await imapStartTls(reader, deadline, address);
    else await pop3StartTls(reader, deadline, address);
  } catch (error) {
    if (error instanceof TlsCheckError) throw error;
    throw new StartTlsRefusedError(address, `a ${kind.toUpperCase()} conversation that ends in STARTTLS`, (error as Error).message);
  } finally {
    reader.release();
  }
}

function handshake(plain: net.Socket, target: ProbeTarget, options: ProbeOptions, address: string, sockets: net.Socket[]): Promise<ProbeResult> {
  const servername = sniFor(target);
  return new Promise((resolve, reject) => {
    // tls.connect hands requestOCSP to the TLSSocket it creates; @types/node lists it only there.
    const connectOptions: tls.ConnectionOptions & Pick<tls.TLSSocketOptions, 'requestOCSP'> = {
      socket: plain,
      ...(servername === undefined ? {} : { servername }),
      ...(options.secureContext === undefined ? {} : { secureContext: options.secureContext }),
      // Judge trust ourselves: the handshake must complete whatever OpenSSL thinks of the chain.
      rejectUnauthorized: false,
      // Ask for a stapled OCSP answer: the cheapest revocation evidence, already signed by the issuer.
      requestOCSP: true,
    };
    const socket = tls.connect(connectOptions);
    sockets.push(socket);
    let stapledOcsp: Buffer | undefined;
    // Emitted with null when the server staples nothing.
    socket.once('OCSPResponse', (response: Buffer | null) => {
      stapledOcsp = response ?? undefined;
    });
    socket.once('secureConnect', () => {
      socket.off('error', onError);
      const cipher = socket.getCipher();
      resolve({
        presented: presentedChain(socket),
        servername,
        tlsVersion: socket.getProtocol(),
        cipher: cipher.standardName || cipher.name,
        opensslError: socket.authorized ? undefined : errorCode(socket.authorizationError),
        ...(stapledOcsp === undefined || stapledOcsp.length === 0 ? {} : { stapledOcsp }),
      });
    });
    const onError = (error: NodeJS.ErrnoException) => {
      reject(handshakeError(address, error));
    };
    socket.once('error', onError);
  });
}

function errorCode(error: Error | string | undefined): string | undefined {
  if (error === undefined) return undefined;
  return typeof error === 'string' ? error : ((error as NodeJS.ErrnoException).code ?? error.message);
}

function handshakeError(address: string, error: NodeJS.ErrnoException): TlsHandshakeError {
  if (error.code === 'ERR_SSL_WRONG_VERSION_NUMBER' || error.code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG') {
    const plain = new TlsHandshakeError(
      address,
      'the server did not answer in TLS (it may expect plain text and STARTTLS)',
      'Use the STARTTLS protocol for this port (for example --protocol smtp-starttls) or the implicit-TLS port.',
      { cause: error },
    );
    plain.plainText = true;
    return plain;
  }
  if (error.code === 'ECONNRESET' || /socket disconnected|socket hang up/i.test(error.message)) {
    return new TlsHandshakeError(
      address,
      'the server closed the connection during the handshake',
      "Check the server's TLS configuration and its log; it may refuse the TLS versions or ciphers Trustline offers.",
      { cause: error },
    );
  }
  return new TlsHandshakeError(address, error.message, "Check the server's TLS configuration (protocol versions, ciphers, certificate).", { cause: error });
}

/**
 * The chain in the order the server sent it. getPeerX509Certificate walks the presented order
 * without judging issuance (getPeerCertificate(true) would re-link it and add local roots).
 */
function presentedChain(socket: tls.TLSSocket): X509Certificate[] {
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  let current: X509Certificate | undefined = socket.getPeerX509Certificate();
  for (let i = 0; i < MAX_CHAIN && current !== undefined && !seen.has(current.fingerprint256); i++) {
    seen.add(current.fingerprint256);
    chain.push(current);
    current = current.issuerCertificate;
  }
  return chain;
}

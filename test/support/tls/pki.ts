import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto);

type KeyPair = webcrypto.CryptoKeyPair;

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

/** A generated certificate with its key, ready for `tls.createServer`. */
export interface Issued {
  readonly pem: string;
  readonly keyPem: string;
  readonly cert: x509.X509Certificate;
  readonly keys: KeyPair;
}

export interface IssueOptions {
  readonly cn: string;
  /** SAN DNS names (leaf); default none. */
  readonly dns?: readonly string[];
  readonly ips?: readonly string[];
  /** Days relative to now; defaults -1 and +365. */
  readonly notBeforeDays?: number;
  readonly notAfterDays?: number;
  readonly ca?: boolean;
  /** AIA "CA Issuers" URL. */
  readonly caIssuersUrl?: string;
  /** AIA OCSP responder URL. */
  readonly ocspUrl?: string;
  /** CRL distribution point URL. */
  readonly crlUrl?: string;
  /** Extended key usages (e.g. OCSP signing for a delegated responder). */
  readonly extendedKeyUsages?: readonly string[];
}

async function keyPem(keys: KeyPair): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return x509.PemConverter.encode(der, 'PRIVATE KEY') + '\n';
}

async function extensions(options: IssueOptions, keys: KeyPair, issuer?: Issued): Promise<x509.Extension[]> {
  const list: x509.Extension[] = [
    new x509.BasicConstraintsExtension(options.ca ?? false, undefined, true),
    new x509.KeyUsagesExtension(options.ca === true ? x509.KeyUsageFlags.keyCertSign : x509.KeyUsageFlags.digitalSignature, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  if (issuer !== undefined) list.push(await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey));
  const names = [
    ...(options.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(options.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  if (names.length > 0) list.push(new x509.SubjectAlternativeNameExtension(names));
  if (options.caIssuersUrl !== undefined || options.ocspUrl !== undefined) {
    list.push(
      new x509.AuthorityInfoAccessExtension({
        ...(options.caIssuersUrl === undefined ? {} : { caIssuers: options.caIssuersUrl }),
        ...(options.ocspUrl === undefined ? {} : { ocsp: options.ocspUrl }),
      }),
    );
  }
  if (options.crlUrl !== undefined) list.push(new x509.CRLDistributionPointsExtension([options.crlUrl]));
  if (options.extendedKeyUsages !== undefined) list.push(new x509.ExtendedKeyUsageExtension([...options.extendedKeyUsages]));
  return list;
}

function dates(options: IssueOptions) {
  return {
    notBefore: new Date(Date.now() + (options.notBeforeDays ?? -1) * DAY),
    notAfter: new Date(Date.now() + (options.notAfterDays ?? 365) * DAY),
  };
}

/** A self-signed certificate (a root CA with `ca: true`, else a self-signed server leaf). */
export async function selfSigned(options: IssueOptions): Promise<Issued> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${options.cn}`,
    keys,
    signingAlgorithm: ALG,
    ...dates(options),
    extensions: await extensions(options, keys),
  });
  return { pem: cert.toString('pem') + '\n', keyPem: await keyPem(keys), cert, keys };
}

/** A certificate signed by `issuer`. */
export async function issue(issuer: Issued, options: IssueOptions): Promise<Issued> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.create({
    subject: `CN=${options.cn}`,
    issuer: issuer.cert.subject,
    publicKey: keys.publicKey,
    signingKey: issuer.keys.privateKey,
    signingAlgorithm: ALG,
    ...dates(options),
    extensions: await extensions(options, keys, issuer),
  });
  return { pem: cert.toString('pem') + '\n', keyPem: await keyPem(keys), cert, keys };
}

/** root → intermediate → leaf for `localhost` (SAN localhost + 127.0.0.1). */
export async function chain(leafOptions: Partial<IssueOptions> = {}, intermediateOptions: Partial<IssueOptions> = {}) {
  const root = await selfSigned({ cn: 'Trustline Test Root', ca: true, notAfterDays: 3650 });
  const intermediate = await issue(root, { cn: 'Trustline Test Intermediate', ca: true, notAfterDays: 1825, ...intermediateOptions });
  const leaf = await issue(intermediate, { cn: 'localhost', dns: ['localhost'], ips: ['127.0.0.1'], ...leafOptions });
  return { root, intermediate, leaf };
}

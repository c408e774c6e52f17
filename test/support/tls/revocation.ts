import { createHash, KeyObject, sign, X509Certificate } from 'node:crypto';
import http from 'node:http';
import tls from 'node:tls';
import {
  BasicOCSPResponse,
  CertStatus,
  OCSPRequest,
  OCSPResponse,
  OCSPResponseStatus,
  ResponderID,
  ResponseBytes,
  ResponseData,
  RevokedInfo,
  SingleResponse,
  id_pkix_ocsp_basic,
  KeyHash,
  CertID,
  Request,
  TBSRequest,
} from '@peculiar/asn1-ocsp';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate, CRLReason, CRLReasons } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import type { Issued } from './pki.ts';
import { listen, type Running } from './servers.ts';

const ECDSA_SHA256 = '1.2.840.10045.4.3.2';
const HOUR = 3_600_000;

/** What a responder says about a serial number (lowercase hex, no sign padding). */
export type TestStatus = 'good' | 'unknown' | { readonly revokedAt: Date; readonly reason?: CRLReasons };

const serialKey = (bytes: ArrayBuffer) =>
  Buffer.from(bytes)
    .toString('hex')
    .replace(/^(00)+(?=.)/, '');
export const serialOf = (issued: Issued) => issued.cert.serialNumber.toLowerCase().replace(/^(00)+(?=.)/, '');

function certStatus(status: TestStatus): CertStatus {
  if (status === 'good') return new CertStatus({ good: null });
  if (status === 'unknown') return new CertStatus({ unknown: null });
  return new CertStatus({
    revoked: new RevokedInfo({ revocationTime: status.revokedAt, ...(status.reason === undefined ? {} : { revocationReason: new CRLReason(status.reason) }) }),
  });
}

export interface OcspOptions {
  /** Who signs: the issuer (default) or a delegated responder issued by it. */
  readonly signer?: Issued;
  readonly thisUpdate?: Date;
  readonly nextUpdate?: Date;
}

/** A DER OCSPResponse answering `certID` with `status`, signed with ECDSA P-256 / SHA-256 by the signer. */
export function ocspResponse(certID: CertID, status: TestStatus, issuer: Issued, options: OcspOptions = {}): Buffer {
  const signer = options.signer ?? issuer;
  const spki = AsnConvert.parse(signer.cert.rawData, Certificate).tbsCertificate.subjectPublicKeyInfo.subjectPublicKey;
  const data = new ResponseData({
    responderID: new ResponderID({ byKey: new KeyHash(createHash('sha1').update(new Uint8Array(spki)).digest()) }),
    producedAt: new Date(),
    responses: [
      new SingleResponse({
        certID,
        certStatus: certStatus(status),
        thisUpdate: options.thisUpdate ?? new Date(Date.now() - HOUR),
        nextUpdate: options.nextUpdate ?? new Date(Date.now() + 24 * HOUR),
      }),
    ],
  });
  const tbs = AsnConvert.serialize(data);
  const key = KeyObject.from(signer.keys.privateKey);
  const signature = sign('sha256', new Uint8Array(tbs), { key, dsaEncoding: 'der' });
  const basic = new BasicOCSPResponse({
    tbsResponseData: data,
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: ECDSA_SHA256 }),
    signature: new Uint8Array(signature).buffer,
    ...(signer === issuer ? {} : { certs: [AsnConvert.parse(signer.cert.rawData, Certificate)] }),
  });
  const response = new OCSPResponse({
    responseStatus: OCSPResponseStatus.successful,
    responseBytes: new ResponseBytes({ responseType: id_pkix_ocsp_basic, response: new OctetString(AsnConvert.serialize(basic)) }),
  });
  return Buffer.from(AsnConvert.serialize(response));
}

/** The CertID a client would send for `leaf`: SHA-1 hashes of the issuer's name and key. */
export function certIdFor(leaf: Issued, issuer: Issued): CertID {
  const request = AsnConvert.parse(ocspRequestFor(leaf, issuer), OCSPRequest);
  const first = request.tbsRequest.requestList[0];
  if (first === undefined) throw new RangeError('no request');
  return first.reqCert;
}

/** Built independently of lib/tls/ocsp.ts: the test must not grade the product with its own code. */
function ocspRequestFor(leaf: Issued, issuer: Issued): Uint8Array {
  const issuerTbs = AsnConvert.parse(issuer.cert.rawData, Certificate).tbsCertificate;
  const leafTbs = AsnConvert.parse(leaf.cert.rawData, Certificate).tbsCertificate;
  const sha1 = (bytes: ArrayBuffer) => createHash('sha1').update(new Uint8Array(bytes)).digest();
  const certID = new CertID({
    hashAlgorithm: new AlgorithmIdentifier({ algorithm: '1.3.14.3.2.26', parameters: null }),
    issuerNameHash: new OctetString(sha1(AsnConvert.serialize(issuerTbs.subject))),
    issuerKeyHash: new OctetString(sha1(issuerTbs.subjectPublicKeyInfo.subjectPublicKey)),
    serialNumber: leafTbs.serialNumber,
  });
  return new Uint8Array(AsnConvert.serialize(new OCSPRequest({ tbsRequest: new TBSRequest({ requestList: [new Request({ reqCert: certID })] }) })));
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A loopback OCSP responder for `issuer`: POST application/ocsp-request, answers from `statuses` (by serial); counts requests. */
export async function ocspResponder(issuer: Issued, statuses: Map<string, TestStatus>, options: OcspOptions = {}) {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits++;
    void readBody(req).then((body) => {
      // RFC 6960 A.1: POST application/ocsp-request, or GET {url}/{url-encoding of base-64 of the DER} (the JDK uses GET for short requests).
      const get = req.method === 'GET' ? /^\/ocsp\/(.+)$/.exec(req.url ?? '')?.[1] : undefined;
      const der =
        get !== undefined
          ? Buffer.from(decodeURIComponent(get), 'base64')
          : req.method === 'POST' && req.headers['content-type'] === 'application/ocsp-request'
            ? body
            : undefined;
      if (der === undefined) {
        res.writeHead(405).end();
        return;
      }
      const request = AsnConvert.parse(der, OCSPRequest);
      const certID = request.tbsRequest.requestList[0]?.reqCert;
      if (certID === undefined) {
        res.writeHead(400).end();
        return;
      }
      const status = statuses.get(serialKey(certID.serialNumber)) ?? 'unknown';
      res.writeHead(200, { 'content-type': 'application/ocsp-response' }).end(ocspResponse(certID, status, issuer, options));
    });
  });
  const running = await listen(server);
  return Object.assign(running, { url: `http://127.0.0.1:${String(running.port)}/ocsp`, hits: () => hits });
}

/** A DER CRL of `issuer` listing `revoked` serials. */
export async function crlOf(
  issuer: Issued,
  revoked: readonly { serial: string; reason?: x509.X509CrlReason; date?: Date }[],
  nextUpdate = new Date(Date.now() + 24 * HOUR),
): Promise<Uint8Array> {
  const crl = await x509.X509CrlGenerator.create({
    issuer: issuer.cert.subject,
    thisUpdate: new Date(Date.now() - HOUR),
    nextUpdate,
    signingKey: issuer.keys.privateKey,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    entries: revoked.map((entry) => ({
      serialNumber: entry.serial,
      revocationDate: entry.date ?? new Date(Date.now() - HOUR),
      ...(entry.reason === undefined ? {} : { reason: entry.reason }),
    })),
  });
  return new Uint8Array(crl.rawData);
}

/** An implicit-TLS server that staples `ocsp()`'s answer to every handshake that asks for one. */
export async function staplingServer(keyPem: string, certChainPem: string, ocsp: () => Buffer | Promise<Buffer>): Promise<Running> {
  const server = tls.createServer({ key: keyPem, cert: certChainPem }, (socket) => {
    socket.on('error', () => undefined);
    socket.end('hello\r\n');
  });
  server.on('OCSPRequest', (_cert: Buffer, _issuer: Buffer, callback: (error: Error | null, response?: Buffer) => void) => {
    Promise.resolve(ocsp()).then(
      (response) => {
        callback(null, response);
      },
      (error: unknown) => {
        callback(error as Error);
      },
    );
  });
  server.on('tlsClientError', () => undefined);
  return listen(server);
}

export const nodeCert = (issued: Issued) => new X509Certificate(issued.pem);

/** A plain-HTTP server whose answer (to every path) can be replaced; counts requests. */
export async function mutableFileServer() {
  let body: Uint8Array = new Uint8Array();
  let hits = 0;
  const server = http.createServer((_req, res) => {
    hits++;
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
  });
  const running = await listen(server);
  return Object.assign(running, {
    url: (path: string) => `http://127.0.0.1:${String(running.port)}${path}`,
    set: (next: Uint8Array) => {
      body = next;
    },
    body: () => body,
    hits: () => hits,
  });
}

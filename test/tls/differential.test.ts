import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { analyzeChain, judge, probe } from '../../lib/tls/index.ts';
import { anchorSet } from '../../lib/tls/anchors.ts';
import { createOutboundPolicy, createTrustContext, fixedTrustStore } from '../../lib/trust/index.ts';
import { chain, issue, selfSigned } from '../support/tls/pki.ts';
import { serve } from './helpers.ts';

/** Our verdict next to OpenSSL's one error, for chains with exactly one problem. */
async function both(anchorPems: string[], keyPem: string, ...pems: string[]) {
  const ca = await createTrustContext(fixedTrustStore(anchorPems.join(''))).ca();
  const port = await serve(keyPem, ...pems);
  const probed = await probe(
    { host: '127.0.0.1', port, protocol: 'https', servername: 'localhost' },
    { timeoutMs: 5000, secureContext: tls.createSecureContext({ ca, allowPartialTrustChain: true }), outbound: createOutboundPolicy() },
  );
  // Verify every signature ourselves here: the comparison must not lean on OpenSSL's answer.
  const analysis = await analyzeChain({ presented: probed.presented, hostname: 'localhost', anchors: anchorSet(ca), now: Date.now() });
  return { openssl: probed.opensslError ?? 'authorized', ours: judge(analysis, 30).verdict, javaTrusts: analysis.javaTrusts };
}

describe('differential: our analysis against OpenSSL on single-problem chains', () => {
  it('trusted chain: authorized / ok', async () => {
    const { root, intermediate, leaf } = await chain();
    expect(await both([root.pem], leaf.keyPem, leaf.pem, intermediate.pem)).toEqual({ openssl: 'authorized', ours: 'ok', javaTrusts: true });
  });

  it('self-signed leaf: DEPTH_ZERO_SELF_SIGNED_CERT / self-signed', async () => {
    const s = await selfSigned({ cn: 'localhost', dns: ['localhost'] });
    expect(await both([], s.keyPem, s.pem)).toEqual({ openssl: 'DEPTH_ZERO_SELF_SIGNED_CERT', ours: 'self-signed', javaTrusts: false });
  });

  it('unknown root: UNABLE_TO_GET_ISSUER_CERT_LOCALLY / unknown-ca', async () => {
    const { intermediate, leaf } = await chain();
    expect(await both([], leaf.keyPem, leaf.pem, intermediate.pem)).toEqual({
      openssl: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      ours: 'unknown-ca',
      javaTrusts: false,
    });
  });

  it('untrusted root sent: SELF_SIGNED_CERT_IN_CHAIN / unknown-ca', async () => {
    const { root, intermediate, leaf } = await chain();
    expect(await both([], leaf.keyPem, leaf.pem, intermediate.pem, root.pem)).toEqual({
      openssl: 'SELF_SIGNED_CERT_IN_CHAIN',
      ours: 'unknown-ca',
      javaTrusts: false,
    });
  });

  it('expired leaf: CERT_HAS_EXPIRED / expired', async () => {
    const { root, intermediate, leaf } = await chain({ notBeforeDays: -100, notAfterDays: -2 });
    expect(await both([root.pem], leaf.keyPem, leaf.pem, intermediate.pem)).toEqual({ openssl: 'CERT_HAS_EXPIRED', ours: 'expired', javaTrusts: false });
  });

  it('leaf not yet valid: CERT_NOT_YET_VALID / not-yet-valid', async () => {
    const { root, intermediate, leaf } = await chain({ notBeforeDays: 3 });
    expect(await both([root.pem], leaf.keyPem, leaf.pem, intermediate.pem)).toEqual({
      openssl: 'CERT_NOT_YET_VALID',
      ours: 'not-yet-valid',
      javaTrusts: false,
    });
  });

  it('intermediate as the only anchor: authorized with allowPartialTrustChain / ok', async () => {
    const { intermediate, leaf } = await chain();
    expect(await both([intermediate.pem], leaf.keyPem, leaf.pem, intermediate.pem)).toEqual({ openssl: 'authorized', ours: 'ok', javaTrusts: true });
  });

  it("an impostor CA with a trusted CA's name: both refuse", async () => {
    const { root } = await chain();
    const impostor = await selfSigned({ cn: 'Trustline Test Root', ca: true });
    const leaf = await issue(impostor, { cn: 'localhost', dns: ['localhost'] });
    const result = await both([root.pem], leaf.keyPem, leaf.pem);
    expect(result.openssl).not.toBe('authorized');
    expect(result).toMatchObject({ ours: 'unknown-ca', javaTrusts: false });
  });
});

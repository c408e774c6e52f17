import { describe, expect, it } from 'vitest';
import { keytoolCommands } from '../../lib/tls/index.ts';
import { chain, selfSigned } from '../support/tls/pki.ts';
import { check, serve } from './helpers.ts';

describe('the anchor the JVM needs', () => {
  it('is the server certificate itself when it is self-signed', async () => {
    const server = await selfSigned({ cn: 'localhost', dns: ['localhost'] });
    const { fix } = await check(await serve(server.keyPem, server.pem));
    expect(fix?.pem).toBe(server.pem);
  });

  it('is the root the server sends, not the leaf', async () => {
    const { root, intermediate, leaf } = await chain();
    const { fix } = await check(await serve(leaf.keyPem, leaf.pem, intermediate.pem, root.pem));
    expect(fix?.pem).toBe(root.pem);
    expect(fix?.reason).toContain('covers every certificate it issues');
  });

  it('is the highest certificate available when the root is neither sent nor known', async () => {
    const { intermediate, leaf } = await chain();
    const { fix } = await check(await serve(leaf.keyPem, leaf.pem, intermediate.pem));
    expect(fix?.pem).toBe(intermediate.pem);
  });

  it('falls back to the leaf, saying why and what is better, when nothing above it is available', async () => {
    const { leaf } = await chain();
    const { fix } = await check(await serve(leaf.keyPem, leaf.pem));
    expect(fix?.pem).toBe(leaf.pem);
    expect(fix?.reason).toContain('Better: import "Trustline Test Intermediate"');
  });

  it('is absent when the chain is trusted', async () => {
    const { root, intermediate, leaf } = await chain();
    expect((await check(await serve(leaf.keyPem, leaf.pem, intermediate.pem), [root.pem])).fix).toBeUndefined();
  });

  it('comes with an alias unique to the certificate', async () => {
    const a = await selfSigned({ cn: 'localhost', dns: ['localhost'] });
    const b = await selfSigned({ cn: 'localhost', dns: ['localhost'] });
    const [fixA, fixB] = await Promise.all([check(await serve(a.keyPem, a.pem)), check(await serve(b.keyPem, b.pem))]);
    expect(fixA.fix?.alias).not.toBe(fixB.fix?.alias);
  });
});

describe('keytool commands', () => {
  it('has a -cacerts form and a -keystore form, both non-interactive with the changeit password', () => {
    const { keytool, keytoolKeystore } = keytoolCommands('trustline-x-0011aabb', 'trustline-x-0011aabb.pem');
    expect(keytool).toBe('keytool -importcert -noprompt -alias trustline-x-0011aabb -file trustline-x-0011aabb.pem -cacerts -storepass changeit');
    expect(keytoolKeystore).toBe(
      'keytool -importcert -noprompt -alias trustline-x-0011aabb -file trustline-x-0011aabb.pem -keystore "$JAVA_HOME/lib/security/cacerts" -storepass changeit',
    );
  });
});

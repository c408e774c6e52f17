import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { logger } from '../../lib/observe/logger.ts';
import { MetricUnit, metrics } from '../../lib/observe/metrics.ts';
import { registerSecret } from '../../lib/observe/redact.ts';
import { forgetSecrets } from '../../lib/observe/secret-registry.ts';
import { captureStdio } from '../support/stdio.ts';

const random = (prefix = ''): string => `${prefix}${randomBytes(18).toString('base64url')}`;

/** Every secret of the record, with the forms it could leak in. */
function forms(secret: string): string[] {
  return [secret, encodeURIComponent(secret), new URLSearchParams({ v: secret }).toString().slice(2), Buffer.from(secret).toString('base64')];
}

function expectNoSecret(output: string, secrets: readonly string[]): void {
  for (const secret of secrets) for (const form of forms(secret)) expect(output, `leaked ${form}`).not.toContain(form);
}

/** A record full of secrets, some registered and some only recognisable by where they sit. */
function secretRecord() {
  const registered = {
    clientSecret: random('GOCSPX-'),
    accessToken: random('ya29.'),
    refreshToken: random('1//0g'),
    sharedSecret: random(),
    withSpecials: `p@ss w/rd+&=${random()}`,
  };
  const unregistered = {
    bearer: random('opaque'),
    formSecret: random('form'),
    formRefresh: `1//${random()}`,
    jsonAccess: random('ya29.'),
    jwt: `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: random() })).toString('base64url')}.${random()}`,
    code: random('4/0A'),
    password: random('pw'),
    verifier: random('verifier'),
    fieldRefresh: random('field'),
    fieldAccess: random('field'),
    fieldAuthorization: `Basic ${random()}`,
    fieldJwt: random('jwtfield'),
    pemBody: randomBytes(48).toString('base64'),
  };
  for (const value of Object.values(registered)) registerSecret(value);
  const ordinary = {
    provider: 'google',
    tokenEndpoint: 'https://oauth2.googleapis.com/token',
    accessTokenExpiresAt: '2026-11-22T10:00:00.000Z',
    errorCode: 'STORE_CORRUPTED',
    clientId: 'trustline-test.apps.googleusercontent.com',
  };
  const record = {
    integration: {
      id: 'int-1',
      provider: ordinary.provider,
      tokenEndpoint: ordinary.tokenEndpoint,
      accessTokenExpiresAt: ordinary.accessTokenExpiresAt,
      clientSecret: registered.clientSecret,
    },
    request: {
      headers: { Authorization: `Bearer ${unregistered.bearer}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: unregistered.formRefresh,
        client_id: ordinary.clientId,
        client_secret: unregistered.formSecret,
      }).toString(),
    },
    response: JSON.stringify({ access_token: unregistered.jsonAccess, token_type: 'Bearer', expires_in: 3599 }),
    callbackUrl: `https://trustline.example/oauth/callback/k1?code=${unregistered.code}&state=st-1`,
    nested: { deeper: [{ note: `the access token is ${registered.accessToken}` }, [`shared ${registered.sharedSecret}`]] },
    inText: `Authorization: Bearer ${unregistered.bearer}\npresented ${unregistered.jwt}`,
    encodedForms: [encodeURIComponent(registered.withSpecials), new URLSearchParams({ p: registered.withSpecials }).toString()],
    pem: `-----BEGIN PRIVATE KEY-----\n${unregistered.pemBody}\n-----END PRIVATE KEY-----`,
    keyedBySecret: { [registered.refreshToken]: 'lease' },
    binary: Buffer.from(registered.sharedSecret),
    clientSecret: registered.clientSecret,
    access_token: unregistered.fieldAccess,
    refreshToken: unregistered.fieldRefresh,
    Authorization: unregistered.fieldAuthorization,
    password: unregistered.password,
    code_verifier: unregistered.verifier,
    jwt: unregistered.fieldJwt,
    failure: { code: ordinary.errorCode },
  };
  return { registered, unregistered, ordinary, record, secrets: [...Object.values(registered), ...Object.values(unregistered)] };
}

/** The parts of the logged record the assertions read. */
interface LoggedRecord {
  integration: Record<string, unknown>;
  request: { body: string; headers: Record<string, string> };
  response: string;
  callbackUrl: string;
  failure: { code: string };
  clientSecret: string;
}

afterEach(() => {
  forgetSecrets();
});

describe('logger redaction', () => {
  it('lets no secret of a record full of them reach stdout', async () => {
    const { record, registered, secrets } = secretRecord();
    const { stdout, lines } = await captureStdio(() => {
      logger.info(`refreshing with ${registered.refreshToken}`, record);
    });
    expect(lines).toHaveLength(1);
    expectNoSecret(stdout, secrets);
  });

  it('keeps the ordinary fields of that record readable', async () => {
    const { record, ordinary } = secretRecord();
    const { lines } = await captureStdio(() => {
      logger.info('refreshing', record);
    });
    const line = JSON.parse(lines[0]!) as LoggedRecord;
    expect(line.integration).toMatchObject({
      id: 'int-1',
      provider: ordinary.provider,
      tokenEndpoint: ordinary.tokenEndpoint,
      accessTokenExpiresAt: ordinary.accessTokenExpiresAt,
    });
    expect(line.request.body).toContain(`client_id=${encodeURIComponent(ordinary.clientId)}`);
    expect(line.request.body).toContain('grant_type=refresh_token');
    expect(line.request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(line.response).toContain('"token_type":"Bearer"');
    expect(line.response).toContain('"expires_in":3599');
    expect(line.callbackUrl).toContain('state=st-1');
    expect(line.failure.code).toBe(ordinary.errorCode);
    expect(line.clientSecret).toBe('[REDACTED]');
  });

  it('redacts registered secrets in Error messages, stacks and causes, and keeps the rest of the message', async () => {
    const { registered, unregistered, secrets } = secretRecord();
    const cause = new Error(`token endpoint answered for client_secret=${unregistered.formSecret}`);
    const error = new Error(`invalid_grant: refresh token ${registered.refreshToken} was revoked`, { cause });
    const { stderr, lines } = await captureStdio(() => {
      logger.error('Token refresh failed', { error });
    });
    expectNoSecret(stderr, secrets);
    const line = JSON.parse(lines[0]!) as { error: { message: string; stack: string; cause: { message: string } } };
    expect(line.error.message).toBe('invalid_grant: refresh token [REDACTED] was revoked');
    expect(line.error.stack).toContain('invalid_grant: refresh token [REDACTED]');
    expect(line.error.cause.message).toBe('token endpoint answered for client_secret=[REDACTED]');
  });

  it('redacts a secret registered after the logger was created, in child loggers too', async () => {
    const child = logger.createChild({ persistentKeys: { capability: 'oauth' } });
    const late = random('late');
    registerSecret(late);
    const { lines } = await captureStdio(() => {
      child.warn(`got ${late}`, { value: late });
    });
    expect(lines.join('\n')).not.toContain(late);
    expect(JSON.parse(lines[0]!)).toMatchObject({ capability: 'oauth', message: 'got [REDACTED]', value: '[REDACTED]' });
  });
});

describe('metrics redaction', () => {
  it('lets no secret in dimension values or metadata reach the EMF output', async () => {
    const { registered, unregistered, record, secrets } = secretRecord();
    const { stdout } = await captureStdio(() => {
      metrics.addDimension('integration', `int-${registered.accessToken}`);
      metrics.addDimensions({ endpoint: `host?code=${unregistered.code}` });
      metrics.addMetadata('request', JSON.stringify(record));
      metrics.addMetadata('clientSecret', unregistered.formSecret);
      metrics.addMetadata('note', `refresh ${registered.refreshToken}`);
      metrics.addMetric('TokenRefreshed', MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
    });
    expectNoSecret(stdout, secrets);
  });

  it('publishes EMF in the Trustline namespace with metric values, dimension names and ordinary metadata intact', async () => {
    const { stdout } = await captureStdio(() => {
      metrics.addDimension('provider', 'google');
      metrics.addMetadata('integrationId', 'int-1');
      metrics.addMetric('TokenRefreshed', MetricUnit.Count, 2);
      metrics.publishStoredMetrics();
    });
    const emf = JSON.parse(stdout.trim()) as { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] } };
    expect(emf._aws.CloudWatchMetrics[0]!.Namespace).toBe('Trustline');
    expect(emf._aws.CloudWatchMetrics[0]!.Dimensions[0]).toContain('provider');
    expect(emf).toMatchObject({ TokenRefreshed: 2, provider: 'google', integrationId: 'int-1' });
  });

  it('redacts default dimensions and single metrics as well', async () => {
    const secret = random('default');
    registerSecret(secret);
    const { stdout } = await captureStdio(() => {
      const single = metrics.singleMetric();
      single.addDimension('tenant', `t-${secret}`);
      single.addMetric('ColdStartLike', MetricUnit.Count, 1);
      metrics.setDefaultDimensions({ environment: secret });
      metrics.addMetric('Checked', MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
      metrics.clearDefaultDimensions();
    });
    expect(stdout.trim().split('\n')).toHaveLength(2);
    expect(stdout).not.toContain(secret);
    expect(stdout).toContain('"tenant":"t-[REDACTED]"');
  });
});

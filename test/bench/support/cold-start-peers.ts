import * as atlassianJwt from 'atlassian-jwt';
import type { FunctionSpec } from '../../../functions/manifest.ts';
import { queueUrlVariable } from '../../../infra/aws/fan-out-queue.ts';
import { saveInstallation } from '../../../lib/jwt/connect-installations.ts';
import { qsh } from '../../../lib/jwt/qsh.ts';
import { createAwsSecretStore } from '../../../lib/runtime/aws/secret-store.ts';
import { fakeCredentials, testRegion } from '../../support/aws-test-credentials.ts';
import { type DynaliteTable, startDynalite } from '../../support/dynalite.ts';
import { type FakeSecretsManager, startFakeSecretsManager } from '../../support/fake-secrets-manager.ts';

/** The Connect installation the JWT functions' events are signed for. */
export const BENCH_CLIENT_KEY = 'bench-client-0123456789';
const SHARED_SECRET = 'bench-shared-secret-0123456789abcdef0123456789abcdef';

/**
 * The AWS peers a cold start talks to, on loopback: dynalite with Trustline's table and the
 * Secrets Manager endpoint the tests use, holding one Connect installation.
 */
export interface ColdStartPeers {
  /** The environment of a function on the aws backend against these peers, as the stack sets it. */
  environment(spec: FunctionSpec): Record<string, string>;
  /** A Connect token for `method` + `pathAndQuery`, signed with the seeded installation's secret. */
  connectToken(method: string, pathAndQuery: string): string;
  close(): Promise<void>;
}

export async function startColdStartPeers(): Promise<ColdStartPeers> {
  const [table, secretsManager]: [DynaliteTable, FakeSecretsManager] = await Promise.all([startDynalite('trustline-bench'), startFakeSecretsManager()]);
  const secrets = createAwsSecretStore({ region: testRegion, credentials: fakeCredentials, secretsEndpoint: secretsManager.endpoint });
  await saveInstallation(secrets, {
    clientKey: BENCH_CLIENT_KEY,
    sharedSecret: SHARED_SECRET,
    baseUrl: 'https://bench.atlassian.net',
    installedAt: new Date().toISOString(),
  });
  return {
    environment: (spec) => ({
      TRUSTLINE_BACKEND: 'aws',
      AWS_REGION: testRegion,
      // What Lambda tells every function about itself (read by the SDK and Powertools).
      AWS_LAMBDA_FUNCTION_NAME: `trustline-${spec.name}`,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      AWS_EXECUTION_ENV: `AWS_Lambda_nodejs${process.versions.node.split('.')[0]}.x`,
      // Lambda hands a function its role's credentials in these variables.
      AWS_ACCESS_KEY_ID: fakeCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: fakeCredentials.secretAccessKey,
      AWS_SESSION_TOKEN: 'bench-session-token',
      TRUSTLINE_TABLE: table.tableName,
      TRUSTLINE_DYNAMODB_ENDPOINT: table.endpoint,
      TRUSTLINE_SECRETS_ENDPOINT: secretsManager.endpoint,
      TRUSTLINE_PUBLIC_URL: 'https://bench.execute-api.us-east-1.amazonaws.com',
      POWERTOOLS_SERVICE_NAME: `trustline-${spec.name}`,
      POWERTOOLS_METRICS_NAMESPACE: 'Trustline',
      ...(spec.access.alerts === true ? { TRUSTLINE_ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:trustline-bench-alerts' } : {}),
      // The stack gives a fan-out function its queue's URL; a loopback one, as the benchmark's table holds no work to queue.
      ...(spec.access.queueTo === undefined
        ? {}
        : { [queueUrlVariable(spec.access.queueTo)]: `http://127.0.0.1:9/000000000000/trustline-bench-${spec.access.queueTo}` }),
    }),
    connectToken: (method, pathAndQuery) => {
      const now = Math.floor(Date.now() / 1000);
      return atlassianJwt.encodeSymmetric({ iss: BENCH_CLIENT_KEY, iat: now, exp: now + 3600, qsh: qsh({ method, url: pathAndQuery }) }, SHARED_SECRET);
    },
    close: async () => {
      await Promise.all([table.close(), secretsManager.close()]);
    },
  };
}

import { beforeAll, describe, expect, it } from 'vitest';
import { manifest } from '../../functions/manifest.ts';
import type { AwsCall } from '../../infra/local/aws/aws-calls.ts';
import { type LocalDeployment, physicalName, resolveString } from '../../infra/local/aws/deployment.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../../infra/local/aws/start.ts';
import {
  type CfnTemplate,
  type DeployedFunction,
  LOCAL_STACK_NAME,
  deployedFunctions,
  deployedQueueTriggers,
  deployedQueues,
  deployedTable,
  resourcePolicies,
  synthesizeTemplate,
} from '../../infra/local/aws/template.ts';
import { createTableInput } from '../../lib/store/aws/table-schema.ts';
import { loadConfig } from '../../lib/runtime/config.ts';
import { type IamPolicies, judgeCall } from '../support/iam-simulation.ts';

const deployment: LocalDeployment = {
  stackName: LOCAL_STACK_NAME,
  partition: 'aws',
  region: LOCAL_REGION,
  account: LOCAL_ACCOUNT,
  apiEndpoint: 'http://127.0.0.1:3000',
  awsEndpoint: 'http://127.0.0.1:4566',
};

let template: CfnTemplate;
let functions: DeployedFunction[];
let policies: IamPolicies;
beforeAll(() => {
  template = synthesizeTemplate();
  functions = deployedFunctions(template, deployment, manifest);
  policies = { functions, resourcePolicies: resourcePolicies(template, deployment), account: LOCAL_ACCOUNT };
}, 120_000);

const logicalIdOf = (type: string, prefix: string) => Object.entries(template.Resources).find(([id, r]) => r.Type === type && id.startsWith(prefix))?.[0] ?? '';
const arn = (logicalId: string) => resolveString(template, deployment, { 'Fn::GetAtt': [logicalId, 'Arn'] }, logicalId);
const tableArn = () => arn(logicalIdOf('AWS::DynamoDB::Table', 'DataTable'));
/** The queue that feeds `worker` (not its dead-letter queue). */
const fanOutQueueArn = (worker = 'token-refresh-worker') =>
  deployedQueues(template, deployment).find((queue) =>
    deployedQueueTriggers(template, deployment, functions).some((t) => t.queueArn === queue.arn && t.functionName === worker),
  )?.arn ?? '';
const secretArn = (name: string) => `arn:aws:secretsmanager:${LOCAL_REGION}:${LOCAL_ACCOUNT}:secret:trustline/${name}-AbCdEf`;

describe("each function's Lambda environment from the synthesized template", () => {
  it.each(manifest.map((fn) => [fn.name, fn] as const))('is accepted by loadConfig for %s and names what it may use', (name, fn) => {
    const config = loadConfig(functions.find((f) => f.name === name)!.environment);
    const queueTarget = deployedQueues(template, deployment).find((queue) =>
      deployedQueueTriggers(template, deployment, functions).some((t) => t.queueArn === queue.arn && t.functionName === fn.access.queueTo),
    );
    expect(config).toMatchObject({
      backend: 'aws',
      publicUrl: deployment.apiEndpoint,
      aws: {
        tableName: physicalName(deployment, logicalIdOf('AWS::DynamoDB::Table', 'DataTable')),
        alertTopicArn: fn.access.alerts
          ? `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${physicalName(deployment, logicalIdOf('AWS::SNS::Topic', 'AlertsTopic'))}`
          : undefined,
        refreshQueueUrl: fn.access.queueTo === 'token-refresh-worker' ? queueTarget?.url : undefined,
        certCheckQueueUrl: fn.access.queueTo === 'cert-check-worker' ? queueTarget?.url : undefined,
        secretsKmsKeyId: fn.access.secrets ? arn(logicalIdOf('AWS::KMS::Key', 'DataSecretsKey')) : undefined,
      },
    });
    expect(queueTarget !== undefined).toBe(fn.access.queueTo !== undefined);
  });
});

describe('the table aws-local creates', () => {
  it("has the keys and the due index of the adapter's schema, and TTL on its attribute", () => {
    const { input, ttlAttribute } = deployedTable(template, deployment);
    const expected = createTableInput(input.TableName ?? '');
    expect(input).toMatchObject({ KeySchema: expected.KeySchema, GlobalSecondaryIndexes: expected.GlobalSecondaryIndexes, BillingMode: 'PAY_PER_REQUEST' });
    expect(new Set(input.AttributeDefinitions)).toEqual(new Set(expected.AttributeDefinitions));
    expect(ttlAttribute).toBe('ttl');
  });
});

/** Calls a function must never be able to make, whatever its code does. */
const FORBIDDEN: readonly (readonly [string, string, () => Omit<AwsCall, 'function'>])[] = [
  [
    'oauth-callback',
    'write a truststore entry',
    () => ({ action: 'dynamodb:UpdateItem', resource: tableArn(), context: { 'dynamodb:LeadingKeys': ['trust'] } }),
  ],
  [
    'oauth-callback',
    'read a Connect shared secret',
    () => ({ action: 'secretsmanager:GetSecretValue', resource: secretArn('connect/client-key'), context: {} }),
  ],
  [
    'jwt-validate',
    'write a Connect shared secret',
    () => ({ action: 'secretsmanager:PutSecretValue', resource: secretArn('connect/client-key'), context: {} }),
  ],
  ['jwt-validate', 'create a secret', () => ({ action: 'secretsmanager:CreateSecret', resource: secretArn('connect/client-key'), context: {} })],
  ['jwt-validate', "read an integration's secret", () => ({ action: 'secretsmanager:GetSecretValue', resource: secretArn('integrations/abc'), context: {} })],
  ['jwt-validate', 'read the table', () => ({ action: 'dynamodb:GetItem', resource: tableArn(), context: { 'dynamodb:LeadingKeys': ['integration'] } })],
  [
    'jwt-authorizer',
    'delete a Connect shared secret',
    () => ({ action: 'secretsmanager:DeleteSecret', resource: secretArn('connect/client-key'), context: {} }),
  ],
  [
    'token-refresh-worker',
    'delete an integration',
    () => ({ action: 'dynamodb:DeleteItem', resource: tableArn(), context: { 'dynamodb:LeadingKeys': ['integration'] } }),
  ],
  [
    'token-refresh-worker',
    'read a Connect shared secret',
    () => ({ action: 'secretsmanager:GetSecretValue', resource: secretArn('connect/client-key'), context: {} }),
  ],
  ['integrations', 'read a Connect shared secret', () => ({ action: 'secretsmanager:GetSecretValue', resource: secretArn('connect/client-key'), context: {} })],
  ['integrations', 'send to the fan-out queue', () => ({ action: 'sqs:SendMessage', resource: fanOutQueueArn(), context: {} })],
  [
    'connect-lifecycle',
    "read an integration's secret",
    () => ({ action: 'secretsmanager:GetSecretValue', resource: secretArn('integrations/abc'), context: {} }),
  ],
  ['endpoints', "read an integration's secret", () => ({ action: 'secretsmanager:GetSecretValue', resource: secretArn('integrations/abc'), context: {} })],
  [
    'cert-check-schedule',
    "read an integration's secret",
    () => ({ action: 'secretsmanager:GetSecretValue', resource: secretArn('integrations/abc'), context: {} }),
  ],
  [
    'trust',
    'publish an alert',
    () => ({
      action: 'sns:Publish',
      resource: `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${physicalName(deployment, logicalIdOf('AWS::SNS::Topic', 'AlertsTopic'))}`,
      context: {},
    }),
  ],
  ['health', 'query the table', () => ({ action: 'dynamodb:Query', resource: tableArn(), context: { 'dynamodb:LeadingKeys': ['integration'] } })],
  ['openapi', "read an integration's secret", () => ({ action: 'secretsmanager:GetSecretValue', resource: secretArn('integrations/abc'), context: {} })],
  // The secrets key only through Secrets Manager: a role that reads secrets cannot decrypt with the key directly.
  [
    'integrations',
    'decrypt with the secrets key outside Secrets Manager',
    () => ({ action: 'kms:Decrypt', resource: arn(logicalIdOf('AWS::KMS::Key', 'DataSecretsKey')), context: {} }),
  ],
];

/**
 * Forbidden calls the template still allows. The stack grants each item kind a function declares
 * `readwrite` every write action, DeleteItem included: the token-refresh worker, which only updates
 * integrations, may also delete them. Each entry is checked to be still allowed, so the list fails as
 * soon as the template denies it: then move it out.
 */
const STILL_ALLOWED = new Set<string>();
const keyOf = (call: AwsCall) => `${call.function} ${call.action} ${[call.context['dynamodb:LeadingKeys'] ?? []].flat().join(',')}`.trim();

describe('calls each function must never make, simulated against its synthesized policy', () => {
  it.each(FORBIDDEN)('%s may not %s', async (name, _what, make) => {
    const call: AwsCall = { function: name, ...make() };
    const verdict = await judgeCall(policies, call);
    if (STILL_ALLOWED.has(keyOf(call))) expect(verdict.result, `${keyOf(call)} is denied now: remove it from STILL_ALLOWED`).toBe('Allowed');
    else expect(verdict.result, verdict.explanation).not.toBe('Allowed');
  });

  it('explains a refusal with the function, the action, the resource and what the policy grants instead', async () => {
    const verdict = await judgeCall(policies, {
      function: 'jwt-validate',
      action: 'secretsmanager:GetSecretValue',
      resource: secretArn('integrations/abc'),
      context: {},
    });
    expect(verdict.result).toBe('ImplicitlyDenied');
    expect(verdict.explanation).toContain(`jwt-validate secretsmanager:GetSecretValue on ${secretArn('integrations/abc')}: not allowed`);
    expect(verdict.explanation).toContain('trustline/connect/*');
  });

  it('explains a refusal by a condition with the condition the call did not meet', async () => {
    const key = arn(logicalIdOf('AWS::KMS::Key', 'DataSecretsKey'));
    const verdict = await judgeCall(policies, {
      function: 'jwt-validate',
      action: 'kms:Decrypt',
      resource: key,
      context: { 'kms:ViaService': 'dynamodb.us-east-1.amazonaws.com' },
    });
    expect(verdict.result).toBe('ImplicitlyDenied');
    expect(verdict.explanation).toContain('kms:ViaService=dynamodb.us-east-1.amazonaws.com');
    expect(verdict.explanation).toContain('secretsmanager.us-east-1.amazonaws.com');
  });

  it("allows what the manifest grants, so the denials above are the policy's and not the simulation's", async () => {
    const allowed = await Promise.all([
      judgeCall(policies, { function: 'jwt-validate', action: 'secretsmanager:GetSecretValue', resource: secretArn('connect/client-key'), context: {} }),
      judgeCall(policies, {
        function: 'jwt-validate',
        action: 'kms:Decrypt',
        resource: arn(logicalIdOf('AWS::KMS::Key', 'DataSecretsKey')),
        context: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' },
      }),
      judgeCall(policies, { function: 'token-refresh', action: 'sqs:SendMessage', resource: fanOutQueueArn(), context: {} }),
    ]);
    expect(allowed.map((v) => v.result)).toEqual(['Allowed', 'Allowed', 'Allowed']);
  });
});

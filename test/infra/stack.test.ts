import { type CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FunctionSpec, manifest } from '../../functions/manifest.ts';
import { TABLE_SCHEMA, createTableInput } from '../../lib/store/aws/table-schema.ts';
import { queueUrlVariable } from '../../infra/aws/fan-out-queue.ts';
import { scheduleExpression } from '../../infra/aws/schedule.ts';
import type { TrustlineStack } from '../../infra/aws/stack.ts';
import { createTrustlineApp } from '../../infra/aws/trustline-app.ts';
import { syntheticManifest } from './synthetic-manifest.ts';

interface Statement {
  Action: string | string[];
  Resource: unknown;
  Effect: string;
  Condition?: unknown;
}

/** Synthesizes once per manifest; cdk-nag runs during synthesis, so an unacknowledged finding fails here. */
function synthesize(specs: readonly FunctionSpec[]): { stack: TrustlineStack; template: Template } {
  const { stack } = createTrustlineApp({ manifest: specs });
  return { stack, template: Template.fromStack(stack) };
}

function logicalId(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.resolve((construct.node.defaultChild as CfnElement).logicalId) as string;
}

/** The policy statements attached to a function's role. */
function statementsOf(stack: TrustlineStack, template: Template, name: string): Statement[] {
  const roleId = logicalId(stack, stack.functions.get(name)!.role as never);
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: Match.arrayWith([{ Ref: roleId }]) } });
  return Object.values(policies).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement);
}

const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const resourcesOf = (s: Statement): unknown[] => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);

describe.each([
  ['functions/manifest.ts', manifest],
  ['the synthetic manifest', syntheticManifest],
])('the stack built from %s', (_label, specs) => {
  let stack: TrustlineStack;
  let template: Template;
  beforeAll(() => {
    ({ stack, template } = synthesize(specs));
  });
  const routes = specs.flatMap((fn) => (fn.http ?? []).map((route) => ({ fn, route })));
  const schedules = specs.flatMap((fn) => (fn.schedules ?? []).map((schedule) => ({ fn, schedule })));

  it('skips asset bundling in tests (test/setup.ts context)', () => {
    expect(stack.bundlingRequired).toBe(false);
  });

  it.each(specs.map((fn) => [fn.name, fn] as const))('deploys %s on arm64 nodejs24.x with tracing and its environment', (name, fn) => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
      Timeout: fn.timeoutSeconds ?? 15,
      MemorySize: fn.memoryMb ?? 256,
      LoggingConfig: { LogGroup: Match.anyValue() },
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: `trustline-${name}`,
          POWERTOOLS_METRICS_NAMESPACE: 'Trustline',
          TRUSTLINE_BACKEND: 'aws',
          TRUSTLINE_TABLE: Match.anyValue(),
          TRUSTLINE_PUBLIC_URL: Match.anyValue(),
          TRUSTLINE_ALERT_TOPIC_ARN: fn.access.alerts ? Match.anyValue() : Match.absent(),
          TRUSTLINE_SECRETS_KMS_KEY_ID: fn.access.secrets ? Match.anyValue() : Match.absent(),
          NODE_OPTIONS: '--enable-source-maps',
        }),
      },
    });
  });

  it.each(routes.map(({ fn, route }) => [`${route.method} ${route.path}`, route.auth, fn.name] as const))(
    'routes %s with %s authorization to %s',
    (routeKey, auth) => {
      const type = { admin: 'AWS_IAM', public: 'NONE', connect: 'CUSTOM' }[auth];
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: routeKey, AuthorizationType: type });
    },
  );

  it('creates exactly the manifest routes', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Route', routes.length);
  });

  it.each(schedules.map(({ fn, schedule }) => [fn.name, schedule.cron, fn] as const))('schedules %s at %s (UTC)', (name, cron) => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: scheduleExpression(cron).expressionString,
      ScheduleExpressionTimezone: 'Etc/UTC',
      Target: { Arn: { 'Fn::GetAtt': [logicalId(stack, stack.functions.get(name)!), 'Arn'] }, Input: Match.serializedJson({ source: 'trustline.schedule', function: name, cron }) },
    });
  });

  it('creates exactly the manifest schedules', () => {
    template.resourceCountIs('AWS::Scheduler::Schedule', schedules.length);
  });

  it('keeps state in one on-demand table with TTL, point-in-time recovery, the due index and a rotated customer key', () => {
    // The adapter creates this same table in tests (createTableInput): the stack must declare its keys and index.
    const { BillingMode, KeySchema, GlobalSecondaryIndexes, AttributeDefinitions } = createTableInput('any');
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode,
      KeySchema,
      TimeToLiveSpecification: { AttributeName: TABLE_SCHEMA.ttlAttribute, Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      GlobalSecondaryIndexes,
      AttributeDefinitions: Match.arrayWith(AttributeDefinitions ?? []),
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
    });
    template.allResourcesProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('grants no secretsmanager or dynamodb action on every resource (*)', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
    );
    const wide = statements.filter((s) => actionsOf(s).some((a) => /^(secretsmanager|dynamodb|\*)/.test(a)) && resourcesOf(s).some((r) => r === '*'));
    expect(wide).toEqual([]);
  });

  it.each(specs.map((fn) => [fn.name, fn] as const))('gives %s exactly the access its manifest entry names', (name, fn) => {
    const statements = statementsOf(stack, template, name);
    const actions = statements.flatMap(actionsOf);
    const secretStatements = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('secretsmanager:')));
    if (fn.access.secrets) {
      const expected = `:secret:trustline/${fn.access.secrets.prefix}*`;
      expect(secretStatements.flatMap(resourcesOf).every((r) => JSON.stringify(r).endsWith(`${expected}"]]}`))).toBe(true);
      expect(actions.includes('secretsmanager:PutSecretValue')).toBe(fn.access.secrets.write);
    } else {
      expect(secretStatements).toEqual([]);
    }
    expect(actions.includes('dynamodb:GetItem')).toBe(fn.access.table !== undefined);
    expect(actions.includes('dynamodb:PutItem')).toBe(fn.access.table === 'readwrite');
    expect(actions.includes('sns:Publish')).toBe(fn.access.alerts === true);
    expect(actions.includes('sqs:SendMessage')).toBe(fn.access.queueTo !== undefined);
  });

  it.each(specs.map((fn) => [fn.name] as const))('alarms on Errors and Throttles of %s to the alert topic', (name) => {
    for (const metric of ['Errors', 'Throttles']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metric,
        Namespace: 'AWS/Lambda',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(stack, stack.functions.get(name)!) } }],
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlertsTopic') }],
      });
    }
  });

  it.each(specs.filter((fn) => fn.queue).map((fn) => [fn.name, fn] as const))('feeds %s from a queue with a dead-letter queue and its alarm', (name, fn) => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(stack, stack.functions.get(name)!) },
      BatchSize: fn.queue!.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::SQS::Queue', { RedrivePolicy: { maxReceiveCount: 3, deadLetterTargetArn: Match.anyValue() } });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateNumberOfMessagesVisible', Namespace: 'AWS/SQS' });
  });

  it.each(specs.filter((fn) => fn.access.queueTo).map((fn) => [fn.name, fn.access.queueTo!] as const))('tells %s the URL of the %s queue', (name, target) => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: `trustline-${name}`, [queueUrlVariable(target)]: { Ref: Match.stringLikeRegexp('Queue') } }) },
    });
  });
});

describe('the synthetic manifest', () => {
  it('covers every branch of the stack: admin, public and connect routes, schedules, secrets, queues and senders', () => {
    const covered = {
      admin: syntheticManifest.some((f) => f.http?.some((r) => r.auth === 'admin')),
      public: syntheticManifest.some((f) => f.http?.some((r) => r.auth === 'public')),
      connect: syntheticManifest.some((f) => f.http?.some((r) => r.auth === 'connect')),
      schedule: syntheticManifest.some((f) => f.schedules?.length),
      secretsWrite: syntheticManifest.some((f) => f.access.secrets?.write),
      secretsRead: syntheticManifest.some((f) => f.access.secrets?.write === false),
      queue: syntheticManifest.some((f) => f.queue),
      queueTo: syntheticManifest.some((f) => f.access.queueTo),
      alerts: syntheticManifest.some((f) => f.access.alerts),
    };
    expect(Object.values(covered).every(Boolean)).toBe(true);
  });
});

describe('narrow grants (issue 12)', () => {
  const { stack, template } = synthesize(manifest);

  it('gives functions that only read secrets kms:Decrypt and nothing else on the secrets key', () => {
    for (const fn of manifest.filter((spec) => spec.access.secrets !== undefined)) {
      const kms = statementsOf(stack, template, fn.name).filter((s) => actionsOf(s).some((action) => action.startsWith('kms:')) && JSON.stringify(s.Condition ?? {}).includes('secretsmanager'));
      const actions = kms.flatMap(actionsOf).sort();
      expect(actions, fn.name).toEqual(fn.access.secrets?.write === true ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt']);
    }
  });

  it('outputs TokenInvokeArn: execute-api:Invoke on GET /admin/integrations/*/token only, beside AdminInvokeArn', () => {
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(['AdminInvokeArn', 'TokenInvokeArn']));
    const value = JSON.stringify(outputs.TokenInvokeArn?.Value);
    expect(value).toContain('/GET/admin/integrations/*/token');
    expect(JSON.stringify(outputs.AdminInvokeArn?.Value)).toContain('/*/*');
  });
});

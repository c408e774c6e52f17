import { type CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FunctionSpec, manifest, type TableAccess } from '../../functions/manifest.ts';
import { type ItemSetName, tableItemSets } from '../../functions/table-items.ts';
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
      Target: {
        Arn: { 'Fn::GetAtt': [logicalId(stack, stack.functions.get(name)!), 'Arn'] },
        Input: Match.serializedJson({ source: 'trustline.schedule', function: name, cron }),
      },
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
    expect(actions.includes('dynamodb:UpdateItem')).toBe(Object.values(fn.access.table ?? {}).some((level) => level !== 'read'));
    expect(actions.includes('dynamodb:DeleteItem')).toBe(Object.values(fn.access.table ?? {}).includes('readwrite-delete'));
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
      Environment: {
        Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: `trustline-${name}`, [queueUrlVariable(target)]: { Ref: Match.stringLikeRegexp('Queue') } }),
      },
    });
  });
});

/** The kinds of the named stores, straight from their declarations (functions/table-items.ts). */
function kindsOf(access: TableAccess, levels: readonly string[]): string[] {
  const stores = (Object.entries(access) as [ItemSetName, string][]).filter(([, level]) => levels.includes(level));
  return [...new Set(stores.flatMap(([store]) => tableItemSets[store].kinds))].sort();
}

describe.each([
  ['functions/manifest.ts', manifest],
  ['the synthetic manifest', syntheticManifest],
])('per-kind table access in the stack built from %s (issue 12)', (_label, specs) => {
  const { stack, template } = synthesize(specs);
  const tableStatements = (name: string) => statementsOf(stack, template, name).filter((s) => actionsOf(s).some((action) => action.startsWith('dynamodb:')));
  const tableId = logicalId(stack, stack.node.findChild('Data').node.findChild('Table'));
  const tableArn = { 'Fn::GetAtt': [tableId, 'Arn'] };
  const dueIndexArn = { 'Fn::Join': ['', [tableArn, `/index/${TABLE_SCHEMA.dueIndex.name}`]] };

  it.each(specs.filter((fn) => fn.access.table).map((fn) => [fn.name, fn.access.table!] as const))(
    'limits %s to the item kinds of the stores it names, writing only those of its readwrite stores',
    (name, access) => {
      const dueIndex = (Object.keys(access) as ItemSetName[]).some((store) => tableItemSets[store].dueIndex === true);
      const expected: { Effect: string; Action: string | string[]; Resource: unknown; Condition: unknown }[] = [
        {
          Effect: 'Allow',
          Action: ['dynamodb:GetItem', 'dynamodb:Query'],
          Resource: dueIndex ? [tableArn, dueIndexArn] : tableArn,
          Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': kindsOf(access, ['read', 'readwrite', 'readwrite-delete']) } },
        },
      ];
      const written = kindsOf(access, ['readwrite', 'readwrite-delete']);
      if (written.length > 0) {
        expected.push({
          Effect: 'Allow',
          Action: 'dynamodb:UpdateItem',
          Resource: tableArn,
          Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': written } },
        });
      }
      const deleted = kindsOf(access, ['readwrite-delete']);
      if (deleted.length > 0) {
        expected.push({
          Effect: 'Allow',
          Action: 'dynamodb:DeleteItem',
          Resource: tableArn,
          Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': deleted } },
        });
      }
      expect(tableStatements(name)).toEqual(expected);
    },
  );

  it.each(specs.filter((fn) => !fn.access.table).map((fn) => [fn.name] as const))(
    'gives %s, which names no table store, no table action and not the table key',
    (name) => {
      const statements = statementsOf(stack, template, name);
      expect(tableStatements(name)).toEqual([]);
      const tableKeyId = logicalId(stack, stack.node.findChild('Data').node.findChild('TableKey'));
      expect(statements.filter((s) => JSON.stringify(s.Resource).includes(tableKeyId))).toEqual([]);
    },
  );
});

describe('per-kind table access of the real functions (issue 12)', () => {
  const { stack, template } = synthesize(manifest);
  const kinds = (name: string, action: string) =>
    statementsOf(stack, template, name)
      .filter((s) => actionsOf(s).includes(action))
      .map((s) => (s.Condition as { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': string[] } })['ForAllValues:StringEquals']['dynamodb:LeadingKeys']);

  it('lets the public OAuth callback write its states, integrations and leases, but never a truststore entry', () => {
    expect(kinds('oauth-callback', 'dynamodb:UpdateItem')).toEqual([['integration', 'integration-name', 'lease', 'oauth-state', 'oauth-state-used']]);
    expect(kinds('oauth-callback', 'dynamodb:GetItem')).toEqual([['integration', 'integration-name', 'lease', 'oauth-state', 'oauth-state-used', 'trust']]);
  });

  it('lets the public Connect lifecycle write only used lifecycle tokens', () => {
    expect(kinds('connect-lifecycle', 'dynamodb:UpdateItem')).toEqual([['connect-lifecycle-token']]);
    expect(kinds('connect-lifecycle', 'dynamodb:DeleteItem')).toEqual([]);
    expect(kinds('connect-lifecycle', 'dynamodb:Query')).toEqual([['connect-lifecycle-token', 'trust']]);
  });

  it('lets only the trust function write truststore entries', () => {
    const writers = manifest.filter((fn) => kinds(fn.name, 'dynamodb:UpdateItem').flat().includes('trust')).map((fn) => fn.name);
    expect(writers).toEqual(['trust']);
  });

  it('grants no table operation the adapter does not send (no Scan, no batch, no PutItem)', () => {
    const actions = manifest.flatMap((fn) => statementsOf(stack, template, fn.name).flatMap(actionsOf)).filter((action) => action.startsWith('dynamodb:'));
    expect([...new Set(actions)].sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
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
      const kms = statementsOf(stack, template, fn.name).filter(
        (s) => actionsOf(s).some((action) => action.startsWith('kms:')) && JSON.stringify(s.Condition ?? {}).includes('secretsmanager'),
      );
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

import { Annotations, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Schedule, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Construct } from 'constructs';
import { connectAuthorizer, type FunctionSpec, manifest as defaultManifest } from '../../functions/manifest.ts';
import { scheduledInvocation } from '../../functions/scheduled-event.ts';
import { manifestWarnings, validateManifest } from '../../functions/validate-manifest.ts';
import { ALARM_PERIOD, Alerts } from './alerts.ts';
import { DataStores } from './data-stores.ts';
import { FanOutQueue, queueUrlVariable } from './fan-out-queue.ts';
import { TrustlineHttpApi } from './http-api.ts';
import { acknowledgeFunctionRole, acknowledgeNag, arnToken } from './nag-acknowledgements.ts';
import { scheduleExpression } from './schedule.ts';
import { TrustlineFunction } from './trustline-function.ts';

export interface TrustlineStackProps extends StackProps {
  /** The functions to deploy; functions/manifest.ts unless a test passes its own. */
  readonly manifest?: readonly FunctionSpec[];
}

/** Trustline on AWS, generated from the manifest: one Lambda per function and what it may touch. */
export class TrustlineStack extends Stack {
  readonly functions = new Map<string, TrustlineFunction>();

  constructor(scope: Construct, id: string, props: TrustlineStackProps = {}) {
    super(scope, id, props);
    const specs = props.manifest ?? defaultManifest;
    validateManifest(specs);
    for (const warning of manifestWarnings(specs)) Annotations.of(this).addWarningV2('trustline:manifest', warning);

    const data = new DataStores(this, 'Data');
    const alerts = new Alerts(this, 'Alerts');
    const api = new TrustlineHttpApi(this, 'Http');

    for (const spec of specs) {
      const fnId = constructId(spec.name);
      const fn = new TrustlineFunction(this, fnId, { spec, environment: baseEnvironment(spec, data, alerts, api) });
      this.functions.set(spec.name, fn);
      if (spec.access.table) data.grantTable(fn, spec.access.table);
      if (spec.access.secrets) data.grantSecrets(fn, spec.access.secrets);
      if (spec.access.alerts) alerts.topic.grantPublish(fn);
      acknowledgeFunctionRole(fn.executionRole, spec);
      if (spec.http?.length) api.addFunctionRoutes(fnId, fn, spec.http);
      if (spec.schedules?.length) this.addSchedules(fnId, fn);
      alerts.alarm(fn, 'ErrorsAlarm', fn.metricErrors({ period: ALARM_PERIOD, statistic: 'Sum' }), `Trustline ${spec.name} failed (Lambda Errors).`);
      alerts.alarm(fn, 'ThrottlesAlarm', fn.metricThrottles({ period: ALARM_PERIOD, statistic: 'Sum' }), `Trustline ${spec.name} was throttled.`);
    }

    const authorizer = this.functions.get(connectAuthorizer.function);
    if (authorizer !== undefined) {
      api.protectConnectRoutes(authorizer);
      new CfnOutput(this, 'ConnectAuthorizerArn', {
        value: authorizer.functionArn,
        description: 'The Connect JWT authorizer function: ConnectAuthorizer.fromFunctionArn puts it in front of your own HTTP API routes',
      });
    }

    const queues = new Map<string, FanOutQueue>();
    for (const [name, fn] of this.functions) {
      if (fn.spec.queue) queues.set(name, new FanOutQueue(this, `${constructId(name)}Queue`, fn, alerts));
    }
    for (const fn of this.functions.values()) {
      const target = fn.spec.access.queueTo;
      const queue = target === undefined ? undefined : queues.get(target);
      if (target === undefined || queue === undefined) continue;
      queue.queue.grantSendMessages(fn);
      fn.addEnvironment(queueUrlVariable(target), queue.queue.queueUrl);
    }

    new CfnOutput(this, 'ApiUrl', { value: api.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'AdminInvokeArn', {
      value: api.api.arnForExecuteApi(),
      description: 'Resource for an IAM policy allowing execute-api:Invoke: who may call the admin routes',
    });
    new CfnOutput(this, 'TokenInvokeArn', {
      value: api.api.arnForExecuteApi('GET', '/admin/integrations/*/token'),
      description: 'Resource for an IAM policy allowing execute-api:Invoke on the token route only: what a mail fetcher needs',
    });
    new CfnOutput(this, 'TableName', { value: data.table.tableName });
    new CfnOutput(this, 'AlertTopicArn', { value: alerts.topic.topicArn, description: 'Subscribe to receive alerts' });
  }

  /** One EventBridge Scheduler schedule per manifest cron, invoking `fn` through a role of its own. */
  private addSchedules(fnId: string, fn: TrustlineFunction): void {
    const role = new Role(this, `${fnId}SchedulerRole`, { assumedBy: new ServicePrincipal('scheduler.amazonaws.com') });
    acknowledgeNag(
      role,
      `IAM5[Resource::${arnToken(fn)}:*]`,
      `The scheduler may invoke any version of ${fn.spec.name} and nothing else (granted by LambdaInvoke).`,
    );
    fn.spec.schedules?.forEach((schedule, i) => {
      const input = scheduledInvocation(fn.spec.name, schedule.cron);
      new Schedule(this, `${fnId}Schedule${i + 1}`, {
        description: schedule.description,
        schedule: scheduleExpression(schedule.cron),
        // A missed run is superseded by the next one; retrying for a day would only pile up.
        target: new LambdaInvoke(fn, { role, input: ScheduleTargetInput.fromObject(input), retryAttempts: 2, maxEventAge: Duration.hours(1) }),
      });
    });
  }
}

function baseEnvironment(spec: FunctionSpec, data: DataStores, alerts: Alerts, api: TrustlineHttpApi): Record<string, string> {
  return {
    TRUSTLINE_BACKEND: 'aws',
    TRUSTLINE_TABLE: data.table.tableName,
    TRUSTLINE_PUBLIC_URL: api.url,
    POWERTOOLS_SERVICE_NAME: `trustline-${spec.name}`,
    POWERTOOLS_METRICS_NAMESPACE: 'Trustline',
    // Only functions allowed to publish learn the topic; the others report alerts through their log.
    ...(spec.access.alerts ? { TRUSTLINE_ALERT_TOPIC_ARN: alerts.topic.topicArn } : {}),
    ...(spec.access.secrets ? { TRUSTLINE_SECRETS_KMS_KEY_ID: data.secretsKey.keyArn } : {}),
  };
}

/** `oauth-callback` -> `OauthCallback`, a stable construct id (and so stable logical ids). */
function constructId(name: string): string {
  return name.replace(/(^|-)([a-z0-9])/g, (_, _dash: string, c: string) => c.toUpperCase());
}

import { type CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { manifest } from '../../functions/manifest.ts';
import { FanOutQueue } from '../../infra/aws/fan-out-queue.ts';
import { createTrustlineApp } from '../../infra/aws/trustline-app.ts';

interface Statement {
  Action: string | string[];
  Resource: unknown;
}

describe('the hourly certificate run fanned out through SQS (cert-check-schedule -> cert-check-worker)', () => {
  const { stack } = createTrustlineApp({ manifest });
  const template = Template.fromStack(stack);
  const idOf = (construct: { node: { defaultChild?: unknown } }): string =>
    Stack.of(stack).resolve((construct.node.defaultChild as CfnElement).logicalId) as string;
  const fanOut = stack.node.findChild('CertCheckWorkerQueue');
  if (!(fanOut instanceof FanOutQueue)) throw new Error('the stack has no CertCheckWorkerQueue');
  const queueId = idOf(fanOut.queue);
  const deadLettersId = idOf(fanOut.deadLetters);
  const worker = stack.functions.get('cert-check-worker')!;
  const schedule = stack.functions.get('cert-check-schedule')!;
  const workerSpec = manifest.find((fn) => fn.name === 'cert-check-worker')!;

  const statementsOf = (fn: typeof worker): Statement[] => {
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: Match.arrayWith([{ Ref: idOf(fn.role as never) }]) } });
    return Object.values(policies).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement);
  };
  const resources = (statements: Statement[]): unknown[] => statements.flatMap((s) => (Array.isArray(s.Resource) ? (s.Resource as unknown[]) : [s.Resource]));
  const actions = (statements: Statement[]) => statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
  const sqsStatements = (fn: typeof worker) => statementsOf(fn).filter((s) => actions([s]).some((a) => a.startsWith('sqs:')));

  it('feeds the worker from its queue: batches of the manifest size, partial batch failures reported', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: idOf(worker) },
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      BatchSize: workerSpec.queue!.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: workerSpec.queue!.maxConcurrency },
    });
  });

  it('parks a message in the dead-letter queue after 3 receives, with a visibility timeout of six worker timeouts', () => {
    template.hasResource('AWS::SQS::Queue', {
      Properties: {
        VisibilityTimeout: workerSpec.timeoutSeconds! * 6,
        RedrivePolicy: { maxReceiveCount: 3, deadLetterTargetArn: { 'Fn::GetAtt': [deadLettersId, 'Arn'] } },
      },
    });
    expect(Object.keys(template.findResources('AWS::SQS::Queue'))).toContain(deadLettersId);
  });

  it('alarms to the alert topic on a dead-lettered message and on a queue older than the manifest allows', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [deadLettersId, 'QueueName'] } }],
      Threshold: 1,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlertsTopic') }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      Threshold: workerSpec.queue!.maxAgeMinutes! * 60,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlertsTopic') }],
    });
  });

  it('lets the schedule send to this queue only, and read the table only', () => {
    const sqs = sqsStatements(schedule);
    expect(actions(sqs).sort()).toEqual(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
    expect(resources(sqs)).toEqual([{ 'Fn::GetAtt': [queueId, 'Arn'] }]);
    const all = actions(statementsOf(schedule));
    expect(all.filter((a) => /^(dynamodb:(Put|Update|Delete)|sns:|secretsmanager:)/.test(a))).toEqual([]);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'trustline-cert-check-schedule', TRUSTLINE_QUEUE_URL_CERT_CHECK_WORKER: { Ref: queueId } }),
      },
    });
  });

  it('lets the worker receive and delete from this queue, and send nowhere', () => {
    const sqs = sqsStatements(worker);
    expect(actions(sqs)).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']));
    expect(actions(sqs)).not.toContain('sqs:SendMessage');
    expect(resources(sqs)).toEqual([{ 'Fn::GetAtt': [queueId, 'Arn'] }]);
  });
});

import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { FunctionSpec } from '../../../functions/manifest.ts';
import { STACK_NAME, createTrustlineApp } from '../../aws/trustline-app.ts';
import { type CfnResource, type CfnTemplate, type LocalDeployment, physicalName, queueUrl, resolveString, resolveValue } from './deployment.ts';
import { TemplateError } from './errors.ts';

export type { CfnTemplate } from './deployment.ts';

/** An IAM policy document as the template states it, intrinsics resolved. */
export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: readonly Record<string, unknown>[];
}

/** One manifest function as the template deploys it. */
export interface DeployedFunction {
  readonly name: string;
  readonly logicalId: string;
  /** The Lambda environment of the template, intrinsics resolved for the local deployment. */
  readonly environment: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
  readonly roleArn: string;
  /** Every identity policy attached to the function's role (its inline policies and AWS::IAM::Policy resources). */
  readonly policies: readonly { readonly name: string; readonly document: PolicyDocument }[];
}

/** A queue of the template with where it redrives failed messages. */
export interface DeployedQueue {
  readonly logicalId: string;
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly maxReceiveCount: number | undefined;
  readonly deadLetterArn: string | undefined;
}

/** Lambda's SQS trigger: which queue feeds which function, how many messages at a time. */
export interface DeployedQueueTrigger {
  readonly queueArn: string;
  readonly functionName: string;
  readonly batchSize: number;
}

/**
 * The stack's CloudFormation template, synthesized in this process from infra/aws as `cdk synth`
 * does (cdk-nag included), except that the assets are not bundled: aws-local runs `npm run build`'s
 * bundles, which are what the assets hold.
 */
export function synthesizeTemplate(): CfnTemplate {
  const { app, stack } = createTrustlineApp({ appProps: { context: { 'aws:cdk:bundling-stacks': [] } } });
  return app.synth().getStackByName(stack.stackName).template as CfnTemplate;
}

/** The stack name the physical names derive from. */
export const LOCAL_STACK_NAME = STACK_NAME;

/** Each function of `specs` as the template deploys it; a function the template lacks is an error. */
export function deployedFunctions(template: CfnTemplate, deployment: LocalDeployment, specs: readonly FunctionSpec[]): DeployedFunction[] {
  const lambdas = resourcesOfType(template, 'AWS::Lambda::Function');
  return specs.map((spec) => {
    const found = lambdas.find(([, resource]) => variablesOf(resource).POWERTOOLS_SERVICE_NAME === `trustline-${spec.name}`);
    if (found === undefined) throw new TemplateError(`has no Lambda function for "${spec.name}" (POWERTOOLS_SERVICE_NAME=trustline-${spec.name})`);
    const [logicalId, resource] = found;
    const environment = Object.fromEntries(
      Object.entries(variablesOf(resource)).map(([key, value]) => [key, resolveString(template, deployment, value, `${spec.name}'s ${key}`)]),
    );
    const roleRef = resource.Properties?.Role as { 'Fn::GetAtt'?: [string, string] } | undefined;
    const roleId = roleRef?.['Fn::GetAtt']?.[0];
    if (roleId === undefined) throw new TemplateError(`gives "${spec.name}" a role that is not a role of the stack`);
    return {
      name: spec.name,
      logicalId,
      environment,
      timeoutSeconds: Number(resource.Properties?.Timeout ?? 3),
      roleArn: resolveString(template, deployment, roleRef, `${spec.name}'s role`),
      policies: rolePolicies(template, deployment, roleId),
    };
  });
}

/** The table's CreateTable input and TTL attribute, from the template's AWS::DynamoDB::Table. */
export function deployedTable(template: CfnTemplate, deployment: LocalDeployment): { input: CreateTableCommandInput; ttlAttribute: string | undefined } {
  const tables = resourcesOfType(template, 'AWS::DynamoDB::Table');
  const [table] = tables;
  if (table === undefined || tables.length !== 1) throw new TemplateError(`declares ${tables.length} DynamoDB tables; aws-local creates exactly one`);
  const [logicalId, resource] = table;
  const p = resource.Properties ?? {};
  const ttl = p.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean } | undefined;
  return {
    input: {
      TableName: physicalName(deployment, logicalId),
      AttributeDefinitions: p.AttributeDefinitions as CreateTableCommandInput['AttributeDefinitions'],
      KeySchema: p.KeySchema as CreateTableCommandInput['KeySchema'],
      BillingMode: (p.BillingMode as CreateTableCommandInput['BillingMode']) ?? 'PAY_PER_REQUEST',
      ...(p.GlobalSecondaryIndexes === undefined
        ? {}
        : { GlobalSecondaryIndexes: p.GlobalSecondaryIndexes as CreateTableCommandInput['GlobalSecondaryIndexes'] }),
    },
    ttlAttribute: ttl?.Enabled === true ? ttl.AttributeName : undefined,
  };
}

export function deployedQueues(template: CfnTemplate, deployment: LocalDeployment): DeployedQueue[] {
  return resourcesOfType(template, 'AWS::SQS::Queue').map(([logicalId, resource]) => {
    const name = physicalName(deployment, logicalId);
    const redrive = resource.Properties?.RedrivePolicy as { deadLetterTargetArn?: unknown; maxReceiveCount?: number } | undefined;
    return {
      logicalId,
      name,
      url: queueUrl(deployment, name),
      arn: resolveString(template, deployment, { 'Fn::GetAtt': [logicalId, 'Arn'] }, `${logicalId}'s ARN`),
      maxReceiveCount: redrive?.maxReceiveCount,
      deadLetterArn:
        redrive?.deadLetterTargetArn === undefined
          ? undefined
          : resolveString(template, deployment, redrive.deadLetterTargetArn, `${logicalId}'s dead-letter queue`),
    };
  });
}

export function deployedQueueTriggers(template: CfnTemplate, deployment: LocalDeployment, functions: readonly DeployedFunction[]): DeployedQueueTrigger[] {
  return resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').map(([logicalId, resource]) => {
    const p = resource.Properties ?? {};
    const target = (p.FunctionName as { Ref?: string } | undefined)?.Ref;
    const fn = functions.find((f) => f.logicalId === target);
    if (fn === undefined) throw new TemplateError(`maps ${logicalId} to a function that is not in the manifest`);
    return {
      queueArn: resolveString(template, deployment, p.EventSourceArn, `${logicalId}'s queue`),
      functionName: fn.name,
      batchSize: Number(p.BatchSize ?? 10),
    };
  });
}

export function deployedTopicArns(template: CfnTemplate, deployment: LocalDeployment): string[] {
  return resourcesOfType(template, 'AWS::SNS::Topic').map(([logicalId]) => resolveString(template, deployment, { Ref: logicalId }, `${logicalId}'s ARN`));
}

/**
 * The resource policies of the template by the ARN they protect: key policies, queue and topic
 * policies. IAM evaluates them with the caller's identity policies (KMS allows nothing without one).
 */
export function resourcePolicies(template: CfnTemplate, deployment: LocalDeployment): Map<string, PolicyDocument> {
  const arnOf = (logicalId: string) => resolveString(template, deployment, { 'Fn::GetAtt': [logicalId, 'Arn'] }, `${logicalId}'s ARN`);
  const policies = new Map<string, PolicyDocument>();
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const p = resource.Properties ?? {};
    const document = () => resolveValue(template, deployment, resource.Type === 'AWS::KMS::Key' ? p.KeyPolicy : p.PolicyDocument) as PolicyDocument;
    const targets =
      resource.Type === 'AWS::KMS::Key'
        ? [logicalId]
        : resource.Type === 'AWS::SQS::QueuePolicy'
          ? ((p.Queues ?? []) as { Ref: string }[]).map((q) => q.Ref)
          : resource.Type === 'AWS::SNS::TopicPolicy'
            ? ((p.Topics ?? []) as { Ref: string }[]).map((t) => t.Ref)
            : [];
    for (const target of targets) policies.set(arnOf(target), document());
  }
  return policies;
}

/** Each encrypted topic's key: publishing to it uses the key with the publisher's own permissions. */
export function topicKeys(template: CfnTemplate, deployment: LocalDeployment): Map<string, string> {
  return new Map(
    resourcesOfType(template, 'AWS::SNS::Topic')
      .filter(([, resource]) => resource.Properties?.KmsMasterKeyId !== undefined)
      .map(([logicalId, resource]) => [
        resolveString(template, deployment, { Ref: logicalId }, `${logicalId}'s ARN`),
        resolveString(template, deployment, resource.Properties?.KmsMasterKeyId, `${logicalId}'s key`),
      ]),
  );
}

function rolePolicies(template: CfnTemplate, deployment: LocalDeployment, roleId: string): DeployedFunction['policies'] {
  const role = template.Resources[roleId];
  if (role?.Type !== 'AWS::IAM::Role') throw new TemplateError(`names ${roleId} as a role, which is not an AWS::IAM::Role`);
  if (role.Properties?.ManagedPolicyArns !== undefined)
    throw new TemplateError(`attaches managed policies to ${roleId}, which an offline simulation cannot read`);
  const inline = ((role.Properties?.Policies ?? []) as { PolicyName: string; PolicyDocument: unknown }[]).map((p) => ({
    name: p.PolicyName,
    document: p.PolicyDocument,
  }));
  const attached = resourcesOfType(template, 'AWS::IAM::Policy')
    .filter(([, policy]) => ((policy.Properties?.Roles ?? []) as { Ref?: string }[]).some((r) => r.Ref === roleId))
    .map(([logicalId, policy]) => ({ name: logicalId, document: policy.Properties?.PolicyDocument }));
  return [...inline, ...attached].map(({ name, document }) => ({ name, document: resolveValue(template, deployment, document) as PolicyDocument }));
}

function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

function variablesOf(resource: CfnResource): Record<string, unknown> {
  return (resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
}

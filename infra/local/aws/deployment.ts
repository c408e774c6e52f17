import { TemplateError } from './errors.ts';

/** Where aws-local "deploys" the template: the account, region and endpoints the intrinsics resolve to. */
export interface LocalDeployment {
  readonly stackName: string;
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /** The HTTP API's endpoint: the local server (or TRUSTLINE_PUBLIC_URL). */
  readonly apiEndpoint: string;
  /** The loopback endpoint that speaks every AWS protocol the bundles use (queue URLs point at it). */
  readonly awsEndpoint: string;
}

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
}

/** The ARN of each resource type a Ref or GetAtt of the template reaches, from its physical name. */
const ARN_FORMATS: Record<string, (d: LocalDeployment, name: string) => string> = {
  'AWS::DynamoDB::Table': (d, name) => `arn:${d.partition}:dynamodb:${d.region}:${d.account}:table/${name}`,
  'AWS::SQS::Queue': (d, name) => `arn:${d.partition}:sqs:${d.region}:${d.account}:${name}`,
  'AWS::SNS::Topic': (d, name) => `arn:${d.partition}:sns:${d.region}:${d.account}:${name}`,
  'AWS::KMS::Key': (d, name) => `arn:${d.partition}:kms:${d.region}:${d.account}:key/${name}`,
  'AWS::Logs::LogGroup': (d, name) => `arn:${d.partition}:logs:${d.region}:${d.account}:log-group:${name}:*`,
  'AWS::IAM::Role': (d, name) => `arn:${d.partition}:iam::${d.account}:role/${name}`,
  'AWS::Lambda::Function': (d, name) => `arn:${d.partition}:lambda:${d.region}:${d.account}:function:${name}`,
};

/** CloudFormation's physical name for a resource without an explicit one: stack name and logical id. */
export const physicalName = (deployment: LocalDeployment, logicalId: string): string => `${deployment.stackName}-${logicalId}`;

/** A queue's URL in this deployment: on the loopback AWS endpoint, as the SDK sends to it. */
export const queueUrl = (deployment: LocalDeployment, name: string): string => `${deployment.awsEndpoint}/${deployment.account}/${name}`;

/**
 * Resolves the intrinsic functions of a template value (Ref, Fn::GetAtt, Fn::Join, Fn::Select,
 * Fn::Split and the pseudo parameters) to what CloudFormation would produce in `deployment`.
 */
export function resolveValue(template: CfnTemplate, deployment: LocalDeployment, value: unknown): unknown {
  const resolve = (v: unknown): unknown => resolveValue(template, deployment, v);
  if (Array.isArray(value)) return value.map(resolve);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const [key, argument] = entries[0] ?? [];
  if (entries.length === 1 && key !== undefined && (key === 'Ref' || key.startsWith('Fn::'))) {
    switch (key) {
      case 'Ref':
        return ref(template, deployment, argument as string);
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = (typeof argument === 'string' ? argument.split('.') : argument) as [string, string];
        return getAtt(template, deployment, logicalId, attribute);
      }
      case 'Fn::Join': {
        const [separator, parts] = argument as [string, unknown[]];
        return parts.map((part) => String(resolve(part))).join(separator);
      }
      case 'Fn::Select': {
        const [index, list] = argument as [unknown, unknown];
        return (resolve(list) as unknown[])[Number(resolve(index))];
      }
      case 'Fn::Split': {
        const [separator, source] = argument as [string, unknown];
        return String(resolve(source)).split(separator);
      }
      default:
        throw new TemplateError(`uses ${key}, which aws-local does not resolve`);
    }
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v)]));
}

/** A resolved value that must be a string (an environment variable, an ARN). */
export function resolveString(template: CfnTemplate, deployment: LocalDeployment, value: unknown, what: string): string {
  const resolved = resolveValue(template, deployment, value);
  if (typeof resolved !== 'string') throw new TemplateError(`gives ${what} a value that is not a string`);
  return resolved;
}

function ref(template: CfnTemplate, deployment: LocalDeployment, name: string): string {
  const pseudo: Record<string, string> = {
    'AWS::Partition': deployment.partition,
    'AWS::Region': deployment.region,
    'AWS::AccountId': deployment.account,
    'AWS::StackName': deployment.stackName,
    'AWS::URLSuffix': 'amazonaws.com',
  };
  const value = pseudo[name];
  if (value !== undefined) return value;
  const resource = resourceOf(template, name);
  const physical = physicalName(deployment, name);
  if (resource.Type === 'AWS::SQS::Queue') return queueUrl(deployment, physical);
  if (resource.Type === 'AWS::SNS::Topic') return arnOf(deployment, resource.Type, physical);
  return physical;
}

function getAtt(template: CfnTemplate, deployment: LocalDeployment, logicalId: string, attribute: string): string {
  const resource = resourceOf(template, logicalId);
  const physical = physicalName(deployment, logicalId);
  switch (attribute) {
    case 'Arn':
    case 'TopicArn':
      return arnOf(deployment, resource.Type, physical);
    case 'QueueName':
      return physical;
    case 'QueueUrl':
      return queueUrl(deployment, physical);
    case 'ApiEndpoint':
      return deployment.apiEndpoint;
    default:
      throw new TemplateError(`reads the attribute ${attribute} of ${logicalId} (${resource.Type}), which aws-local does not know`);
  }
}

function arnOf(deployment: LocalDeployment, type: string, name: string): string {
  const format = ARN_FORMATS[type];
  if (format === undefined) throw new TemplateError(`needs the ARN of a ${type}, which aws-local does not know`);
  return format(deployment, name);
}

function resourceOf(template: CfnTemplate, logicalId: string): CfnResource {
  const resource = template.Resources[logicalId];
  if (resource === undefined) throw new TemplateError(`refers to ${logicalId}, which it does not declare`);
  return resource;
}

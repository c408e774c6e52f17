// The IAM policy simulator is AGPL-3.0 (a devDependency): only tests import this file, never runtime code or bundles.
import { type RequestAnalysis, runSimulation } from '@cloud-copilot/iam-simulate';
import type { AwsCall } from '../../infra/local/aws/aws-calls.ts';
import type { DeployedFunction, PolicyDocument } from '../../infra/local/aws/template.ts';

export type IamResult = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/** What IAM would answer a call, and why in plain words when it would refuse. */
export interface IamVerdict {
  readonly call: AwsCall;
  readonly result: IamResult;
  /** `integrations may not dynamodb:PutItem on arn:... (dynamodb:LeadingKeys=trust): ...` */
  readonly explanation: string;
}

/** The deployment's policies: each function's identity policies and the resource policies by ARN. */
export interface IamPolicies {
  readonly functions: readonly DeployedFunction[];
  readonly resourcePolicies: ReadonlyMap<string, PolicyDocument>;
  readonly account: string;
}

/**
 * Evaluates a call offline against the calling function's role policies (and the resource's
 * policy, if it has one) as IAM does, with the condition keys the call set. The transport is TLS,
 * as every AWS endpoint is (the queue and topic policies deny anything else).
 */
export async function judgeCall(policies: IamPolicies, call: AwsCall): Promise<IamVerdict> {
  const fn = policies.functions.find((f) => f.name === call.function);
  if (fn === undefined) throw new Error(`No function ${call.function} in the template`);
  const resourcePolicy = policies.resourcePolicies.get(call.resource);
  const simulation = await runSimulation(
    {
      request: {
        principal: fn.roleArn,
        action: call.action,
        resource: { resource: call.resource, accountId: policies.account },
        contextVariables: {
          'aws:SecureTransport': 'true',
          ...Object.fromEntries(Object.entries(call.context).map(([key, value]) => [key, typeof value === 'string' ? value : [...value]])),
        },
      },
      identityPolicies: fn.policies.map((policy) => ({ name: policy.name, policy: policy.document })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(resourcePolicy === undefined ? {} : { resourcePolicy }),
    },
    {},
  );
  const described = `${call.function} ${call.via === undefined ? '' : `(through ${call.via}) `}${call.action} on ${call.resource}${contextText(call)}`;
  if (simulation.resultType === 'error')
    return { call, result: 'ImplicitlyDenied', explanation: `${described}: the simulator could not evaluate it: ${simulation.errors.message}` };
  const analysis = simulation.resultType === 'single' ? simulation.result.analysis : simulation.results[0]?.analysis;
  const result = simulation.overallResult;
  return {
    call,
    result,
    explanation:
      result === 'Allowed' ? `${described}: allowed` : `${described}: ${result === 'ExplicitlyDenied' ? 'explicitly denied' : 'not allowed'}; ${why(analysis)}`,
  };
}

function contextText(call: AwsCall): string {
  const entries = Object.entries(call.context);
  return entries.length === 0 ? '' : ` (${entries.map(([key, value]) => `${key}=${typeof value === 'string' ? value : value.join(',')}`).join('; ')})`;
}

/** Which statements came close: the action matched, then the resource or a condition did not; or a Deny matched. */
function why(analysis: RequestAnalysis | undefined): string {
  const identity = analysis?.identityAnalysis;
  const denied = [...(identity?.denyStatements ?? []), ...(analysis?.resourceAnalysis?.denyStatements ?? [])];
  if (denied.length > 0) return denied.map((s) => `a Deny in ${s.policyId} matches: ${JSON.stringify(s.statement.toJSON())}`).join('; ');
  const near = (identity?.unmatchedStatements ?? []).filter((s) => s.actionMatch);
  if (near.length === 0) return 'no statement of its role names this action';
  return near
    .map((s) => {
      const statement = s.statement.toJSON() as { Condition?: unknown; Resource?: unknown };
      return s.resourceMatch
        ? `${s.policyId} grants it on this resource only under the condition ${JSON.stringify(statement.Condition)}, which the call does not meet`
        : `${s.policyId} grants it on ${JSON.stringify(statement.Resource)} only`;
    })
    .join('; ');
}

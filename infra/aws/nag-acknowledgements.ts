import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { FunctionSpec } from '../../functions/manifest.ts';

/**
 * cdk-nag v3 acknowledgements for the wildcards that least-privilege grants still contain. Each
 * finding is acknowledged by its exact id (rule plus the offending action or resource), so a new,
 * different wildcard on the same role is still reported.
 */
export function acknowledgeNag(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions::AwsSolutions-${id}`, reason });
}

/** `<LogicalId.Arn>`, the way cdk-nag names a resource's ARN in a finding. */
export function arnToken(resource: IConstruct): string {
  const cfn = resource.node.defaultChild as CfnElement;
  return `<${Stack.of(resource).resolve(cfn.logicalId) as string}.Arn>`;
}

/** The findings a function's role carries, given what the manifest lets it touch. */
export function acknowledgeFunctionRole(role: IConstruct, spec: FunctionSpec): void {
  // This id also matches any other Resource::* on the role; test/infra/stack.test.ts guards secrets and table actions.
  acknowledgeNag(
    role,
    'IAM5[Resource::*]',
    'X-Ray tracing (Tracing.ACTIVE) needs xray:PutTraceSegments and xray:PutTelemetryRecords, which have no resource-level permissions.',
  );
  const writesTable = spec.access.table !== undefined && Object.values(spec.access.table).some((level) => level !== 'read');
  if (writesTable) {
    acknowledgeNag(
      role,
      'IAM5[Action::kms:GenerateDataKey*]',
      "Added by the DynamoDB write grant (and SNS, for alerts) for Trustline's own customer-managed keys; the resources are those keys only.",
    );
    acknowledgeNag(role, 'IAM5[Action::kms:ReEncrypt*]', "Writes to the table re-encrypt with the table's own customer-managed key; scoped to that one key.");
  } else if (spec.access.alerts) {
    acknowledgeNag(
      role,
      'IAM5[Action::kms:GenerateDataKey*]',
      "Publishing to the encrypted alert topic needs data keys from the topic's own key; scoped to that one key.",
    );
  }
  if (spec.access.secrets) {
    acknowledgeNag(
      role,
      `IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:trustline/${spec.access.secrets.prefix}*]`,
      `Secrets Manager appends a random suffix to every secret ARN, so the grant ends in *; it covers only trustline/${spec.access.secrets.prefix} from the manifest.`,
    );
  }
}

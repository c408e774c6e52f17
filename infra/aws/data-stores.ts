import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { Access, TableAccess } from '../../functions/manifest.ts';
import { TABLE_OPERATIONS, TABLE_SCHEMA } from '../../lib/store/aws/table-schema.ts';
import { tableGrant } from './table-grants.ts';

const SECRET_READ = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'];
const SECRET_WRITE = [
  'secretsmanager:CreateSecret',
  'secretsmanager:PutSecretValue',
  'secretsmanager:DeleteSecret',
  'secretsmanager:UpdateSecretVersionStage',
  'secretsmanager:TagResource',
];

/**
 * Where Trustline keeps state: the one DynamoDB table (metadata, OAuth states with TTL, leases, due
 * index) and the key Secrets Manager encrypts Trustline's secrets with. Each has its own
 * customer-managed key, so reading the table never implies reading secrets.
 */
export class DataStores extends Construct {
  readonly table: Table;
  readonly tableKey: Key;
  readonly secretsKey: Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.tableKey = new Key(this, 'TableKey', { description: 'Trustline table encryption', enableKeyRotation: true });
    this.secretsKey = new Key(this, 'SecretsKey', {
      description: 'Trustline secrets (client secrets, tokens, Connect shared secrets)',
      enableKeyRotation: true,
    });
    // Table (not TableV2): TableV2 with a customer-managed key needs a region, and this stack stays region-agnostic.
    this.table = new Table(this, 'Table', {
      // The adapter's schema (lib/store/aws/table-schema.ts) is the one definition of the keys.
      partitionKey: { name: TABLE_SCHEMA.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_SCHEMA.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: TABLE_SCHEMA.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.tableKey,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: TABLE_SCHEMA.dueIndex.name,
      partitionKey: { name: TABLE_SCHEMA.dueIndex.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_SCHEMA.dueIndex.sortKey, type: AttributeType.NUMBER },
    });
  }

  /**
   * Grants the adapter's operations on the items of the stores the manifest names, and no others:
   * every statement holds a `dynamodb:LeadingKeys` condition listing exactly those kinds (the
   * partition key is the kind), so the public callback cannot write a truststore entry.
   */
  grantTable(grantee: IGrantable, access: TableAccess): void {
    const grant = tableGrant(access);
    const dueIndexArn = `${this.table.tableArn}/index/${TABLE_SCHEMA.dueIndex.name}`;
    grantee.grantPrincipal.addToPrincipalPolicy(
      itemStatement(TABLE_OPERATIONS.read, grant.dueIndex ? [this.table.tableArn, dueIndexArn] : [this.table.tableArn], grant.read),
    );
    // The key the table is encrypted with, as Table.grantReadData / grantReadWriteData give it.
    this.tableKey.grant(grantee, 'kms:Decrypt', 'kms:DescribeKey');
    if (grant.write.length === 0) return;
    grantee.grantPrincipal.addToPrincipalPolicy(itemStatement(TABLE_OPERATIONS.write, [this.table.tableArn], grant.write));
    if (grant.delete.length > 0) grantee.grantPrincipal.addToPrincipalPolicy(itemStatement(TABLE_OPERATIONS.delete, [this.table.tableArn], grant.delete));
    this.tableKey.grant(grantee, 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*');
  }

  /** Grants the secrets under `trustline/<prefix>` only, plus the key, used through Secrets Manager only. */
  grantSecrets(grantee: IGrantable, secrets: NonNullable<Access['secrets']>): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: secrets.write ? [...SECRET_READ, ...SECRET_WRITE] : SECRET_READ,
        resources: [secretArnPattern(secrets.prefix)],
      }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        // Reading a secret needs only Decrypt; GenerateDataKey is for writing new versions.
        actions: secrets.write ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'],
        resources: [this.secretsKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Aws.REGION}.amazonaws.com` } },
      }),
    );
  }
}

/**
 * Allows `operations` on `resources` for items whose partition key is one of `kinds`.
 * ForAllValues: every partition key a request names must be listed (each operation the adapter
 * sends names one). StringEquals, not StringLike: a kind is the whole key, never a pattern.
 */
function itemStatement(operations: readonly string[], resources: string[], kinds: readonly string[]): PolicyStatement {
  return new PolicyStatement({
    effect: Effect.ALLOW,
    actions: operations.map((operation) => `dynamodb:${operation}`),
    resources,
    conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [...kinds] } },
  });
}

/** The ARN pattern of Trustline's secrets under a manifest prefix (Secrets Manager appends a random suffix). */
export function secretArnPattern(prefix: string): string {
  return `arn:${Aws.PARTITION}:secretsmanager:${Aws.REGION}:${Aws.ACCOUNT_ID}:secret:trustline/${prefix}*`;
}

/** One AWS API call a bundle made, as IAM authorizes it. */
export interface AwsCall {
  /** The manifest function whose credentials signed the request. */
  readonly function: string;
  /** `dynamodb:GetItem`, `secretsmanager:CreateSecret`, `sqs:SendMessage`, ... */
  readonly action: string;
  /** The ARN IAM matches the policy's Resource against. */
  readonly resource: string;
  /** The condition keys the request sets, as IAM sees them (`dynamodb:LeadingKeys`, `kms:ViaService`). */
  readonly context: Readonly<Record<string, string | readonly string[]>>;
  /** Set when a service made the call on the function's behalf with its credentials (KMS through Secrets Manager). */
  readonly via?: string;
}

export type CallWithoutCaller = Omit<AwsCall, 'function'>;

/** What describing a request needs to know of the deployment. */
export interface CallScope {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /** The partition key attribute of the table and of each index: what dynamodb:LeadingKeys reads. */
  readonly partitionKeys: { readonly table: string; readonly indexes: Readonly<Record<string, string>> };
}

type Json = Record<string, unknown>;

/** IAM checks these batch operations as their single-item action. */
const IAM_ACTION: Record<string, string> = {
  'sqs:SendMessageBatch': 'sqs:SendMessage',
  'sqs:DeleteMessageBatch': 'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibilityBatch': 'sqs:ChangeMessageVisibility',
  'sns:PublishBatch': 'sns:Publish',
};

/** The DynamoDB calls of one request: a batch or transaction is one call per table and action. */
export function dynamodbCalls(operation: string, body: Json, scope: CallScope): CallWithoutCaller[] {
  const tableArn = (name: unknown) => `arn:${scope.partition}:dynamodb:${scope.region}:${scope.account}:table/${String(name)}`;
  const leading = (keys: readonly unknown[], attribute = scope.partitionKeys.table) =>
    ({ 'dynamodb:LeadingKeys': [...new Set(keys.map((key) => attributeText((key as Json | undefined)?.[attribute])))] }) as const;
  switch (operation) {
    case 'GetItem':
    case 'DeleteItem':
    case 'UpdateItem':
      return [{ action: `dynamodb:${operation}`, resource: tableArn(body.TableName), context: leading([body.Key]) }];
    case 'PutItem':
      return [{ action: 'dynamodb:PutItem', resource: tableArn(body.TableName), context: leading([body.Item]) }];
    case 'Query': {
      const index = typeof body.IndexName === 'string' ? body.IndexName : undefined;
      const attribute = index === undefined ? scope.partitionKeys.table : (scope.partitionKeys.indexes[index] ?? '');
      const value = queriedPartition(body, attribute);
      return [
        {
          action: 'dynamodb:Query',
          resource: index === undefined ? tableArn(body.TableName) : `${tableArn(body.TableName)}/index/${index}`,
          context: { 'dynamodb:LeadingKeys': value === undefined ? [] : [value] },
        },
      ];
    }
    case 'BatchGetItem':
    case 'BatchWriteItem': {
      const requests = (body.RequestItems ?? {}) as Record<string, unknown>;
      return Object.entries(requests).flatMap(([table, request]) => {
        const keys =
          operation === 'BatchGetItem'
            ? ((request as Json).Keys as unknown[])
            : (request as Json[]).map((r) => (r.PutRequest as Json | undefined)?.Item ?? (r.DeleteRequest as Json | undefined)?.Key);
        return [{ action: `dynamodb:${operation}`, resource: tableArn(table), context: leading(keys) }];
      });
    }
    case 'TransactWriteItems':
    case 'TransactGetItems':
      // IAM authorizes each item of a transaction as its own action.
      return ((body.TransactItems ?? []) as Json[]).flatMap((item) =>
        Object.entries(item).map(([kind, request]) => {
          const r = request as Json;
          const action = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem', Get: 'GetItem' }[kind] ?? kind;
          return { action: `dynamodb:${action}`, resource: tableArn(r.TableName), context: leading([r.Key ?? r.Item]) };
        }),
      );
    default:
      return [{ action: `dynamodb:${operation}`, resource: tableArn(body.TableName), context: {} }];
  }
}

/** The Secrets Manager call of one request; the secret's ARN carries the random suffix AWS appends to names. */
export function secretsManagerCall(operation: string, body: Json, scope: CallScope): CallWithoutCaller {
  return { action: `secretsmanager:${operation}`, resource: secretArn(scope, secretNameOf(body)), context: {} };
}

/** The secret a Secrets Manager request names (by name or ARN). */
export function secretNameOf(body: Json): string {
  const id = textField(body, 'SecretId') ?? textField(body, 'Name') ?? '';
  const arn = /^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:(.+)-[A-Za-z0-9]{6}$/.exec(id);
  return arn?.[1] ?? id;
}

export function secretArn(scope: CallScope, name: string): string {
  // Secrets Manager appends six random characters; a fixed suffix stands for them (never a wildcard, which IAM would read as one).
  return `arn:${scope.partition}:secretsmanager:${scope.region}:${scope.account}:secret:${name}-AbCdEf`;
}

/** The SQS call of one JSON-protocol request; the queue is named by its URL. */
export function sqsCall(operation: string, body: Json, scope: CallScope): CallWithoutCaller {
  const [account, name] = new URL(textField(body, 'QueueUrl') ?? 'http://invalid/').pathname.split('/').filter(Boolean);
  const action = `sqs:${operation}`;
  return { action: IAM_ACTION[action] ?? action, resource: `arn:${scope.partition}:sqs:${scope.region}:${account ?? ''}:${name ?? ''}`, context: {} };
}

/** The SNS call of one query-protocol request. */
export function snsCall(form: URLSearchParams): CallWithoutCaller {
  const action = `sns:${form.get('Action') ?? ''}`;
  return { action: IAM_ACTION[action] ?? action, resource: form.get('TopicArn') ?? '', context: {} };
}

/** A string field of a request body, or undefined. */
export function textField(body: Json, field: string): string | undefined {
  const value = body[field];
  return typeof value === 'string' ? value : undefined;
}

/** The text of a key attribute in DynamoDB's wire format (`{S: "integration"}`). */
function attributeText(value: unknown): string {
  if (value === null || typeof value !== 'object') return '';
  const [typed] = Object.values(value as Json);
  return typeof typed === 'string' ? typed : JSON.stringify(typed);
}

/** The partition key value a Query's KeyConditionExpression fixes (`#pk = :v0`), or undefined. */
function queriedPartition(body: Json, attribute: string): string | undefined {
  const names = (body.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (body.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
  for (const clause of (textField(body, 'KeyConditionExpression') ?? '').split(/\s+AND\s+/i)) {
    const [, placeholder = '', valueName = ''] = /^\(?\s*([#\w]+)\s*=\s*(:\w+)\s*\)?$/.exec(clause.trim()) ?? [];
    if ((names[placeholder] ?? placeholder) === attribute) return attributeText(values[valueName]);
  }
  return undefined;
}

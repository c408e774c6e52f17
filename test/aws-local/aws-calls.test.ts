import { describe, expect, it } from 'vitest';
import { type CallScope, dynamodbCalls, secretNameOf, secretsManagerCall, snsCall, sqsCall } from '../../infra/local/aws/aws-calls.ts';
import { Expressions } from '../../lib/store/aws/dynamodb-expressions.ts';
import { TABLE_SCHEMA } from '../../lib/store/aws/table-schema.ts';

const scope: CallScope = {
  partition: 'aws',
  region: 'us-east-1',
  account: '123456789012',
  partitionKeys: { table: TABLE_SCHEMA.partitionKey, indexes: { [TABLE_SCHEMA.dueIndex.name]: TABLE_SCHEMA.dueIndex.partitionKey } },
};
const TABLE = 'arn:aws:dynamodb:us-east-1:123456789012:table/t';
/** DynamoDB's wire format of strings and numbers, as the SDK sends them. */
const wire = (values: Record<string, string | number>) =>
  Object.fromEntries(Object.entries(values).map(([name, value]) => [name, typeof value === 'number' ? { N: String(value) } : { S: value }]));
const key = (kind: string, id: string) => wire({ pk: kind, sk: id });

describe('what IAM sees of a DynamoDB request', () => {
  it.each(['GetItem', 'UpdateItem', 'DeleteItem'])("%s: the table and the item's partition key as dynamodb:LeadingKeys", (operation) => {
    expect(dynamodbCalls(operation, { TableName: 't', Key: key('integration', 'a') }, scope)).toEqual([
      { action: `dynamodb:${operation}`, resource: TABLE, context: { 'dynamodb:LeadingKeys': ['integration'] } },
    ]);
  });

  it('Query: the partition value of the key condition, with the names and values the adapter writes', () => {
    const expressions = new Expressions();
    const condition = `${expressions.name('pk')} = ${expressions.value('trust')} AND begins_with(${expressions.name('sk')}, ${expressions.value('x')})`;
    const body = {
      TableName: 't',
      KeyConditionExpression: condition,
      ExpressionAttributeNames: expressions.names,
      ExpressionAttributeValues: wire(expressions.values as Record<string, string>),
    };
    expect(dynamodbCalls('Query', body, scope)).toEqual([{ action: 'dynamodb:Query', resource: TABLE, context: { 'dynamodb:LeadingKeys': ['trust'] } }]);
  });

  it("Query on an index: the index as the resource and the index's partition key", () => {
    const body = {
      TableName: 't',
      IndexName: 'due',
      KeyConditionExpression: '#k = :k AND #d <= :d',
      ExpressionAttributeNames: { '#k': 'dueKind', '#d': 'dueAt' },
      ExpressionAttributeValues: wire({ ':k': 'integration', ':d': 5 }),
    };
    expect(dynamodbCalls('Query', body, scope)).toEqual([
      { action: 'dynamodb:Query', resource: `${TABLE}/index/due`, context: { 'dynamodb:LeadingKeys': ['integration'] } },
    ]);
  });

  it('a Query that fixes no partition key has no leading keys (which a ForAllValues condition would let through)', () => {
    const body = {
      TableName: 't',
      KeyConditionExpression: '#s = :s',
      ExpressionAttributeNames: { '#s': 'sk' },
      ExpressionAttributeValues: wire({ ':s': 'x' }),
    };
    expect(dynamodbCalls('Query', body, scope)[0]?.context).toEqual({ 'dynamodb:LeadingKeys': [] });
  });

  it("a batch write: every item's partition key, once each", () => {
    const body = {
      RequestItems: {
        t: [{ PutRequest: { Item: key('lease', 'a') } }, { DeleteRequest: { Key: key('integration', 'b') } }, { PutRequest: { Item: key('lease', 'c') } }],
      },
    };
    expect(dynamodbCalls('BatchWriteItem', body, scope)).toEqual([
      { action: 'dynamodb:BatchWriteItem', resource: TABLE, context: { 'dynamodb:LeadingKeys': ['lease', 'integration'] } },
    ]);
  });

  it('a transaction: each item as the action IAM checks for it', () => {
    const body = { TransactItems: [{ Put: { TableName: 't', Item: key('trust', 'a') } }, { Delete: { TableName: 't', Key: key('lease', 'b') } }] };
    expect(dynamodbCalls('TransactWriteItems', body, scope).map((c) => [c.action, c.context['dynamodb:LeadingKeys']])).toEqual([
      ['dynamodb:PutItem', ['trust']],
      ['dynamodb:DeleteItem', ['lease']],
    ]);
  });
});

describe('what IAM sees of Secrets Manager, SQS and SNS requests', () => {
  it('names a secret by its ARN with the six characters Secrets Manager appends, whether asked by name or by ARN', () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:trustline/connect/k-AbCdEf';
    expect(secretsManagerCall('GetSecretValue', { SecretId: 'trustline/connect/k' }, scope)).toEqual({
      action: 'secretsmanager:GetSecretValue',
      resource: arn,
      context: {},
    });
    expect(secretNameOf({ SecretId: 'arn:aws:secretsmanager:us-east-1:1:secret:trustline/connect/k-Zz9Yy8' })).toBe('trustline/connect/k');
    expect(secretsManagerCall('CreateSecret', { Name: 'trustline/connect/k' }, scope).resource).toBe(arn);
  });

  it('checks a batch send as sqs:SendMessage on the queue named by its URL', () => {
    expect(sqsCall('SendMessageBatch', { QueueUrl: 'http://127.0.0.1:1/123456789012/q', Entries: [] }, scope)).toEqual({
      action: 'sqs:SendMessage',
      resource: 'arn:aws:sqs:us-east-1:123456789012:q',
      context: {},
    });
  });

  it('reads an SNS publish from its query-protocol form', () => {
    expect(snsCall(new URLSearchParams({ Action: 'Publish', TopicArn: 'arn:aws:sns:us-east-1:1:t', Message: 'm' }))).toEqual({
      action: 'sns:Publish',
      resource: 'arn:aws:sns:us-east-1:1:t',
      context: {},
    });
  });
});

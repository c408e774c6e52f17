import { describe, expect, it } from 'vitest';
import { type CfnTemplate, type LocalDeployment, resolveValue } from '../../infra/local/aws/deployment.ts';
import { TemplateError } from '../../infra/local/aws/errors.ts';

const deployment: LocalDeployment = {
  stackName: 'S',
  partition: 'aws',
  region: 'eu-west-1',
  account: '111122223333',
  apiEndpoint: 'http://127.0.0.1:3000',
  awsEndpoint: 'http://127.0.0.1:4566',
};
const template: CfnTemplate = {
  Resources: {
    Table: { Type: 'AWS::DynamoDB::Table' },
    Queue: { Type: 'AWS::SQS::Queue' },
    Topic: { Type: 'AWS::SNS::Topic' },
    Api: { Type: 'AWS::ApiGatewayV2::Api' },
  },
};
const resolve = (value: unknown) => resolveValue(template, deployment, value);

describe("the template's intrinsics, resolved for the local deployment", () => {
  it('resolves pseudo parameters inside Fn::Join as CloudFormation does', () => {
    expect(
      resolve({
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':secret:x/*']],
      }),
    ).toBe('arn:aws:secretsmanager:eu-west-1:111122223333:secret:x/*');
  });

  it('gives each resource the Ref and ARN its type has: a table its name, a queue its URL on the loopback endpoint, a topic its ARN', () => {
    expect(resolve({ Ref: 'Table' })).toBe('S-Table');
    expect(resolve({ 'Fn::GetAtt': ['Table', 'Arn'] })).toBe('arn:aws:dynamodb:eu-west-1:111122223333:table/S-Table');
    expect(resolve({ Ref: 'Queue' })).toBe('http://127.0.0.1:4566/111122223333/S-Queue');
    expect(resolve({ 'Fn::GetAtt': ['Queue', 'Arn'] })).toBe('arn:aws:sqs:eu-west-1:111122223333:S-Queue');
    expect(resolve({ Ref: 'Topic' })).toBe('arn:aws:sns:eu-west-1:111122223333:S-Topic');
    expect(resolve({ 'Fn::GetAtt': ['Api', 'ApiEndpoint'] })).toBe('http://127.0.0.1:3000');
  });

  it('resolves nested objects and lists, and Fn::Select over Fn::Split', () => {
    expect(resolve({ a: [{ Ref: 'AWS::Region' }], b: { 'Fn::Select': [1, { 'Fn::Split': ['/', 'x/y/z'] }] } })).toEqual({ a: ['eu-west-1'], b: 'y' });
  });

  it.each([
    ['an intrinsic it does not know', { 'Fn::ImportValue': 'x' }, 'uses Fn::ImportValue'],
    ['a resource the template lacks', { Ref: 'Nowhere' }, 'refers to Nowhere'],
    ['an attribute it does not know', { 'Fn::GetAtt': ['Table', 'StreamArn'] }, 'reads the attribute StreamArn of Table'],
  ])('refuses %s with a TemplateError saying what', (_what, value, message) => {
    expect(() => resolve(value)).toThrow(TemplateError);
    expect(() => resolve(value)).toThrow(message);
  });
});

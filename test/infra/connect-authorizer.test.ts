import { readFileSync } from 'node:fs';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { IssuePanelStack } from '../../examples/connect-protected-route/stack.ts';
import { manifest } from '../../functions/manifest.ts';
import { ManifestError } from '../../functions/manifest-errors.ts';
import { createTrustlineApp } from '../../infra/aws/trustline-app.ts';
import { validateManifest } from '../../functions/validate-manifest.ts';
import { syntheticManifest } from './synthetic-manifest.ts';

const logicalId = (stack: Stack, construct: { node: { defaultChild?: unknown } }): string =>
  stack.resolve((construct.node.defaultChild as CfnElement).logicalId) as string;

describe('the Connect authorizer in front of manifest routes with auth: connect', () => {
  const { stack } = createTrustlineApp({ manifest: syntheticManifest });
  const template = Template.fromStack(stack);
  const authorizerFn = logicalId(stack, stack.functions.get('jwt-authorizer')!);

  it('is one HTTP API REQUEST authorizer calling jwt-authorizer with payload 2.0 simple responses', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      AuthorizerUri: { 'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [authorizerFn, 'Arn'] }])] },
    });
  });

  it('caches nothing (0 s) and names no identity source, so a token in the jwt query parameter reaches it too', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerResultTtlInSeconds: 0, IdentitySource: Match.absent() });
  });

  it('guards exactly the connect route, with the authorizer', () => {
    const [authorizerId] = Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'));
    const custom = Object.values(template.findResources('AWS::ApiGatewayV2::Route', { Properties: { AuthorizationType: 'CUSTOM' } })) as {
      Properties: { RouteKey: string; AuthorizerId: unknown };
    }[];
    expect(custom.map((r) => [r.Properties.RouteKey, r.Properties.AuthorizerId])).toEqual([['GET /panel/{issueKey}', { Ref: authorizerId }]]);
  });

  it('lets API Gateway invoke jwt-authorizer from this API authorizer only', () => {
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [authorizerFn, 'Arn'] },
      SourceArn: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('/authorizers/')])] },
    });
  });

  it('outputs the authorizer function ARN for other stacks and apps', () => {
    expect(JSON.stringify(template.findOutputs('ConnectAuthorizerArn'))).toContain(authorizerFn);
  });

  it('creates no authorizer for the real manifest, where no route asks for one, but still outputs its ARN', () => {
    const real = Template.fromStack(createTrustlineApp({ manifest }).stack);
    real.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
    expect(Object.keys(real.findOutputs('ConnectAuthorizerArn'))).toEqual(['ConnectAuthorizerArn']);
  });
});

describe('the manifest rules for connect routes', () => {
  const route = { method: 'GET' as const, path: '/panel', auth: 'connect' as const };
  const panel = { name: 'panel', description: 'p', entry: 'functions/health/handler.ts', http: [route], access: {} };
  const authorizer = { name: 'jwt-authorizer', description: 'a', entry: 'functions/health/handler.ts', access: {} };

  it('refuses a connect route when the manifest has no jwt-authorizer', () => {
    expect(() => {
      validateManifest([panel]);
    }).toThrow(ManifestError);
  });

  it('refuses routes on the authorizer itself', () => {
    expect(() => {
      validateManifest([panel, { ...authorizer, http: [{ method: 'GET', path: '/auth', auth: 'public' }] }]);
    }).toThrow(/serves routes of its own/);
  });

  it('accepts a connect route with the authorizer present', () => {
    expect(() => {
      validateManifest([panel, authorizer]);
    }).not.toThrow();
  });
});

describe('the example: your own HTTP API route behind the authorizer (examples/connect-protected-route)', () => {
  const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:Trustline-JwtAuthorizer';
  const template = Template.fromStack(
    new IssuePanelStack(new App(), 'IssuePanel', { connectAuthorizerArn: arn, env: { account: '123456789012', region: 'eu-west-1' } }),
  );

  it('puts the imported authorizer in front of GET /issue-panel with caching off', () => {
    const [authorizerId] = Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'));
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      AuthorizerResultTtlInSeconds: 0,
      EnableSimpleResponses: true,
      IdentitySource: Match.absent(),
      AuthorizerUri: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(`${arn}/invocations`)])] },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'GET /issue-panel',
      AuthorizationType: 'CUSTOM',
      AuthorizerId: { Ref: authorizerId },
    });
  });

  it('grants API Gateway the invoke permission on the Trustline function', () => {
    template.hasResourceProperties('AWS::Lambda::Permission', { FunctionName: arn, Principal: 'apigateway.amazonaws.com' });
  });

  it('is the README sample, verbatim', () => {
    const source = readFileSync('examples/connect-protected-route/stack.ts', 'utf8');
    const sample = /\/\/ <readme-sample>\n([\s\S]*?)\/\/ <\/readme-sample>/.exec(source)?.[1];
    expect(sample).toBeDefined();
    expect(readFileSync('README.md', 'utf8')).toContain(`\`\`\`ts\n${sample ?? ''}\`\`\``);
  });
});

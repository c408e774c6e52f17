// The README's "Protect your own routes with the Connect authorizer" sample is this file, verbatim
// between the markers (test/infra/connect-authorizer.test.ts compiles, synthesizes and compares it).
// <readme-sample>
import { Stack, type StackProps } from 'aws-cdk-lib';
import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { ConnectAuthorizer } from '../../infra/aws/connect-authorizer.ts';

export interface IssuePanelStackProps extends StackProps {
  /** The `ConnectAuthorizerArn` output of the Trustline stack (same account and region). */
  readonly connectAuthorizerArn: string;
}

/** Your own HTTP API with a route only Jira's signed requests reach. */
export class IssuePanelStack extends Stack {
  constructor(scope: Construct, id: string, props: IssuePanelStackProps) {
    super(scope, id, props);
    const api = new HttpApi(this, 'Api');
    const panel = new NodejsFunction(this, 'IssuePanel', {
      entry: 'examples/connect-protected-route/handler.ts',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
    });
    const connect = ConnectAuthorizer.fromFunctionArn(this, 'Connect', props.connectAuthorizerArn);
    api.addRoutes({
      path: '/issue-panel',
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration('IssuePanelIntegration', panel),
      authorizer: connect,
    });
  }
}
// </readme-sample>

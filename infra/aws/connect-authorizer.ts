import { Duration } from 'aws-cdk-lib';
import type { CfnAuthorizer, HttpRouteAuthorizerBindOptions, HttpRouteAuthorizerConfig } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { Function as LambdaFunction, type IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { connectAuthorizer } from '../../functions/manifest.ts';

/**
 * Trustline's Connect JWT authorizer for HTTP API routes: pass it as `authorizer` to
 * `httpApi.addRoutes` and only requests carrying their own valid Connect token (HS256 signed
 * with the installed site's shared secret, `qsh` matching the request's method, raw path and
 * raw query) reach the integration, which finds `{clientKey, accountId}` in
 * `event.requestContext.authorizer.lambda`.
 *
 * Settings are fixed, not options: payload 2.0 with simple responses, result caching off (the
 * qsh binds each token to one request, so an answer cached by header would let a token signed
 * for one path open another), no identity source (the token may come in the `Authorization`
 * header or the `jwt` query parameter). One instance serves one HTTP API.
 *
 * @example
 * const connect = new ConnectAuthorizer('Connect', trustline.functions.get('jwt-authorizer')!);
 * api.addRoutes({ path: '/panel', methods: [HttpMethod.GET], integration, authorizer: connect });
 */
export class ConnectAuthorizer extends HttpLambdaAuthorizer {
  /**
   * The authorizer of a Trustline deployed by another CDK app or stack, from its
   * `ConnectAuthorizerArn` output. The function must be in the same account and region as the
   * API: API Gateway's permission to invoke it is added to the function from this side.
   */
  static fromFunctionArn(scope: Construct, id: string, functionArn: string): ConnectAuthorizer {
    // sameEnvironment: lets CDK add the apigateway.amazonaws.com invoke permission to the imported function.
    return new ConnectAuthorizer(id, LambdaFunction.fromFunctionAttributes(scope, `${id}Function`, { functionArn, sameEnvironment: true }));
  }

  constructor(
    private readonly constructId: string,
    authorizerFunction: IFunction,
  ) {
    super(constructId, authorizerFunction, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      resultsCacheTtl: Duration.seconds(connectAuthorizer.resultsCacheTtlSeconds),
      identitySource: [...connectAuthorizer.identitySource],
    });
  }

  override bind(options: HttpRouteAuthorizerBindOptions): HttpRouteAuthorizerConfig {
    const config = super.bind(options);
    if (connectAuthorizer.identitySource.length === 0) {
      // CDK writes an empty list; API Gateway documents the identity source as absent when it is optional.
      const cfn = options.scope.node.tryFindChild(this.constructId)?.node.defaultChild as CfnAuthorizer | undefined;
      cfn?.addPropertyDeletionOverride('IdentitySource');
    }
    return config;
  }
}

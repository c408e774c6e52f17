import { Validations } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpNoneAuthorizer, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { HttpRoute } from '../../functions/manifest.ts';
import { ConnectAuthorizer } from './connect-authorizer.ts';
import { ManifestError } from '../../functions/manifest-errors.ts';

/**
 * Trustline's HTTP API: one `$default` stage with access logs and throttling. `admin` routes
 * require IAM (SigV4-signed requests); `public` routes are open because their callers (an OAuth
 * provider redirecting a browser, Atlassian Connect) cannot sign, and verify themselves instead;
 * `connect` routes sit behind the Connect JWT authorizer (protectConnectRoutes).
 */
export class TrustlineHttpApi extends Construct {
  readonly api: HttpApi;
  private readonly iam = new HttpIamAuthorizer();
  private readonly open = new HttpNoneAuthorizer();
  /** `connect` routes wait here until the authorizer function exists (manifest order is free). */
  private readonly connectRoutes: { route: HttpRoute; integration: HttpLambdaIntegration }[] = [];
  private connect: ConnectAuthorizer | undefined;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', { description: 'Trustline', createDefaultStage: false });
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.THREE_MONTHS });
    new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs) },
      throttle: { rateLimit: 50, burstLimit: 100 },
    });
  }

  /** The API's base URL, without a trailing slash (`https://abc.execute-api.region.amazonaws.com`). */
  get url(): string {
    return this.api.apiEndpoint;
  }

  /** Routes `routes` to `fn` through one integration; `connect` routes once protectConnectRoutes has run. */
  addFunctionRoutes(id: string, fn: IFunction, routes: readonly HttpRoute[]): void {
    const integration = new HttpLambdaIntegration(`${id}Integration`, fn);
    for (const route of routes) {
      if (route.auth === 'connect') {
        if (this.connect === undefined) this.connectRoutes.push({ route, integration });
        else this.addConnectRoute(route, integration, this.connect);
        continue;
      }
      const [created] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        authorizer: route.auth === 'admin' ? this.iam : this.open,
      });
      if (route.auth === 'public' && created) {
        Validations.of(created).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            `${route.method} ${route.path} is public by design (auth: 'public' in functions/manifest.ts): its callers ` +
            '(a browser redirected by the OAuth provider, Atlassian Connect, a health probe) cannot sign with SigV4; ' +
            'the handler verifies its own single-use state or JWT signature, or returns nothing confidential.',
        });
      }
    }
  }

  /** Puts the Connect authorizer (`authorizerFunction`) in front of every `connect` route, those added before and after. */
  protectConnectRoutes(authorizerFunction: IFunction): ConnectAuthorizer {
    if (this.connect !== undefined)
      throw new ManifestError('jwt-authorizer', 'the Connect authorizer is attached twice.', 'call protectConnectRoutes once per API.');
    const connect = new ConnectAuthorizer('ConnectAuthorizer', authorizerFunction);
    this.connect = connect;
    for (const { route, integration } of this.connectRoutes.splice(0)) this.addConnectRoute(route, integration, connect);
    return connect;
  }

  private addConnectRoute(route: HttpRoute, integration: HttpLambdaIntegration, authorizer: ConnectAuthorizer): void {
    this.api.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration, authorizer });
  }
}

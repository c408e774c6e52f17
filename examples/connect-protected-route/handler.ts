import type { APIGatewayProxyEventV2WithLambdaAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ConnectAuthorizerContext } from '../../functions/jwt-authorizer/handler.ts';

/**
 * A route of your own behind Trustline's Connect authorizer: it runs only for requests whose
 * Connect JWT is valid for this very request, and learns which Jira site (and user) sent it.
 */
export function handler(event: APIGatewayProxyEventV2WithLambdaAuthorizer<ConnectAuthorizerContext>): Promise<APIGatewayProxyStructuredResultV2> {
  const { clientKey, accountId } = event.requestContext.authorizer.lambda;
  return Promise.resolve({
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ clientKey, accountId, issueKey: event.queryStringParameters?.issueKey ?? null }),
  });
}

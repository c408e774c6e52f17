import { type IncomingMessage, type ServerResponse, createServer, request as httpRequest } from 'node:http';
import { type AwsCall, type CallScope, type CallWithoutCaller, dynamodbCalls, secretNameOf, secretsManagerCall, snsCall, sqsCall } from './aws-calls.ts';
import { listenOnLoopback } from './loopback-server.ts';

/** The services aws-local serves, by SigV4 signing name. */
export type AwsService = 'dynamodb' | 'secretsmanager' | 'sqs' | 'sns';

export interface AwsEndpointOptions {
  /** Where each service's requests go: dynalite and the emulators, each on its own loopback port. */
  readonly upstreams: Readonly<Record<AwsService, string>>;
  /** Access key id -> manifest function: each function signs with credentials of its own. */
  readonly callers: ReadonlyMap<string, string>;
  readonly scope: CallScope;
  /** The key of each encrypted topic (publishing uses it with the publisher's KMS permissions). */
  readonly topicKeys: ReadonlyMap<string, string>;
}

/** The one loopback endpoint the bundles reach AWS at (`AWS_ENDPOINT_URL`). */
export interface AwsEndpoint {
  readonly endpoint: string;
  /** Every call in arrival order, with the function that signed it. */
  readonly calls: readonly AwsCall[];
  /** Records a call made with a function's credentials without passing here (Lambda polling a queue for it). */
  record(call: AwsCall): void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Starts the endpoint: it names the calling function from the request's SigV4 credential, records
 * each call as IAM would authorize it (action, resource, condition keys), then passes the request
 * unchanged to the service's peer and its answer back. A request from unknown credentials is refused.
 */
export async function startAwsEndpoint(options: AwsEndpointOptions): Promise<AwsEndpoint> {
  const calls: AwsCall[] = [];
  // The key each secret was created with: Secrets Manager then uses it with the caller's own KMS permissions.
  const secretKeys = new Map<string, string>();

  const describe = (service: AwsService, headers: IncomingMessage['headers'], body: Buffer): CallWithoutCaller[] => {
    const target = headers['x-amz-target']?.toString() ?? '';
    const operation = target.slice(target.indexOf('.') + 1);
    if (service === 'sns') {
      const publish = snsCall(new URLSearchParams(body.toString('utf8')));
      const key = options.topicKeys.get(publish.resource);
      const via = { 'kms:ViaService': `sns.${options.scope.region}.amazonaws.com` };
      // SNS encrypts the message with a data key made and used with the publisher's permissions.
      return key === undefined
        ? [publish]
        : [publish, ...['kms:GenerateDataKey', 'kms:Decrypt'].map((action) => ({ action, resource: key, context: via, via: 'sns' }))];
    }
    const json = body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as Record<string, unknown>);
    if (service === 'dynamodb') return dynamodbCalls(operation, json, options.scope);
    if (service === 'sqs') return [sqsCall(operation, json, options.scope)];
    return [secretsManagerCall(operation, json, options.scope), ...kmsThroughSecretsManager(operation, json)];
  };

  const kmsThroughSecretsManager = (operation: string, body: Record<string, unknown>): CallWithoutCaller[] => {
    const name = secretNameOf(body);
    if (operation === 'CreateSecret' && typeof body.KmsKeyId === 'string') secretKeys.set(name, body.KmsKeyId);
    const key = secretKeys.get(name);
    const action = { CreateSecret: 'kms:GenerateDataKey', PutSecretValue: 'kms:GenerateDataKey', GetSecretValue: 'kms:Decrypt' }[operation];
    if (key === undefined || action === undefined) return [];
    return [{ action, resource: key, context: { 'kms:ViaService': `secretsmanager.${options.scope.region}.amazonaws.com` }, via: 'secretsmanager' }];
  };

  const handle = async (incoming: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(incoming);
    const credential = /Credential=([^/]+)\/[^/]+\/[^/]+\/([^/]+)\//.exec(incoming.headers.authorization ?? '');
    const [, accessKeyId = '', signingName = ''] = credential ?? [];
    const caller = options.callers.get(accessKeyId);
    const service = signingName as AwsService;
    if (caller === undefined || !(service in options.upstreams)) {
      refuse(response, 403, 'UnrecognizedClientException', 'aws-local knows neither these credentials nor this service.');
      return;
    }
    for (const call of describe(service, incoming.headers, body)) calls.push({ function: caller, ...call });
    await forward(options.upstreams[service], incoming, body, response);
  };

  const server = createServer((incoming, response) => {
    handle(incoming, response).catch(() => {
      if (!response.headersSent) refuse(response, 500, 'InternalFailure', 'aws-local could not pass the request on.');
      else response.destroy();
    });
  });
  const { endpoint, close } = await listenOnLoopback(server);
  return {
    endpoint,
    calls,
    record(call) {
      calls.push(call);
    },
    close,
  };
}

function forward(upstream: string, incoming: IncomingMessage, body: Buffer, response: ServerResponse): Promise<void> {
  const target = new URL(incoming.url ?? '/', upstream);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(target, { method: incoming.method, headers: { ...incoming.headers, host: target.host } }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
      answer.on('end', resolve);
      answer.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

function refuse(response: ServerResponse, status: number, type: string, message: string): void {
  const payload = JSON.stringify({ __type: type, message });
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(payload) });
  response.end(payload);
}

async function readBody(incoming: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new RangeError('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

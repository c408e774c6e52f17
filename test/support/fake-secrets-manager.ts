import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer } from './close-server.ts';

/**
 * A loopback Secrets Manager speaking the AWS JSON 1.1 subset the adapter uses: CreateSecret,
 * PutSecretValue, GetSecretValue (by stage) and DeleteSecret, with the real error shapes
 * (HTTP 400, `__type`) and AWSCURRENT/AWSPREVIOUS staging.
 */
export interface FakeSecretsManager {
  readonly endpoint: string;
  /** Every request in arrival order: its operation (X-Amz-Target suffix) and JSON body. */
  readonly requests: RecordedRequest[];
  /** Answers the next `count` requests with ThrottlingException. */
  throttleNext(count: number): void;
  /** Before the next CreateSecret, another writer creates the secret with `value`: a lost create race. */
  loseNextCreateRace(value: string): void;
  close(): Promise<void>;
}

export interface RecordedRequest {
  readonly operation: string;
  readonly body: Record<string, unknown>;
}

interface Version {
  readonly value: string;
  readonly stages: Set<string>;
  readonly createdDate: number;
}

interface Secret {
  readonly name: string;
  readonly arn: string;
  readonly versions: Map<string, Version>;
}

class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const TARGET_PREFIX = 'secretsmanager.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';

/** Starts the fake on 127.0.0.1 with an ephemeral port. */
export async function startFakeSecretsManager(): Promise<FakeSecretsManager> {
  const secrets = new Map<string, Secret>();
  const requests: RecordedRequest[] = [];
  let throttled = 0;
  let createRaceValue: string | undefined;

  const find = (secretId: unknown): Secret => {
    const secret = [...secrets.values()].find((s) => s.name === secretId || s.arn === secretId);
    if (!secret) throw new ServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return secret;
  };

  const addVersion = (secret: Secret, versionId: string, value: string): void => {
    for (const version of secret.versions.values()) {
      version.stages.delete('AWSPREVIOUS');
      if (version.stages.delete('AWSCURRENT')) version.stages.add('AWSPREVIOUS');
    }
    secret.versions.set(versionId, { value, stages: new Set(['AWSCURRENT']), createdDate: Date.now() / 1000 });
  };

  const create = (name: string, value: string, versionId: string): Secret => {
    if (secrets.has(name)) throw new ServiceError('ResourceExistsException', `The operation failed because the secret ${name} already exists.`);
    const secret: Secret = { name, arn: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-AbCdEf`, versions: new Map() };
    addVersion(secret, versionId, value);
    secrets.set(name, secret);
    return secret;
  };

  const operations: Record<string, (body: Record<string, unknown>) => Record<string, unknown>> = {
    CreateSecret(body) {
      const name = text(body, 'Name') ?? '';
      if (createRaceValue !== undefined) {
        create(name, createRaceValue, randomUUID());
        createRaceValue = undefined;
      }
      const versionId = text(body, 'ClientRequestToken') ?? randomUUID();
      const secret = create(name, text(body, 'SecretString') ?? '', versionId);
      return { ARN: secret.arn, Name: secret.name, VersionId: versionId };
    },
    PutSecretValue(body) {
      const secret = find(body.SecretId);
      const versionId = text(body, 'ClientRequestToken') ?? randomUUID();
      const existing = secret.versions.get(versionId);
      if (existing && existing.value !== body.SecretString) {
        throw new ServiceError('ResourceExistsException', 'A version with this ClientRequestToken already exists with another value.');
      }
      if (!existing) addVersion(secret, versionId, text(body, 'SecretString') ?? '');
      return { ARN: secret.arn, Name: secret.name, VersionId: versionId, VersionStages: [...(secret.versions.get(versionId)?.stages ?? [])] };
    },
    GetSecretValue(body) {
      const secret = find(body.SecretId);
      const stage = text(body, 'VersionStage') ?? 'AWSCURRENT';
      const entry = [...secret.versions.entries()].find(([, version]) => version.stages.has(stage));
      if (!entry) {
        throw new ServiceError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for staging label: ${stage}`);
      }
      const [versionId, version] = entry;
      return {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: versionId,
        SecretString: version.value,
        VersionStages: [...version.stages],
        CreatedDate: version.createdDate,
      };
    },
    DeleteSecret(body) {
      const secret = find(body.SecretId);
      secrets.delete(secret.name);
      return { ARN: secret.arn, Name: secret.name, DeletionDate: Date.now() / 1000 };
    },
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const raw = await readBody(request);
    const target = request.headers['x-amz-target'];
    const operation = typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    const body = raw.length > 0 ? (JSON.parse(raw) as Record<string, unknown>) : {};
    requests.push({ operation, body });
    try {
      if (request.method !== 'POST' || request.headers['content-type'] !== CONTENT_TYPE) {
        throw new ServiceError('SerializationException', `Expected a POST of ${CONTENT_TYPE}.`);
      }
      if (!request.headers.authorization?.startsWith('AWS4-HMAC-SHA256 ')) {
        throw new ServiceError('MissingAuthenticationTokenException', 'Request is missing a SigV4 Authorization header.');
      }
      if (throttled > 0) {
        throttled -= 1;
        throw new ServiceError('ThrottlingException', 'Rate exceeded');
      }
      const run = operations[operation];
      if (!run) throw new ServiceError('UnknownOperationException', `Unknown operation ${operation}.`);
      send(response, 200, run(body));
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      send(response, 400, { __type: error.type, message: error.message });
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      send(response, 500, { __type: 'InternalServiceError', message: 'The fake failed.' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    throttleNext(count) {
      throttled = count;
    },
    loseNextCreateRace(value) {
      createRaceValue = value;
    },
    close: () => closeServer(server),
  };
}

function text(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  return typeof value === 'string' ? value : undefined;
}

function send(response: ServerResponse, status: number, body: Record<string, unknown>): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, { 'content-type': CONTENT_TYPE, 'content-length': Buffer.byteLength(payload), 'x-amzn-requestid': randomUUID() });
  response.end(payload);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

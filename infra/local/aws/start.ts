import { randomBytes } from 'node:crypto';
import type { SQSEvent } from 'aws-lambda';
import { type FunctionSpec, manifest as defaultManifest } from '../../../functions/manifest.ts';
import { type Config, loadConfig } from '../../../lib/runtime/config.ts';
import { startDynalite } from '../../../test/support/dynalite.ts';
import { startFakeSecretsManager } from '../../../test/support/fake-secrets-manager.ts';
import { type LocalRuntime, startLocalRuntime } from '../runtime.ts';
import type { AwsCall, CallScope } from './aws-calls.ts';
import { type AwsService, startAwsEndpoint } from './aws-endpoint.ts';
import { bundleFile, ensureBundles } from './bundles.ts';
import type { LocalDeployment } from './deployment.ts';
import { TemplateError } from './errors.ts';
import { startQueueTriggers } from './queue-trigger.ts';
import { type InvokeOptions, type Sandbox, createSandbox } from './sandbox.ts';
import { type PublishedMessage, startSnsEmulator } from './sns-emulator.ts';
import { startSqsEmulator } from './sqs-emulator.ts';
import {
  type CfnTemplate,
  type DeployedFunction,
  type PolicyDocument,
  LOCAL_STACK_NAME,
  deployedFunctions,
  deployedQueueTriggers,
  deployedQueues,
  deployedTable,
  deployedTopicArns,
  resourcePolicies,
  synthesizeTemplate,
  topicKeys,
} from './template.ts';

/** The account and region aws-local deploys to (the Secrets Manager peer answers ARNs in them). */
export const LOCAL_ACCOUNT = '123456789012';
export const LOCAL_REGION = 'us-east-1';

export interface AwsLocalOptions {
  /** Default: parsed from the environment, as `npm start` does. */
  readonly config?: Config;
  /** Port on 127.0.0.1; 0 picks a free one. Default: `config.port`. */
  readonly port?: number;
  readonly manifest?: readonly FunctionSpec[];
  /** A synthesized template to run instead of synthesizing infra/aws here. */
  readonly template?: CfnTemplate;
  /** Where the functions' log lines and aws-local's own notes go. Default: stdout. */
  readonly log?: (source: string, line: string) => void;
}

export interface AwsLocal {
  readonly runtime: LocalRuntime;
  /** Each function as the template deploys it, environment and IAM policies resolved. */
  readonly functions: readonly DeployedFunction[];
  /** The template's resource policies (key, queue and topic policies) by the ARN they protect. */
  readonly resourcePolicies: ReadonlyMap<string, PolicyDocument>;
  readonly account: string;
  /** Every AWS call the bundles made, in order, with the calling function. */
  readonly calls: readonly AwsCall[];
  readonly alerts: readonly PublishedMessage[];
  /** The loopback endpoint of every AWS service (`AWS_ENDPOINT_URL` of the functions). */
  readonly awsEndpoint: string;
  readonly tableName: string;
  readonly ttlAttribute: string | undefined;
  /** Invokes a function directly, as EventBridge Scheduler or a test would. */
  invoke(name: string, event: unknown, options?: InvokeOptions): Promise<unknown>;
  /** Resolves once the SQS triggers have nothing left to deliver. */
  queuesIdle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * `npm run start:aws-local`: the local runtime serving the manifest from the built bundles, each
 * in a process of its own with the environment and credentials the synthesized template gives it,
 * against loopback AWS peers started here (dynalite with the template's table, Secrets Manager,
 * SQS, SNS) behind one endpoint that records every call.
 */
export async function startAwsLocal(options: AwsLocalOptions = {}): Promise<AwsLocal> {
  const config: Config = { ...(options.config ?? loadConfig()), backend: 'aws' };
  const specs = options.manifest ?? defaultManifest;
  const log =
    options.log ??
    ((source, line) => {
      console.log(`[${source}] ${line}`);
    });
  await ensureBundles(specs, (line) => {
    log('aws-local', line);
  });
  const template = options.template ?? synthesizeTemplate();

  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer();
  };
  try {
    const placeholder: LocalDeployment = {
      stackName: LOCAL_STACK_NAME,
      partition: 'aws',
      region: LOCAL_REGION,
      account: LOCAL_ACCOUNT,
      apiEndpoint: '',
      awsEndpoint: '',
    };
    const table = deployedTable(template, placeholder);
    const tableName = table.input.TableName ?? '';
    const dynalite = await startDynalite(tableName, table.input);
    closers.push(() => dynalite.close());
    const secretsManager = await startFakeSecretsManager();
    closers.push(() => secretsManager.close());
    const sns = await startSnsEmulator(deployedTopicArns(template, placeholder));
    closers.push(() => sns.close());
    sns.onPublish((message) => {
      log('sns', `alert published to ${message.topicArn}: ${message.subject ?? '(no subject)'}`);
    });
    const queueNames = deployedQueues(template, placeholder).map((queue) => queue.name);
    const sqs = await startSqsEmulator(queueNames);
    closers.push(() => sqs.close());

    // Each function signs with an access key of its own, which names it to the endpoint.
    const accessKeys = new Map(specs.map((spec) => [`AKIALOCAL${spec.name.toUpperCase().replace(/-/g, '')}`, spec.name]));
    const upstreams: Record<AwsService, string> = {
      dynamodb: dynalite.endpoint,
      secretsmanager: secretsManager.endpoint,
      sqs: sqs.endpoint,
      sns: sns.endpoint,
    };
    const endpoint = await startAwsEndpoint({ upstreams, callers: accessKeys, scope: callScope(table.input), topicKeys: topicKeys(template, placeholder) });
    closers.push(() => endpoint.close());

    const sandboxes = new Map<string, Sandbox>();
    let sandboxesReady!: () => void;
    const ready = new Promise<void>((resolve) => (sandboxesReady = resolve));
    const invoke = async (name: string, event: unknown, invokeOptions?: InvokeOptions): Promise<unknown> => {
      await ready;
      const sandbox = sandboxes.get(name);
      if (sandbox === undefined) throw new TemplateError(`has no function "${name}"`);
      return sandbox.invoke(event, invokeOptions);
    };

    const runtime = await startLocalRuntime({
      config,
      ...(options.port === undefined ? {} : { port: options.port }),
      manifest: specs,
      invoke: (fn, event) => invoke(fn.name, event),
    });
    closers.push(() => runtime.close());
    const deployment: LocalDeployment = { ...placeholder, apiEndpoint: runtime.config.publicUrl, awsEndpoint: endpoint.endpoint };
    const functions = deployedFunctions(template, deployment, specs);
    const secretAccessKey = randomBytes(24).toString('base64url');
    for (const fn of functions) {
      const accessKeyId = [...accessKeys].find(([, name]) => name === fn.name)?.[0] ?? '';
      const environment = {
        ...fn.environment,
        ...developmentSettings(runtime.config),
        ...lambdaCredentials(accessKeyId, secretAccessKey),
        AWS_ENDPOINT_URL: endpoint.endpoint,
      };
      sandboxes.set(fn.name, createSandbox({ name: fn.name, bundleFile: bundleFile(fn), environment, timeoutSeconds: fn.timeoutSeconds, log }));
    }
    closers.push(async () => {
      await Promise.all([...sandboxes.values()].map((sandbox) => sandbox.close()));
    });
    sandboxesReady();

    const queues = deployedQueues(template, deployment);
    const triggers = startQueueTriggers({
      sqs,
      queues,
      triggers: deployedQueueTriggers(template, deployment, functions),
      invoke: (name, event: SQSEvent) => invoke(name, event),
      record: (call) => {
        endpoint.record(call);
      },
      log: (line) => {
        log('sqs', line);
      },
    });

    return {
      runtime,
      functions,
      resourcePolicies: resourcePolicies(template, deployment),
      account: LOCAL_ACCOUNT,
      calls: endpoint.calls,
      alerts: sns.published,
      awsEndpoint: endpoint.endpoint,
      tableName,
      ttlAttribute: table.ttlAttribute,
      invoke,
      queuesIdle: () => triggers.idle(),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** How the endpoint reads a request's resource and its dynamodb:LeadingKeys: the template table's partition keys. */
function callScope(input: ReturnType<typeof deployedTable>['input']): CallScope {
  const hashOf = (schema: typeof input.KeySchema) => schema?.find((key) => key.KeyType === 'HASH')?.AttributeName ?? '';
  return {
    partition: 'aws',
    region: LOCAL_REGION,
    account: LOCAL_ACCOUNT,
    partitionKeys: {
      table: hashOf(input.KeySchema),
      indexes: Object.fromEntries((input.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName ?? '', hashOf(index.KeySchema)])),
    },
  };
}

/** What Lambda puts in a function's environment: its region and its role's session credentials. */
function lambdaCredentials(accessKeyId: string, secretAccessKey: string): Record<string, string> {
  return {
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    AWS_SESSION_TOKEN: 'aws-local',
  };
}

/**
 * The settings of `npm start` that a deployment leaves at their defaults, passed to every function
 * so aws-local behaves as `npm start` does with the same environment (loopback providers, a local
 * Connect key server, the refresh tuning).
 */
function developmentSettings(config: Config): Record<string, string> {
  return {
    ...(config.allowLoopbackHttp ? { TRUSTLINE_DEV_ALLOW_LOOPBACK_HTTP: '1' } : {}),
    TRUSTLINE_CONNECT_INSTALL_KEYS_URL: config.connectInstallKeysUrl,
    TRUSTLINE_REFRESH_DEFAULT_LIFETIME_SECONDS: String(config.refresh.defaultTokenLifetimeSeconds),
    TRUSTLINE_REFRESH_FAILING_AFTER: String(config.refresh.failingAfter),
    TRUSTLINE_REFRESH_CONCURRENCY: String(config.refresh.concurrency),
    // Child processes of a test run print the SDK's Node-version notice otherwise (test/setup.ts says why it is off).
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

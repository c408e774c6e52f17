import { AssetHashType, DockerImage, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { buildSync } from 'esbuild';
import type { FunctionSpec } from '../../functions/manifest.ts';
import { assertNoLocalBackend, functionBuildOptions, pruneUnreachableOutputs, repoRoot } from './bundling.ts';

export const DEFAULT_TIMEOUT_SECONDS = 15;
export const DEFAULT_MEMORY_MB = 256;

export interface TrustlineFunctionProps {
  readonly spec: FunctionSpec;
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * One manifest function as a Lambda with Trustline's defaults: nodejs24.x on arm64, the bundle
 * `npm run build` makes (infra/aws/bundling.ts: an ESM entry and its lazily loaded chunks),
 * source-mapped stack traces, X-Ray, and its own log group and role (so it starts with no
 * permissions beyond writing its own logs).
 */
export class TrustlineFunction extends LambdaFunction {
  readonly spec: FunctionSpec;
  /** The function's own role, where the manifest's grants land. */
  readonly executionRole: Role;

  constructor(scope: Construct, id: string, { spec, environment }: TrustlineFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Trustline ${spec.name}: exactly the access functions/manifest.ts grants it.`,
    });
    super(scope, id, {
      description: spec.description,
      code: bundledCode(spec),
      handler: 'index.handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      timeout: Duration.seconds(spec.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS),
      memorySize: spec.memoryMb ?? DEFAULT_MEMORY_MB,
      tracing: Tracing.ACTIVE,
      logGroup,
      role,
      environment: { ...environment, NODE_OPTIONS: '--enable-source-maps' },
    });
    this.spec = spec;
    this.executionRole = role;
    logGroup.grantWrite(role);
  }
}

/**
 * The function's bundle as its code asset, built in this process by esbuild (no Docker) when the
 * stack is synthesized; hashed on the output, so an unchanged bundle is not uploaded again.
 */
function bundledCode(spec: FunctionSpec): Code {
  return Code.fromAsset(repoRoot, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the type; never pulled, since local bundling always succeeds or throws.
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:24-alpine'),
      // CDK caches bundling per source path and these options (not `local`): the name keeps each function's bundle its own.
      environment: { TRUSTLINE_BUNDLE_FUNCTION: spec.name },
      local: {
        tryBundle(outputDir) {
          const { metafile } = buildSync({ ...functionBuildOptions(spec, outputDir), absWorkingDir: repoRoot });
          if (metafile !== undefined) {
            assertNoLocalBackend(spec.name, metafile, repoRoot, outputDir);
            pruneUnreachableOutputs(metafile, repoRoot, outputDir);
          }
          return true;
        },
      },
    },
  });
}

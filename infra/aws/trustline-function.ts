import path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { FunctionSpec } from '../../functions/manifest.ts';
import { bundleSettings, repoRoot } from './bundling.ts';

export const DEFAULT_TIMEOUT_SECONDS = 15;
export const DEFAULT_MEMORY_MB = 256;

export interface TrustlineFunctionProps {
  readonly spec: FunctionSpec;
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * One manifest function as a Lambda with Trustline's defaults: nodejs24.x on arm64, an ESM bundle
 * built with the shared esbuild settings, source-mapped stack traces, X-Ray, and its own log group
 * and role (so it starts with no permissions beyond writing its own logs).
 */
export class TrustlineFunction extends NodejsFunction {
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
      entry: path.join(repoRoot, spec.entry),
      handler: 'handler',
      projectRoot: repoRoot,
      depsLockFilePath: path.join(repoRoot, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      timeout: Duration.seconds(spec.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS),
      memorySize: spec.memoryMb ?? DEFAULT_MEMORY_MB,
      tracing: Tracing.ACTIVE,
      logGroup,
      role,
      environment: { ...environment, NODE_OPTIONS: '--enable-source-maps' },
      bundling: {
        format: OutputFormat.ESM,
        target: bundleSettings.target,
        minify: bundleSettings.minify,
        sourceMap: bundleSettings.sourcemap,
        sourcesContent: bundleSettings.sourcesContent,
        mainFields: [...bundleSettings.mainFields],
        externalModules: [...bundleSettings.external],
        banner: bundleSettings.banner,
        define: bundleSettings.define,
      },
    });
    this.spec = spec;
    this.executionRole = role;
    logGroup.grantWrite(role);
  }
}

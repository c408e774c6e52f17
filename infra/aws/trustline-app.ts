import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { FunctionSpec } from '../../functions/manifest.ts';
import { TrustlineStack } from './stack.ts';

/** The stack's name in CloudFormation. */
export const STACK_NAME = 'Trustline';

/** The CDK app: the Trustline stack, checked by cdk-nag's AWS Solutions rules at synthesis. */
export function createTrustlineApp(options: { manifest?: readonly FunctionSpec[]; appProps?: AppProps } = {}): { app: App; stack: TrustlineStack } {
  const app = new App(options.appProps);
  const stack = new TrustlineStack(app, STACK_NAME, {
    description: 'Trustline: OAuth 2.0 mail grants, TLS certificate checks and Connect JWT validation',
    ...(options.manifest ? { manifest: options.manifest } : {}),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

/**
 * The CDK app: one stack built from the manifest (`cdk synth` runs app.ts). The esbuild settings
 * its functions are bundled with are a door of their own, ./bundling.ts, which loads no CDK.
 */
export { createTrustlineApp } from './trustline-app.ts';
export type { TrustlineStack } from './stack.ts';

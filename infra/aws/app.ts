// Entry point of `cdk synth` / `cdk deploy` (see cdk.json): the app synthesizes when the process ends.
import { createTrustlineApp } from './trustline-app.ts';

createTrustlineApp();

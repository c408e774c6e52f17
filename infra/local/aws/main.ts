/**
 * `npm run start:aws-local`: what CDK deploys, on this machine. The built bundles (rebuilt first when
 * older than the sources) serve every route and schedule of the manifest on the AWS adapters, each
 * with its environment from the synthesized template, against loopback AWS peers that keep their
 * state in memory. The same environment variables as `npm start`; Ctrl-C stops it.
 */
import path from 'node:path';
import { loadConfig } from '../../../lib/runtime/config.ts';
import { banner } from '../banner.ts';
import { serveUntilStopped } from '../serve.ts';
import { DIST_DIR } from './bundles.ts';
import { type AwsLocal, startAwsLocal } from './start.ts';

// The peers' own SDK client would print the SDK's Node-version notice on Node 20; the functions run with it off too.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

await serveUntilStopped(async () => {
  const local = await startAwsLocal({ config: loadConfig() });
  return { banner: banner(local.runtime, process.cwd(), about(local)), close: () => local.close() };
});

function about(local: AwsLocal): string[] {
  const ttl =
    local.ttlAttribute === undefined
      ? ''
      : `, TTL on \`${local.ttlAttribute}\` (dynalite keeps expired items; the adapters treat them as absent, as within AWS's TTL delay)`;
  return [
    `Running the built bundles (${path.relative(process.cwd(), DIST_DIR) || DIST_DIR}/, what CDK deploys) on the AWS adapters: each function in a process of its own,`,
    '  with the environment and an IAM role of the synthesized template (infra/aws).',
    `AWS on loopback at ${local.awsEndpoint} (every call recorded with the function that made it), state in memory until exit:`,
    `  DynamoDB (dynalite, table ${local.tableName} from the template${ttl}), Secrets Manager, SQS (the fan-out queue feeds its function), SNS (alerts are printed).`,
    'Admin routes: IAM (SigV4) on AWS; here the same bearer token as `npm start`, since loopback has no IAM principal.',
  ];
}

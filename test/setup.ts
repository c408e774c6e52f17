// Skip asset bundling in CDK assertion tests: templates are checked, bundles are built by `npm run build`.
process.env.CDK_CONTEXT_JSON = JSON.stringify({ 'aws:cdk:bundling-stacks': [] });
// Powertools: pretty logs off, metrics go through the same stdout the tests capture.
process.env.POWERTOOLS_METRICS_NAMESPACE ??= 'Trustline';

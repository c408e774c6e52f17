// Skip asset bundling in CDK assertion tests: templates are checked, bundles are built by `npm run build`.
process.env.CDK_CONTEXT_JSON = JSON.stringify({ 'aws:cdk:bundling-stacks': [] });
// Powertools: pretty logs off, metrics go through the same stdout the tests capture.
process.env.POWERTOOLS_METRICS_NAMESPACE ??= 'Trustline';

// Powertools writes its JSON log and EMF lines straight to process.stdout through a Console of its own,
// which the test runner cannot tie to a test. Handing them to the global console instead lets vitest
// attribute each line to the test that wrote it, and with `silent: 'passed-only'` print them only when
// that test fails. Tests that read the logger's output on purpose patch process.stdout.write themselves
// (test/support/stdio.ts) and still see the raw bytes.
const write = process.stdout.write.bind(process.stdout);
const isStructuredLogLine = (text: string): boolean => text.startsWith('{"level":') || text.startsWith('{"_aws":');
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
  const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  if (!isStructuredLogLine(text)) return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
  // eslint-disable-next-line no-console -- the runner ties console output to the test that wrote it
  console.log(text.trimEnd());
  const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
  callback?.();
  return true;
});

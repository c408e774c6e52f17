import { isStructuredLogLine } from './support/stdio.ts';

// Skip asset bundling in CDK assertion tests: templates are checked, bundles are built by `npm run build`.
process.env.CDK_CONTEXT_JSON = JSON.stringify({ 'aws:cdk:bundling-stacks': [] });
// Powertools: pretty logs off, metrics go through the same stdout the tests capture.
process.env.POWERTOOLS_METRICS_NAMESPACE ??= 'Trustline';
// The SDK warns once per process that its 2027 releases will need Node 22; on the Node 20 tier every
// worker and child process would print it. Trustline already runs on Node 24 on Lambda (README).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Powertools writes its JSON log and EMF lines straight to process.stdout and process.stderr through a
// Console of its own, which the test runner cannot tie to a test. Handing them to the global console instead
// lets vitest attribute each line to the test that wrote it, and with `silent: 'passed-only'` print them only
// when that test fails. Tests that read the logger's output on purpose patch the streams' write themselves
// (test/support/stdio.ts) and still see the raw bytes.
function routeLogLines(stream: NodeJS.WriteStream, toConsole: (line: string) => void): void {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (!isStructuredLogLine(text)) return write(chunk, ...rest);
    toConsole(text.trimEnd());
    const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  };
}
/* eslint-disable no-console -- the runner ties console output to the test that wrote it */
routeLogLines(process.stdout, (line) => {
  console.log(line);
});
routeLogLines(process.stderr, (line) => {
  console.error(line);
});
/* eslint-enable no-console */

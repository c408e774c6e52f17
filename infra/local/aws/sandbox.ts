import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { SandboxError } from './errors.ts';

/** What a function's sandbox runs: its bundle, with its environment alone. */
export interface SandboxSpec {
  readonly name: string;
  /** The bundle's entry (`dist/<name>/index.mjs`). */
  readonly bundleFile: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
  /** Receives the function's stdout and stderr, line by line (its CloudWatch log). */
  readonly log: (functionName: string, line: string) => void;
}

export interface InvokeOptions {
  /** What the context reports as time left; default: the function's timeout. */
  readonly remainingMs?: number;
}

export interface Sandbox {
  invoke(event: unknown, options?: InvokeOptions): Promise<unknown>;
  close(): Promise<void>;
}

interface Answer {
  readonly id: string;
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error?: { readonly name: string; readonly message: string };
}

// Runs in the child: imports the bundle on the first event (Lambda's init), then answers each event over IPC.
const RUNNER = `
const [bundleUrl, functionName] = process.argv.slice(1);
let loading;
process.on('message', async ({ id, event, remainingMs }) => {
  try {
    loading ??= import(bundleUrl).then((module) => module.handler);
    const handler = await loading;
    const deadline = Date.now() + remainingMs;
    const context = {
      callbackWaitsForEmptyEventLoop: false, functionName, functionVersion: '$LATEST', awsRequestId: id,
      invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:' + functionName, memoryLimitInMB: '256',
      logGroupName: '/aws/lambda/' + functionName, logStreamName: 'aws-local', getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    process.send({ id, ok: true, result: await handler(event, context) });
  } catch (error) {
    process.send({ id, ok: false, error: { name: String(error?.name ?? 'Error'), message: String(error?.message ?? error) } });
  }
});
`;

/**
 * One function's Lambda sandbox: a Node process (the Node running aws-local) that loads the
 * function's bundle with only its environment, so each function has its own configuration,
 * credentials and module state, as on Lambda. Started on the first invocation; restarted after a crash.
 */
export function createSandbox(spec: SandboxSpec): Sandbox {
  let child: ChildProcess | undefined;
  const pending = new Map<string, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();

  const start = (): ChildProcess => {
    const started = spawn(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', RUNNER, pathToFileURL(spec.bundleFile).href, spec.name], {
      env: spec.environment,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    for (const stream of [started.stdout, started.stderr])
      forwardLines(stream, (line) => {
        spec.log(spec.name, line);
      });
    started.on('message', (answer: Answer) => {
      const waiting = pending.get(answer.id);
      pending.delete(answer.id);
      if (answer.ok) waiting?.resolve(answer.result);
      else waiting?.reject(new SandboxError(spec.name, `threw ${answer.error?.name ?? 'an error'}: ${answer.error?.message ?? ''}`));
    });
    started.on('exit', (code, signal) => {
      if (child === started) child = undefined;
      for (const [id, waiting] of pending) {
        pending.delete(id);
        waiting.reject(new SandboxError(spec.name, `exited (${signal ?? String(code)}) during an invocation`));
      }
    });
    return started;
  };

  return {
    invoke(event, options = {}) {
      child ??= start();
      const id = randomUUID();
      const running = child;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        running.send({ id, event, remainingMs: options.remainingMs ?? spec.timeoutSeconds * 1000 });
      });
    },
    async close() {
      const running = child;
      child = undefined;
      if (running === undefined || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGTERM');
      await exited;
    },
  };
}

function forwardLines(stream: NodeJS.ReadableStream | null, write: (line: string) => void): void {
  if (stream === null) return;
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) write(line);
  });
  stream.on('end', () => {
    if (partial !== '') write(partial);
  });
}

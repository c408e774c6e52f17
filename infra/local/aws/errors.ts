import { LocalRuntimeError } from '../errors.ts';

/** The synthesized template holds something aws-local cannot stand in for. */
export class TemplateError extends LocalRuntimeError {
  override readonly code = 'AWS_LOCAL_TEMPLATE';
  constructor(problem: string, options?: ErrorOptions) {
    super(
      `The synthesized template ${problem}.`,
      'keep infra/aws to the resource types aws-local knows (infra/local/aws/deployment.ts), or teach it the new one.',
      options,
    );
  }
}

/** A function's bundle process failed or answered something that is not an invocation result. */
export class SandboxError extends LocalRuntimeError {
  override readonly code = 'AWS_LOCAL_SANDBOX';
  constructor(
    readonly functionName: string,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(`The bundle of "${functionName}" ${problem}.`, "run `npm run build` and read the function's output above.", options);
  }
}

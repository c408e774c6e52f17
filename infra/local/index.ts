export { startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from './runtime.ts';
export { banner } from './banner.ts';
export { scheduledEvent } from './scheduler.ts';

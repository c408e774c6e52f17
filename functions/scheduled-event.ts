/** The payload every scheduled invocation receives: EventBridge Scheduler's input on AWS, the local scheduler's argument. */
export interface ScheduledInvocation {
  readonly source: 'trustline.schedule';
  readonly function: string;
  readonly cron: string;
}

/** The one way the payload is built, so a handler sees the same event on AWS and locally. */
export function scheduledInvocation(functionName: string, cron: string): ScheduledInvocation {
  return { source: 'trustline.schedule', function: functionName, cron };
}

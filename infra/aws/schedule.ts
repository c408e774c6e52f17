import { TimeZone } from 'aws-cdk-lib';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { eventBridgeCron } from '../../functions/eventbridge-cron.ts';

/**
 * The manifest's five-field Unix cron (UTC) as EventBridge Scheduler's schedule, through CDK's
 * ScheduleExpression.cron; functions/eventbridge-cron.ts decides which forms convert.
 *
 * @example scheduleExpression('*\/5 * * * *').expressionString // 'cron(0/5 * * * ? *)'
 */
export function scheduleExpression(cron: string): ScheduleExpression {
  return ScheduleExpression.cron({ ...eventBridgeCron(cron), timeZone: TimeZone.ETC_UTC });
}

import { logger } from './logger.ts';

/** One alert: a state change a human should hear about (new failure, expiring soon, recovered). */
export interface Alert {
  /** Stable identity of the watched thing (`endpoint:<id>`, `integration:<id>`). */
  readonly key: string;
  readonly severity: 'critical' | 'warning' | 'info';
  readonly subject: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Where alerts go: the SNS topic on AWS, the log locally. */
export interface AlertSink {
  publish(alert: Alert): Promise<void>;
}

/** Local sink: one redacted log line per alert. */
export const logAlertSink: AlertSink = {
  publish(alert) {
    logger.warn(`ALERT ${alert.subject}`, { alert });
    return Promise.resolve();
  },
};

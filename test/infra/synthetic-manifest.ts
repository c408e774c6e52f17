import type { FunctionSpec } from '../../functions/manifest.ts';

/**
 * A manifest exercising every branch of the stack (admin, public and connect routes, a schedule, secrets
 * read and write, table read and readwrite, alerts, a queue and its sender) while the real
 * manifest is still small. Entries point at the health handler: bundling is skipped in tests.
 */
export const syntheticManifest: readonly FunctionSpec[] = [
  {
    name: 'admin-api',
    description: 'Admin routes with write access to secrets.',
    entry: 'functions/health/handler.ts',
    http: [
      { method: 'GET', path: '/admin/things', auth: 'admin' },
      { method: 'DELETE', path: '/admin/things/{id}', auth: 'admin' },
      { method: 'GET', path: '/public/callback/{key}', auth: 'public' },
      { method: 'GET', path: '/panel/{issueKey}', auth: 'connect' },
    ],
    access: {
      secrets: { prefix: 'oauth/', write: true },
      table: { integrations: 'readwrite', oauthStates: 'readwrite-delete', trust: 'read' },
      queueTo: 'worker',
    },
    timeoutSeconds: 29,
    memoryMb: 512,
  },
  {
    name: 'sweeper',
    description: 'Scheduled scan that fans out to the worker.',
    entry: 'functions/health/handler.ts',
    schedules: [
      { cron: '*/5 * * * *', description: 'every five minutes' },
      { cron: '0 9 * * MON-FRI', description: 'weekday mornings' },
    ],
    access: { table: { integrations: 'read' }, queueTo: 'worker', alerts: true },
  },
  {
    name: 'worker',
    description: 'Consumes the fan-out queue; reads secrets.',
    entry: 'functions/health/handler.ts',
    queue: { batchSize: 5 },
    access: { secrets: { prefix: 'connect/', write: false }, table: { leases: 'readwrite', endpoints: 'read' }, alerts: true },
    timeoutSeconds: 60,
  },
  {
    name: 'jwt-authorizer',
    description: 'The Connect authorizer in front of the connect route.',
    entry: 'functions/health/handler.ts',
    access: { secrets: { prefix: 'connect/', write: false } },
  },
];

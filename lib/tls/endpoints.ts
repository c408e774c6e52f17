import { randomUUID } from 'node:crypto';
import net from 'node:net';
import * as z from 'zod/mini';
import { type ItemSet, type MetadataStore, listAll } from '../store/index.ts';
import type { Clock } from '../clock.ts';
import { EndpointNotFoundError, InvalidTargetError } from './errors.ts';

// The admin routes enter here rather than through the index (see eslint.config.js) and answer this error.
export { EndpointNotFoundError };
import { defaultPort, PROTOCOLS, type Protocol } from './protocols.ts';
import type { CheckReport } from './report.ts';

export const ENDPOINT_KIND = 'endpoint';
export const RESULT_KIND = 'endpoint-result';
/** The table items of certificate targets and their latest results. */
export const ENDPOINT_ITEMS: ItemSet = { kinds: [ENDPOINT_KIND, RESULT_KIND] };
/** Far above any real deployment; keeps listing and one scheduled run finite. */
export const MAX_ENDPOINTS = 5000;

// zod/mini: cheaper to build at start than zod's classic API (lib/runtime/config.ts registers the messages' locale).
const hostname = z.string().check(
  z.minLength(1),
  z.maxLength(253),
  z.refine(
    (value) => net.isIP(value) !== 0 || /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,62}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,62}[a-z0-9_])?)*\.?$/i.test(value),
    {
      message: 'must be a host name or an IP address',
    },
  ),
);

/** A certificate target as the admin API accepts it; protocol defaults to https and port to its usual one. */
export const endpointInput = z.strictObject({
  host: hostname,
  port: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(65535))),
  protocol: z._default(z.enum(PROTOCOLS), 'https'),
  servername: z.optional(hostname),
  warnDays: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(3650))),
});
export type EndpointInput = z.input<typeof endpointInput>;

/** A configured certificate target. */
export interface Endpoint {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly servername?: string;
  readonly warnDays?: number;
  readonly createdAt: string;
}

/** Where an endpoint stands for alerting: one alert per change of this key. */
export type EndpointState = 'ok' | 'expiring' | `failing:${string}`;

/** The latest result of an endpoint, kept under the endpoint's id. */
export interface EndpointResult {
  readonly report: CheckReport;
  readonly state: EndpointState;
  /** The state last announced by an alert (null: none yet); differs from `state` only while publishing fails. */
  readonly notifiedState: EndpointState | null;
}

/** Endpoints and their latest results in the metadata store. */
export function createEndpointStore(metadata: MetadataStore, clock: Clock) {
  const list = (): Promise<Endpoint[]> => listAll<Endpoint>(metadata, ENDPOINT_KIND, MAX_ENDPOINTS);

  return {
    list,
    /** Adds a target; throws InvalidTargetError for bad input (the HTTP layer validates first). */
    async add(input: EndpointInput): Promise<Endpoint> {
      const parsed = endpointInput.safeParse(input);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new InvalidTargetError(
          `The target is not valid: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}.`,
          'host, port, protocol',
          JSON.stringify(input).slice(0, 200),
        );
      }
      const value = parsed.data;
      if ((await list()).length >= MAX_ENDPOINTS) {
        throw new InvalidTargetError(`Trustline checks at most ${String(MAX_ENDPOINTS)} targets.`, `at most ${String(MAX_ENDPOINTS)}`, 'more');
      }
      const endpoint: Endpoint = {
        id: randomUUID(),
        host: value.host,
        port: value.port ?? defaultPort(value.protocol),
        protocol: value.protocol,
        ...(value.servername === undefined ? {} : { servername: value.servername }),
        ...(value.warnDays === undefined ? {} : { warnDays: value.warnDays }),
        createdAt: new Date(clock.now()).toISOString(),
      };
      await metadata.put({ kind: ENDPOINT_KIND, id: endpoint.id, data: endpoint }, { expectedVersion: 'absent' });
      return endpoint;
    },
    async get(id: string): Promise<Endpoint> {
      const item = await metadata.get<Endpoint>(ENDPOINT_KIND, id);
      if (item === undefined) throw new EndpointNotFoundError(id);
      return item.data;
    },
    /** Removes the target and its latest result; false when it did not exist. */
    async remove(id: string): Promise<boolean> {
      const item = await metadata.take<Endpoint>(ENDPOINT_KIND, id);
      await metadata.delete(RESULT_KIND, id);
      return item !== undefined;
    },
    async result(id: string): Promise<EndpointResult | undefined> {
      return (await metadata.get<EndpointResult>(RESULT_KIND, id))?.data;
    },
    async saveResult(id: string, result: EndpointResult): Promise<void> {
      await metadata.put({ kind: RESULT_KIND, id, data: result });
    },
  };
}

export type EndpointStore = ReturnType<typeof createEndpointStore>;

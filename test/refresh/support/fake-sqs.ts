import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer } from '../../support/close-server.ts';

/**
 * A loopback SQS speaking the AWS JSON 1.0 protocol the v3 SDK uses, for SendMessageBatch only:
 * the batch-size limit, per-entry failures in `Failed`, and the MD5 of each body the SDK checks.
 */
export interface FakeSqs {
  /** The queue URL; the SDK sends to its host (useQueueUrlAsEndpoint). */
  readonly queueUrl: string;
  /** Bodies accepted, in order. */
  readonly accepted: string[];
  /** Entries per SendMessageBatch request received. */
  readonly batchSizes: number[];
  /** Entries whose body matches are reported as failed (SenderFault false), this many times each. */
  refuse(match: (body: string) => boolean, times: number): void;
  close(): Promise<void>;
}

interface Entry {
  readonly Id: string;
  readonly MessageBody: string;
}

export async function startFakeSqs(): Promise<FakeSqs> {
  const accepted: string[] = [];
  const batchSizes: number[] = [];
  const refusals: { match: (body: string) => boolean; left: Map<string, number>; times: number }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const answer = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() });
        res.end(JSON.stringify(body));
      };
      if (target !== 'AmazonSQS.SendMessageBatch') {
        answer(400, { __type: 'com.amazonaws.sqs#InvalidAction', message: `${target} is not supported by this fake` });
        return;
      }
      const { Entries: entries } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Entries: Entry[] };
      batchSizes.push(entries.length);
      if (entries.length > 10) {
        answer(400, { __type: 'com.amazonaws.sqs#TooManyEntriesInBatchRequest', message: 'Maximum number of entries per request are 10.' });
        return;
      }
      const successful = [];
      const failed = [];
      for (const entry of entries) {
        const refusal = refusals.find((r) => r.match(entry.MessageBody) && (r.left.get(entry.MessageBody) ?? r.times) > 0);
        if (refusal !== undefined) {
          refusal.left.set(entry.MessageBody, (refusal.left.get(entry.MessageBody) ?? refusal.times) - 1);
          failed.push({ Id: entry.Id, SenderFault: false, Code: 'InternalError', Message: 'Injected by the test.' });
          continue;
        }
        accepted.push(entry.MessageBody);
        successful.push({ Id: entry.Id, MessageId: randomUUID(), MD5OfMessageBody: createHash('md5').update(entry.MessageBody).digest('hex') });
      }
      answer(200, { Successful: successful, Failed: failed });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    queueUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/000000000000/token-refresh-worker`,
    accepted,
    batchSizes,
    refuse(match, times) {
      refusals.push({ match, left: new Map(), times });
    },
    close: () => closeServer(server),
  };
}

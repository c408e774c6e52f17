import { createHash, randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { listenOnLoopback } from './loopback-server.ts';

/** A message waiting in a queue, as Lambda's SQS trigger hands it over. */
export interface QueuedMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly sentTimestamp: number;
  /** How many times it has been handed to a consumer. */
  receiveCount: number;
}

/**
 * A loopback SQS speaking the AWS JSON 1.0 protocol subset the bundles use (SendMessage,
 * SendMessageBatch), with the real error shape for an unknown queue. Queues hold their messages
 * in memory; the consumer side is `take` and `putBack`, as Lambda's event source mapping uses them.
 */
export interface SqsEmulator {
  readonly endpoint: string;
  /** Removes up to `max` messages from the queue and counts the receive. */
  take(queueName: string, max: number): QueuedMessage[];
  /** Makes messages visible again (a consumer failed them), or moves them to another queue. */
  putBack(queueName: string, messages: readonly QueuedMessage[]): void;
  /** Messages in a queue, oldest first. */
  peek(queueName: string): readonly QueuedMessage[];
  /** Called after messages arrive in a queue. */
  onMessages(listener: (queueName: string) => void): void;
  close(): Promise<void>;
}

class QueueError extends Error {
  constructor(
    readonly type: string,
    readonly queryCode: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startSqsEmulator(queueNames: readonly string[]): Promise<SqsEmulator> {
  const queues = new Map(queueNames.map((name) => [name, [] as QueuedMessage[]]));
  const listeners: ((queueName: string) => void)[] = [];

  const queueOf = (queueUrl: unknown): [string, QueuedMessage[]] => {
    const name = new URL(typeof queueUrl === 'string' ? queueUrl : 'http://invalid/').pathname.split('/').filter(Boolean)[1] ?? '';
    const queue = queues.get(name);
    if (queue === undefined)
      throw new QueueError('com.amazonaws.sqs#QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.');
    return [name, queue];
  };
  const enqueue = (queue: QueuedMessage[], body: string): QueuedMessage => {
    const message = { messageId: randomUUID(), body, md5OfBody: createHash('md5').update(body).digest('hex'), sentTimestamp: Date.now(), receiveCount: 0 };
    queue.push(message);
    return message;
  };

  const operations: Record<string, (body: Record<string, unknown>) => Record<string, unknown>> = {
    SendMessage(body) {
      const [name, queue] = queueOf(body.QueueUrl);
      const message = enqueue(queue, typeof body.MessageBody === 'string' ? body.MessageBody : '');
      queueMicrotask(() => {
        listeners.forEach((l) => {
          l(name);
        });
      });
      return { MessageId: message.messageId, MD5OfMessageBody: message.md5OfBody };
    },
    SendMessageBatch(body) {
      const [name, queue] = queueOf(body.QueueUrl);
      const entries = (body.Entries ?? []) as { Id: string; MessageBody: string }[];
      const successful = entries.map((entry) => {
        const message = enqueue(queue, entry.MessageBody);
        return { Id: entry.Id, MessageId: message.messageId, MD5OfMessageBody: message.md5OfBody };
      });
      queueMicrotask(() => {
        listeners.forEach((l) => {
          l(name);
        });
      });
      return { Successful: successful, Failed: [] };
    },
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const target = String(request.headers['x-amz-target'] ?? '');
    try {
      const run = target.startsWith('AmazonSQS.') ? operations[target.slice('AmazonSQS.'.length)] : undefined;
      if (run === undefined)
        throw new QueueError(
          'com.amazonaws.sqs#UnsupportedOperation',
          'AWS.SimpleQueueService.UnsupportedOperation',
          `aws-local's SQS does not support ${target}.`,
        );
      send(response, 200, run(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>));
    } catch (error) {
      if (!(error instanceof QueueError)) throw error;
      send(response, 400, { __type: error.type, message: error.message }, { 'x-amzn-query-error': `${error.queryCode};Sender` });
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      send(response, 500, { __type: 'com.amazonaws.sqs#InternalError', message: 'The emulator failed.' });
    });
  });
  const { endpoint, close } = await listenOnLoopback(server);

  const named = (name: string): QueuedMessage[] => {
    const queue = queues.get(name);
    if (queue === undefined) throw new RangeError(`aws-local has no queue ${name}`);
    return queue;
  };
  return {
    endpoint,
    take(name, max) {
      const taken = named(name).splice(0, max);
      for (const message of taken) message.receiveCount += 1;
      return taken;
    },
    putBack(name, messages) {
      named(name).push(...messages);
      if (messages.length > 0)
        queueMicrotask(() => {
          listeners.forEach((l) => {
            l(name);
          });
        });
    },
    peek: (name) => [...named(name)],
    onMessages(listener) {
      listeners.push(listener);
    },
    close,
  };
}

function send(response: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  response.end(payload);
}

import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { listenOnLoopback } from './loopback-server.ts';

/** A message published to a topic. */
export interface PublishedMessage {
  readonly topicArn: string;
  readonly messageId: string;
  readonly subject: string | undefined;
  readonly message: string;
}

/**
 * A loopback SNS speaking the AWS query protocol subset the bundles use (Publish), with the real
 * XML answers and the NotFound error for an unknown topic. Published messages stay in memory.
 */
export interface SnsEmulator {
  readonly endpoint: string;
  readonly published: readonly PublishedMessage[];
  /** Called after each publish. */
  onPublish(listener: (message: PublishedMessage) => void): void;
  close(): Promise<void>;
}

const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';

export async function startSnsEmulator(topicArns: readonly string[]): Promise<SnsEmulator> {
  const topics = new Set(topicArns);
  const published: PublishedMessage[] = [];
  const listeners: ((message: PublishedMessage) => void)[] = [];

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const action = form.get('Action');
    const topicArn = form.get('TopicArn') ?? '';
    if (action !== 'Publish') {
      sendError(response, 400, 'InvalidAction', `aws-local's SNS does not support ${action ?? 'this request'}.`);
      return;
    }
    if (!topics.has(topicArn)) {
      sendError(response, 404, 'NotFound', 'Topic does not exist');
      return;
    }
    const message: PublishedMessage = { topicArn, messageId: randomUUID(), subject: form.get('Subject') ?? undefined, message: form.get('Message') ?? '' };
    published.push(message);
    for (const listener of listeners) listener(message);
    sendXml(
      response,
      200,
      `<PublishResponse xmlns="${XMLNS}"><PublishResult><MessageId>${message.messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
    );
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      sendError(response, 500, 'InternalError', 'The emulator failed.');
    });
  });
  const { endpoint, close } = await listenOnLoopback(server);
  return {
    endpoint,
    published,
    onPublish(listener) {
      listeners.push(listener);
    },
    close,
  };
}

function sendError(response: ServerResponse, status: number, code: string, message: string): void {
  sendXml(
    response,
    status,
    `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );
}

function sendXml(response: ServerResponse, status: number, xml: string): void {
  response.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(xml), 'x-amzn-requestid': randomUUID() });
  response.end(xml);
}

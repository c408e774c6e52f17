import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { QueueDoesNotExist, SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SnsEmulator, startSnsEmulator } from '../../infra/local/aws/sns-emulator.ts';
import { type SqsEmulator, startSqsEmulator } from '../../infra/local/aws/sqs-emulator.ts';
import { fakeCredentials, testRegion } from '../support/aws-test-credentials.ts';

// The real SDK clients against the emulators: what they send is the wire protocol, and what they parse is the emulators' answer.
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:alerts';

let sqs: SqsEmulator;
let sns: SnsEmulator;
let sqsClient: SQSClient;
let snsClient: SNSClient;
beforeAll(async () => {
  [sqs, sns] = await Promise.all([startSqsEmulator(['work']), startSnsEmulator([TOPIC])]);
  sqsClient = new SQSClient({ endpoint: sqs.endpoint, region: testRegion, credentials: fakeCredentials });
  snsClient = new SNSClient({ endpoint: sns.endpoint, region: testRegion, credentials: fakeCredentials });
});
afterAll(async () => {
  sqsClient.destroy();
  snsClient.destroy();
  await Promise.all([sqs.close(), sns.close()]);
});

const queueUrl = (name: string) => `${sqs.endpoint}/123456789012/${name}`;

describe('the SQS emulator (JSON 1.0 protocol)', () => {
  it("takes a batch from the SDK, which checks each body's MD5, and hands the messages to a consumer in order", async () => {
    const sent = await sqsClient.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl('work'),
        Entries: [
          { Id: '1', MessageBody: 'a' },
          { Id: '2', MessageBody: 'b' },
        ],
      }),
    );
    expect(sent.Successful?.map((s) => s.Id)).toEqual(['1', '2']);
    const taken = sqs.take('work', 10);
    expect(taken.map((m) => [m.body, m.receiveCount])).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
    expect(sqs.peek('work')).toEqual([]);
  });

  it('answers an unknown queue with the error the SDK names QueueDoesNotExist', async () => {
    await expect(sqsClient.send(new SendMessageCommand({ QueueUrl: queueUrl('nope'), MessageBody: 'x' }))).rejects.toBeInstanceOf(QueueDoesNotExist);
  });

  it('tells its listener which queue received messages, and gives back what a consumer puts back', async () => {
    const heard: string[] = [];
    sqs.onMessages((name) => heard.push(name));
    await sqsClient.send(new SendMessageCommand({ QueueUrl: queueUrl('work'), MessageBody: 'c' }));
    await Promise.resolve();
    expect(heard).toEqual(['work']);
    sqs.putBack('work', sqs.take('work', 1));
    expect(sqs.peek('work').map((m) => [m.body, m.receiveCount])).toEqual([['c', 1]]);
  });
});

describe('the SNS emulator (query protocol)', () => {
  it('keeps a publish and answers the message id the SDK reads from its XML', async () => {
    const published = await snsClient.send(new PublishCommand({ TopicArn: TOPIC, Subject: 'Recovered', Message: 'ok' }));
    expect(sns.published.at(-1)).toEqual({ topicArn: TOPIC, messageId: published.MessageId, subject: 'Recovered', message: 'ok' });
  });

  it('answers an unknown topic with NotFound', async () => {
    await expect(snsClient.send(new PublishCommand({ TopicArn: `${TOPIC}-gone`, Message: 'x' }))).rejects.toMatchObject({ name: 'NotFoundException' });
  });
});

import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerSecret } from '../../lib/observe/redact.ts';
import { createSnsAlertSink, snsSubject } from '../../lib/observe/sns-alerts.ts';
import { fakeCredentials, testRegion } from '../support/aws-test-credentials.ts';
import { closeServer } from '../support/close-server.ts';

const topicArn = 'arn:aws:sns:us-east-1:123456789012:trustline-alerts';

/** A loopback SNS answering Publish in the AWS query protocol, keeping each request's form fields. */
const published: URLSearchParams[] = [];
const server = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString()));
  request.on('end', () => {
    published.push(new URLSearchParams(body));
    response.writeHead(200, { 'content-type': 'text/xml' });
    response.end(
      '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult>' +
        `<MessageId>${randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId>` +
        '</ResponseMetadata></PublishResponse>',
    );
  });
});
let sink: ReturnType<typeof createSnsAlertSink>;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sink = createSnsAlertSink({ client: new SNSClient({ endpoint, region: testRegion, credentials: fakeCredentials }), topicArn });
});
afterAll(() => closeServer(server));

describe('SNS alert sink', () => {
  it('publishes subject, message and the severity and key attributes to the topic', async () => {
    await sink.publish({ key: 'endpoint:e1', severity: 'critical', subject: 'Certificate of mail.example.com expired', message: 'It expired yesterday.' });
    const form = published.at(-1)!;
    expect(form.get('Action')).toBe('Publish');
    expect(form.get('TopicArn')).toBe(topicArn);
    expect(form.get('Subject')).toBe('Certificate of mail.example.com expired');
    expect(form.get('Message')).toContain('It expired yesterday.');
    const attributes = new Map<string, string | null>();
    for (const n of [1, 2]) {
      attributes.set(form.get(`MessageAttributes.entry.${n}.Name`) ?? '', form.get(`MessageAttributes.entry.${n}.Value.StringValue`));
    }
    expect(Object.fromEntries(attributes)).toEqual({ severity: 'critical', key: 'endpoint:e1' });
  });

  it('keeps registered secrets out of the subject, message and details', async () => {
    const secret = `refresh-${randomUUID()}`;
    registerSecret(secret);
    await sink.publish({
      key: 'integration:gmail',
      severity: 'warning',
      subject: `Refresh failed for ${secret}`,
      message: `The token ${secret} was refused.`,
      details: { response: `invalid_grant for ${secret}`, accessToken: 'short' },
    });
    const form = published.at(-1)!;
    expect(`${form.get('Subject')} ${form.get('Message')}`).not.toContain(secret);
    expect(form.get('Message')).not.toContain('short');
  });
});

describe('SNS subject', () => {
  it('cuts a subject to SNS limit of 100 characters', () => {
    const subject = snsSubject(`Certificate expiring: ${'a'.repeat(200)}`);
    expect(subject).toHaveLength(100);
    expect(subject.endsWith('...')).toBe(true);
  });

  it('makes a subject one line of printable ASCII', () => {
    expect(snsSubject('Zertifikat läuft ab\nfür  mail.example.com 🔒')).toBe('Zertifikat lauft ab fur mail.example.com ?');
  });

  it('leaves a short ASCII subject unchanged', () => {
    expect(snsSubject('Token refresh failing for Gmail')).toBe('Token refresh failing for Gmail');
  });
});

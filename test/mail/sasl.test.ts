import { describe, expect, it } from 'vitest';
import { oauthbearer, xoauth2 } from '../../lib/mail/sasl.ts';

describe('SASL initial responses', () => {
  it("encodes XOAUTH2 exactly like Google's documented example", () => {
    // developers.google.com/gmail/imap/xoauth2-protocol
    expect(xoauth2('someuser@example.com', 'ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg')).toBe(
      'dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ==',
    );
  });

  it('encodes OAUTHBEARER as in RFC 7628 section 4.1', () => {
    const decoded = Buffer.from(oauthbearer('user@example.com', 'server.example.com', 143, 'vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg=='), 'base64').toString();
    expect(decoded).toBe('n,a=user@example.com,\x01host=server.example.com\x01port=143\x01auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01');
  });

  it('escapes , and = in the OAUTHBEARER authorization identity (RFC 5801)', () => {
    const decoded = Buffer.from(oauthbearer('a,b=c', 'h', 1, 't'), 'base64').toString();
    expect(decoded.startsWith('n,a=a=2Cb=3Dc,\x01')).toBe(true);
  });
});

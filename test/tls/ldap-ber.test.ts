import { describe, expect, it } from 'vitest';
import { parseExtendedResponse, readTlv, startTlsRequest } from '../../lib/tls/starttls-ldap.ts';

describe('LDAP StartTLS encoding', () => {
  it('encodes the request exactly as openssl s_client sends it', () => {
    const expected = Buffer.concat([Buffer.from('301d02010177188016', 'hex'), Buffer.from('1.3.6.1.4.1.1466.20037', 'latin1')]);
    expect(startTlsRequest()).toEqual(expected);
  });

  it('reads resultCode 0 from the minimal success response', () => {
    expect(parseExtendedResponse(Buffer.from('300c02010178070a010004000400', 'hex'))).toEqual({ resultCode: 0, diagnostic: '' });
  });

  it('asks for more bytes while a message is incomplete', () => {
    expect(readTlv(Buffer.from('300c020101', 'hex'), 0)).toBeUndefined();
  });

  it('reads long-form lengths', () => {
    const value = Buffer.alloc(300, 0x41);
    const tlv = readTlv(Buffer.concat([Buffer.from([0x04, 0x82, 0x01, 0x2c]), value]), 0);
    expect(tlv).toEqual({ tag: 0x04, start: 4, end: 304 });
  });

  it('refuses a message that is not an ExtendedResponse', () => {
    expect(() => parseExtendedResponse(Buffer.from('300c02010161070a010004000400', 'hex'))).toThrow(/not an ExtendedResponse/);
  });
});

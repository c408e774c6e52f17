/**
 * SASL initial responses for OAuth 2.0 bearer tokens, base64-encoded as sent on the wire.
 * Both carry the token: never log them.
 */

/** Google/Microsoft XOAUTH2: `user=U^Aauth=Bearer T^A^A`. */
export function xoauth2(user: string, accessToken: string): string {
  return Buffer.from(`user=${user}\x01auth=Bearer ${accessToken}\x01\x01`, 'utf8').toString('base64');
}

/** RFC 7628 OAUTHBEARER: GS2 header `n,a=U,` then host, port and the bearer token. */
export function oauthbearer(user: string, host: string, port: number, accessToken: string): string {
  // RFC 5801: ',' and '=' in the authzid are escaped as =2C and =3D.
  const authzid = user.replaceAll('=', '=3D').replaceAll(',', '=2C');
  return Buffer.from(`n,a=${authzid},\x01host=${host}\x01port=${port}\x01auth=Bearer ${accessToken}\x01\x01`, 'utf8').toString('base64');
}

/** The server's failure challenge (base64 JSON such as `{"status":"401","schemes":"bearer"}`), decoded when it is one. */
export function decodeFailureChallenge(challenge: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(challenge.trim(), 'base64').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

import { createHash } from 'node:crypto';

/**
 * The redirect key: a digest of the authorization and token endpoints, so that (as in Jira)
 * changing an endpoint changes the redirect URL while name, description or scopes do not.
 * URLs are normalized first, so `HTTPS://Host/a` and `https://host/a` give the same key.
 *
 * @example redirectKey('https://accounts.google.com/o/oauth2/v2/auth', 'https://oauth2.googleapis.com/token')
 */
export function redirectKey(authorizationEndpoint: string, tokenEndpoint: string): string {
  const material = `${new URL(authorizationEndpoint).href}\n${new URL(tokenEndpoint).href}`;
  return createHash('sha256').update(material).digest('base64url').slice(0, 22);
}

/** The exact redirect URL registered at the provider: `${publicUrl}/oauth/callback/{key}`. */
export function redirectUrl(publicUrl: string, key: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/oauth/callback/${key}`;
}

/** Redirect keys are base64url; anything else in the callback path is not one of ours. */
export function isRedirectKey(value: string): boolean {
  return /^[A-Za-z0-9_-]{22}$/.test(value);
}

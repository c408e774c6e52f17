import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import forge from 'node-forge';
import { TRUSTSTORE_PASSWORD } from '../../lib/tls/index.ts';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { bearerUpstream, type ConsoleServer, startConsoleServer } from '../../lib/console/index.ts';
import { qsh } from '../../lib/jwt/index.ts';
import { type Harness, startHarness } from '../oauth/fixtures/harness.ts';
import { chain, selfSigned } from '../support/tls/pki.ts';
import { httpsServer, type Running } from '../support/tls/servers.ts';
import { chromiumBinary, inPage, launchChromium, loopbackContext, screenshot, seriousViolations } from './fixtures/chromium.ts';
import { type Dovecot, dovecotBinary, startDovecot } from './fixtures/dovecot.ts';

describe('the system tier without Chromium', () => {
  it('fails loudly and names `npm run setup:system` instead of skipping', () => {
    expect(() => chromiumBinary('/nonexistent/chromium')).toThrow(/not installed.*npm run setup:system/);
  });
});

/**
 * The console in Debian's Chromium, against the local runtime, the loopback oidc-provider (its own
 * login and consent pages), a real Dovecot and a self-signed HTTPS server: seed 001's flow end to
 * end, a certificate explained and fixed, the JWT debugger on the Apache case, axe-core on every page.
 */
describe('the console in a real browser', () => {
  let h: Harness;
  let dovecot: Dovecot;
  let selfSignedServer: Running;
  let directoryServer: Running;
  let dovecotRootPem: string;
  let consoleServer: ConsoleServer;
  let browser: Browser;
  let context: BrowserContext;
  let blocked: string[];
  let page: Page;

  beforeAll(async () => {
    chromiumBinary();
    dovecotBinary();
    h = await startHarness({ realPages: true });
    const pki = await chain();
    dovecotRootPem = pki.root.pem;
    const introspection = new URL(h.as.introspectionEndpoint);
    introspection.username = h.as.introspector.clientId;
    introspection.password = h.as.introspector.clientSecret;
    dovecot = await startDovecot({
      introspectionUrl: introspection.href,
      mechanisms: ['xoauth2'],
      certificatePem: pki.leaf.pem + pki.intermediate.pem,
      keyPem: pki.leaf.keyPem,
    });
    const lonely = await selfSigned({ cn: 'legacy.example.test', ips: ['127.0.0.1'], notAfterDays: 40 });
    selfSignedServer = await httpsServer(lonely.keyPem, lonely.pem);
    const directory = await selfSigned({ cn: 'directory.example.test', ips: ['127.0.0.1'] });
    directoryServer = await httpsServer(directory.keyPem, directory.pem);
    consoleServer = await startConsoleServer({ upstream: bearerUpstream(h.runtime.url, h.deps.config.adminToken ?? '') });
    browser = await launchChromium();
    ({ context, blocked } = await loopbackContext(browser));
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: consoleServer.url });
    page = await context.newPage();
  });

  afterAll(async () => {
    const started = [
      browser as Browser | undefined,
      consoleServer as ConsoleServer | undefined,
      selfSignedServer as Running | undefined,
      directoryServer as Running | undefined,
      dovecot as Dovecot | undefined,
      h as Harness | undefined,
    ];
    for (const peer of started) await peer?.close();
  });

  /** axe-core on the page as it is; with a name, also the screenshot for the README. */
  async function audit(name?: string, from?: string): Promise<void> {
    expect(await seriousViolations(page)).toEqual([]);
    if (name !== undefined) await screenshot(page, name, from);
  }

  it('shows only how to sign in without a session; the one-time URL signs in once', async () => {
    await page.goto(consoleServer.url);
    await expect(page.getByText('You are not signed in.').isVisible()).resolves.toBe(true);
    expect(await page.getByRole('navigation').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);

    const signIn = consoleServer.signInUrl();
    await page.goto(signIn);
    await page.getByRole('heading', { name: 'Integrations', level: 1 }).waitFor();
    for (const name of ['Integrations', 'Certificates', 'Truststore', 'JWT']) expect(await page.getByRole('link', { name, exact: true }).count()).toBe(1);

    const other = await context.browser()?.newContext();
    const second = await other?.newPage();
    const again = await second?.goto(signIn);
    expect(again?.status()).toBe(403);
    expect(await second?.getByText('already used or has expired').isVisible()).toBe(true);
    await other?.close();
  });

  it('is reachable from the keyboard: Tab reaches the skip link, then the navigation', async () => {
    await page.goto(`${consoleServer.url}/#/integrations`);
    await page.getByRole('heading', { name: 'Integrations', level: 1 }).waitFor();
    await page.keyboard.press('Tab');
    expect(await inPage(page, 'document.activeElement?.textContent')).toBe('Skip to content');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await inPage(page, 'document.activeElement?.textContent')).toBe('Certificates');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Certificates', level: 1 }).waitFor();
  });

  it('Truststore: a pasted PEM shows its details before it is added; Export PEM downloads it', async () => {
    await page.getByRole('link', { name: 'Truststore' }).click();
    await page.getByRole('button', { name: 'Add certificate' }).click();
    await page.getByLabel('PEM certificate').fill(dovecotRootPem);
    await page.getByLabel('Alias').fill('dovecot-test-root');
    await page.getByRole('button', { name: 'Show details' }).click();
    await page.getByRole('region', { name: 'Certificate details' }).getByText('CN=Trustline Test Root').first().waitFor();
    expect(await h.deps.trustStore.list()).toEqual([]);
    await page.getByRole('button', { name: 'Add to truststore' }).click();
    await page.getByRole('heading', { name: 'dovecot-test-root' }).waitFor();
    expect((await h.deps.trustStore.list()).map((entry) => entry.alias)).toEqual(['dovecot-test-root']);

    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Export PEM' }).click();
    const file = await (await download).path();
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(file, 'utf8')).toContain(dovecotRootPem.trim());

    const p12Download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Export PKCS#12' }).click();
    const p12 = forge.asn1.fromDer(forge.util.createBuffer((await readFile(await (await p12Download).path())).toString('binary')));
    const bags = forge.pkcs12.pkcs12FromAsn1(p12, TRUSTSTORE_PASSWORD).getBags({ bagType: forge.pki.oids.certBag ?? '' });
    // forge reads no ECDSA certificates, so the entry is recognised by its alias (the bag's friendly name).
    expect(
      Object.values(bags)
        .flat()
        .map((bag) => (bag?.attributes as { friendlyName?: unknown } | undefined)?.friendlyName),
    ).toEqual([['dovecot-test-root']]);
    await audit();
  });

  it('Truststore: the certificate a server needs is fetched from it and shown before it is added', async () => {
    await page.getByRole('button', { name: 'Add certificate' }).click();
    await page.getByRole('radio', { name: 'Fetch from a server' }).check();
    await page.getByLabel('Server host').fill('127.0.0.1');
    await page.getByLabel('Server port').fill(String(directoryServer.port));
    await page.getByRole('button', { name: 'Show details' }).click();
    const details = page.getByRole('region', { name: 'Certificate details' });
    await details.getByText('CN=directory.example.test').first().waitFor();
    expect(await details.textContent()).toContain('self-signed');
    expect((await h.deps.trustStore.list()).map((entry) => entry.subject)).not.toContain('CN=directory.example.test');
    await page.getByRole('button', { name: 'Add to truststore' }).click();
    const entry = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: /^trustline-directory\.example\.test-[0-9a-f]{8}$/ }) });
    await entry.getByRole('button', { name: /^Remove trustline-directory/ }).click();
    await entry.getByRole('button', { name: 'Remove for good' }).click();
    await expect.poll(async () => (await h.deps.trustStore.list()).map((entry) => entry.alias)).toEqual(['dovecot-test-root']);
  });

  it("Integrations: seed 001's flow — add, copy the redirect URL, authorize at the provider's pages, test the mail login", async () => {
    await page.getByRole('link', { name: 'Integrations' }).click();
    await page.getByRole('button', { name: 'Add integration' }).click();
    // A preset fills its endpoints read-only.
    await page.getByLabel('Provider').selectOption({ label: 'Google' });
    await expect.poll(() => page.getByLabel('Token endpoint').inputValue()).toBe('https://oauth2.googleapis.com/token');
    expect(await page.getByLabel('Token endpoint').getAttribute('readonly')).not.toBeNull();

    await page.getByLabel('Provider').selectOption({ label: 'Custom' });
    await page.getByLabel('Name', { exact: true }).fill('Support mailbox');
    await page.getByLabel('Description').fill('Jira incoming mail');
    await page.getByLabel('Client ID').fill(h.as.clientId);
    await page.getByLabel('Client secret').fill(h.as.clientSecret);
    await page.getByLabel('Scopes').fill('mail offline_access');
    await page.getByLabel('Authorization endpoint').fill(h.as.authorizationEndpoint);
    await page.getByLabel('Token endpoint').fill(h.as.tokenEndpoint);
    await page.getByLabel('Issuer').fill(h.as.issuer);
    await page.getByLabel('Mail protocol').selectOption({ label: 'IMAP' });
    await page.getByLabel('Mail host').fill('127.0.0.1');
    await page.getByLabel('Mail port').fill(String(dovecot.imapPort));
    await page.getByLabel('Security').selectOption({ label: 'STARTTLS' });
    await page.getByLabel('Mailbox').fill(h.as.account);
    await page.getByRole('button', { name: 'Save' }).click();

    const redirect = page.getByLabel('Redirect URL', { exact: true });
    await redirect.waitFor();
    const [created] = (await h.admin<{ integrations: { redirectUrl: string; status: string }[] }>('GET', '/admin/integrations')).body.integrations;
    expect(await redirect.inputValue()).toBe(created?.redirectUrl);
    const warnings = page.getByRole('list', { name: 'Redirect URL warnings' });
    // The API's own warning: the local runtime's redirect URLs are on a loopback address, which Google refuses.
    expect(await warnings.textContent()).toContain('a loopback IP address: Google refuses redirect URLs on private or loopback IP addresses');
    await page.getByRole('button', { name: 'Copy redirect URL' }).click();
    await page.getByText('Copied.').waitFor();
    expect(await inPage(page, 'navigator.clipboard.readText()')).toBe(created?.redirectUrl);

    const opened = context.waitForEvent('page');
    await page.getByRole('button', { name: 'Authorize' }).click();
    const provider = await opened;
    await provider.waitForURL(/\/interaction\//);
    await provider.locator('input[name=login]').fill(h.as.account);
    await provider.locator('input[name=password]').fill('any password');
    await provider.getByRole('button', { name: 'Sign-in' }).click();
    await provider.getByRole('button', { name: 'Continue' }).click();
    await provider.waitForURL(`${h.publicUrl}/oauth/callback/**`);
    await provider.close();
    // No reload: the page polls until the callback has completed.
    await page.getByRole('status').filter({ hasText: 'Test connection proves the mail login' }).waitFor();
    expect(await page.locator('section[aria-labelledby=integration-title] .badge').first().textContent()).toBe('Authorized');

    await page.getByRole('button', { name: 'Test connection' }).click();
    const report = page.getByRole('region', { name: 'Test connection: passed' });
    await report.waitFor({ timeout: 60_000 });
    expect(await report.textContent()).toContain('Token refresh: passed');
    expect(await report.textContent()).toContain(
      `Mail login: passed. Logged in to the IMAP server 127.0.0.1:${dovecot.imapPort} as ${h.as.account} with XOAUTH2 over STARTTLS`,
    );

    await page.getByRole('button', { name: 'Refresh now' }).click();
    await page.getByRole('button', { name: 'Refresh now' }).and(page.locator(':enabled')).waitFor();
    await audit('integrations');
  });

  it('Certificates: a self-signed server is explained with Java wording and fixed by adding its anchor to the truststore', async () => {
    await page.getByRole('link', { name: 'Certificates' }).click();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByLabel('Host').fill('127.0.0.1');
    await page.getByLabel('Port', { exact: true }).fill(String(selfSignedServer.port));
    await page.getByLabel('Protocol').selectOption('https');
    await page.getByLabel('Warn days').fill('60');
    await page.getByRole('button', { name: 'Save' }).click();
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: `127.0.0.1:${selfSignedServer.port}` }) });
    await card.getByRole('button', { name: 'Check now' }).click();
    const explanation = card.getByRole('region', { name: `Explanation for 127.0.0.1:${selfSignedServer.port}` });
    await explanation.waitFor();
    const text = await explanation.textContent();
    expect(text).toContain('Not trusted: self-signed');
    expect(text).toContain('PKIX path building failed');
    expect(text).toContain('keytool -importcert');
    expect(await page.getByRole('img', { name: 'Days to the earliest certificate expiry' }).count()).toBe(1);
    await audit('certificates');

    await explanation.getByRole('button', { name: 'Add to truststore' }).click();
    await explanation.getByText('Added to the truststore as').waitFor();
    await card.getByRole('button', { name: 'Check now' }).click();
    await card.getByRole('region').filter({ hasText: 'Trusted: expiring' }).waitFor();
    expect(await card.locator('.badge').first().textContent()).toBe('expiring');
    await audit();

    await page.getByRole('link', { name: 'Truststore' }).click();
    await page.getByRole('heading', { name: 'legacy.example.test' }).waitFor();
    await audit('truststore');
  });

  it('JWT: the Apache case — a qsh mismatch diagnosed as mod_proxy decoding the path, with nocanon as the fix', async () => {
    const secret = 'shared-secret-of-the-connect-app-0123456789';
    const signedFor = { method: 'GET', url: '/download/attachments/123/file%20name%2B%28v2%29.pdf' };
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ qsh: qsh(signedFor) })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer('jira:client-key-1')
      .setIssuedAt(now)
      .setExpirationTime(now + 180)
      .sign(new TextEncoder().encode(secret));
    await page.getByRole('link', { name: 'JWT' }).click();
    await page.getByLabel('Token').fill(token);
    await page.getByLabel('Method', { exact: true }).selectOption('GET');
    await page.getByLabel('URL', { exact: true }).fill('/download/attachments/123/file%20name+(v2).pdf');
    await page.getByLabel('Shared secret').fill(secret);
    await page.getByRole('button', { name: 'Validate' }).click();
    const result = page.getByRole('region', { name: 'Validation result' });
    await result.waitFor();
    const text = await result.textContent();
    expect(text).toContain('QSH_MISMATCH');
    expect(text).toContain('Issuer and signature: passed');
    expect(text).toContain('Query string hash (qsh): failed');
    expect(text).toContain(qsh(signedFor));
    expect(text).toContain('GET&/download/attachments/123/file%20name+(v2).pdf&');
    expect(text).toContain('apache-mod-proxy/decoded-path');
    expect(text).toContain('nocanon');
    // One proxy's fix per list item, so the Apache line reads on its own.
    await result.getByRole('listitem').filter({ hasText: 'Apache httpd: Add "nocanon"' }).waitFor();

    await page.getByLabel('URL for qsh').fill(signedFor.url);
    await page.getByRole('button', { name: 'Compute qsh' }).click();
    await page.getByLabel('qsh result').getByText(qsh(signedFor)).waitFor();
    await audit('jwt', '[aria-label="Validation result"]');
  });

  it('Integrations: edit changes a setting; delete asks first', async () => {
    await h.createCustom('Spare mailbox');
    await page.getByRole('link', { name: 'Integrations' }).click();
    await page.getByRole('button', { name: 'Spare mailbox' }).click();
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Description').fill('Kept for the service desk');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Kept for the service desk').waitFor();
    const spare = () =>
      h
        .admin<{ integrations: { name: string; description?: string }[] }>('GET', '/admin/integrations')
        .then((r) => r.body.integrations.find((i) => i.name === 'Spare mailbox'));
    expect((await spare())?.description).toBe('Kept for the service desk');

    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('alertdialog').getByText('Delete Spare mailbox?').waitFor();
    expect(await spare()).toBeDefined();
    await page.getByRole('button', { name: 'Delete for good' }).click();
    await page.getByRole('button', { name: 'Spare mailbox' }).waitFor({ state: 'detached' });
    expect(await spare()).toBeUndefined();
  });

  it('fits a phone in dark mode without sideways scrolling, and never left loopback', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark', isMobile: true });
    const small = await phone.newPage();
    await small.goto(consoleServer.signInUrl());
    await small.getByRole('heading', { name: 'Integrations', level: 1 }).waitFor();
    await small.getByRole('button', { name: 'Support mailbox' }).click();
    await small.getByLabel('Redirect URL', { exact: true }).waitFor();
    expect(await inPage(small, 'document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(await seriousViolations(small)).toEqual([]);
    await screenshot(small, 'integrations-phone-dark');
    await phone.close();
    // Only the provider's page (its web font) asked for anything beyond loopback.
    expect(blocked.filter((url) => !url.startsWith('https://fonts.googleapis.com/'))).toEqual([]);
  });
});

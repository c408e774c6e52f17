import { shellQuote } from '../shell-quote.ts';
import type { CallbackOutcome } from './callback.ts';

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** Escaped text in which `quoted` commands show as code, never as literal backticks. */
const prose = (text: string): string => escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');

/** The CLI command to run next, as the README runs it (from Trustline's directory). */
const command = (verb: string, name: string) => `npx trustline integrations ${verb} ${shellQuote(name)}`;

/** The small HTML page the browser lands on after the provider: what happened and what to do next, in plain sentences. */
export function renderCallbackPage(outcome: CallbackOutcome): { status: number; html: string } {
  if (outcome.ok) {
    const { integration, grantedScopes } = outcome;
    return {
      status: 200,
      html: page('Authorized', 'ok', [
        `<p>The integration <strong>${escapeHtml(integration.name)}</strong> is now authorized. Trustline stored its tokens and will keep them fresh.</p>`,
        grantedScopes.length === 0 ? '' : `<p>The provider granted these scopes: ${grantedScopes.map(escapeHtml).join(', ')}.</p>`,
        `<p>Next, check that the mailbox accepts the login: run <code>${escapeHtml(command('test', integration.name))}</code> in Trustline's directory. You can close this window.</p>`,
      ]),
    };
  }
  const { error, integration } = outcome;
  const again =
    integration === undefined
      ? "<p>To start again, run <code>npx trustline integrations authorize</code> with the integration's name in Trustline's directory, and open the link it prints.</p>"
      : `<p>To start again, run <code>${escapeHtml(command('authorize', integration.name))}</code> in Trustline's directory, and open the link it prints.</p>`;
  return {
    status: error.category === 'upstream' ? 502 : 400,
    html: page('Authorization failed', 'failed', [
      integration === undefined
        ? ''
        : `<p>The sign-in for the integration <strong>${escapeHtml(integration.name)}</strong> did not complete. Nothing was stored, and the integration's last error now says why.</p>`,
      `<p>${prose(error.message)}</p>`,
      error.fix === undefined ? '' : `<p>What to do: ${prose(error.fix)}</p>`,
      again,
      `<p class="code">Error code: ${escapeHtml(error.code)}</p>`,
    ]),
  };
}

function page(title: string, tone: 'ok' | 'failed', body: readonly string[]): string {
  const color = tone === 'ok' ? '#1a7f37' : '#cf222e';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Trustline: ${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5}h1{color:${color};font-size:1.4rem}code{background:#f6f8fa;padding:.1rem .3rem}.code{color:#57606a}</style>
</head><body><h1>${escapeHtml(title)}</h1>
${body.filter(Boolean).join('\n')}
</body></html>
`;
}

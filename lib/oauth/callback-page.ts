import type { CallbackOutcome } from './callback.ts';

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** The small HTML page the browser lands on after the provider: what happened and what to do next. */
export function renderCallbackPage(outcome: CallbackOutcome): { status: number; html: string } {
  if (outcome.ok) {
    const { integration, grantedScopes } = outcome;
    return {
      status: 200,
      html: page('Authorized', 'ok', [
        `<p>The integration <strong>${escapeHtml(integration.name)}</strong> is now authorized. Trustline stored its tokens and will keep them fresh.</p>`,
        grantedScopes.length === 0 ? '' : `<p>Granted scopes: <code>${grantedScopes.map(escapeHtml).join(' ')}</code></p>`,
        `<p>Next: run <code>trustline integrations test ${escapeHtml(integration.id)}</code> to check the mail login. You can close this window.</p>`,
      ]),
    };
  }
  const { error, integration } = outcome;
  return {
    status: error.kind === 'provider' ? 502 : 400,
    html: page('Authorization failed', 'failed', [
      integration === undefined ? '' : `<p>Integration: <strong>${escapeHtml(integration.name)}</strong>. Nothing was stored; its last error now says why.</p>`,
      `<p>${escapeHtml(error.message)}</p>`,
      error.fix === undefined ? '' : `<p><strong>What to do:</strong> ${escapeHtml(error.fix)}</p>`,
      `<p class="code">Error code: <code>${escapeHtml(error.code)}</code></p>`,
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

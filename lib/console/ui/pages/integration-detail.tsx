import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { ConfirmDialog, CopyButton, ErrorNote, useAction, when } from '../components.tsx';
import type { Integration, RedirectWarning, TestReport } from '../types.ts';
import { nextStep, statusBadge } from './integration-status.tsx';

/** How often the page asks whether the sign-in in the other tab has completed. */
const POLL_MS = 1500;
/** The provider's sign-in state lives 10 minutes; after that polling has no point. */
const POLL_FOR_MS = 10 * 60 * 1000;

const STEP_NAMES: Record<string, string> = { token: 'Token refresh', tls: 'TLS', 'mail-login': 'Mail login' };

/** One integration: redirect URL and its warnings, Authorize (status follows by polling), Test connection, Refresh now, edit, delete. */
export function IntegrationDetail({
  integration,
  onChange,
  onEdit,
  onDeleted,
}: {
  integration: Integration;
  onChange: (updated: Integration) => void;
  onEdit: () => void;
  onDeleted: () => void;
}) {
  const action = useAction();
  const [report, setReport] = useState<TestReport>();
  const [signInUrl, setSignInUrl] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const [waiting, setWaiting] = useState(false);
  const statusAtStart = useRef(integration.authorizedAt);
  const [warnings, setWarnings] = useState<readonly RedirectWarning[]>([]);

  // The API judges the redirect base (it knows TRUSTLINE_PUBLIC_URL and the port); the list does not carry that.
  useEffect(() => {
    api<{ warnings?: RedirectWarning[] }>('GET', `/admin/integrations/${integration.id}`).then(
      (document) => {
        setWarnings(document.warnings ?? []);
      },
      () => {
        setWarnings([]);
      },
    );
  }, [integration.id]);

  useEffect(() => {
    if (!waiting) return undefined;
    const started = Date.now();
    const timer = setInterval(() => {
      if (Date.now() - started > POLL_FOR_MS) {
        setWaiting(false);
        return;
      }
      api<Integration>('GET', `/admin/integrations/${integration.id}`).then(
        (fresh) => {
          if (fresh.status === 'authorized' && fresh.authorizedAt !== statusAtStart.current) {
            setWaiting(false);
            setSignInUrl(undefined);
          }
          onChange(fresh);
        },
        () => undefined,
      );
    }, POLL_MS);
    return () => {
      clearInterval(timer);
    };
  }, [waiting, integration.id]);

  const authorize = () => {
    // Opened now, while the click still counts as the user's: a window opened after the request would be blocked as a pop-up.
    const tab = window.open('about:blank', '_blank');
    void action.run(async () => {
      try {
        const { authorizationUrl } = await api<{ authorizationUrl: string }>('POST', `/admin/integrations/${integration.id}/authorize`);
        statusAtStart.current = integration.authorizedAt;
        setSignInUrl(authorizationUrl);
        setWaiting(true);
        if (tab !== null) {
          tab.opener = null;
          tab.location.href = authorizationUrl;
        }
      } catch (error) {
        tab?.close();
        throw error;
      }
    });
  };

  return (
    <section class="panel" aria-labelledby="integration-title">
      <div class="heading">
        <h2 id="integration-title">{integration.name}</h2>
        {statusBadge(integration.status)}
      </div>
      {integration.description === undefined ? null : <p>{integration.description}</p>}
      <p role="status" class="next">
        {waiting ? 'Waiting for the sign-in at the provider (in the other tab)…' : nextStep(integration)}
      </p>
      {integration.notice === undefined ? null : <p class="notice warn">{integration.notice}</p>}

      <div class="field">
        <label class="label" for="redirect-url">
          Redirect URL
        </label>
        <div class="inline">
          <input id="redirect-url" readOnly value={integration.redirectUrl} spellcheck={false} />
          <CopyButton text={integration.redirectUrl} label="Copy redirect URL" />
        </div>
        <span class="hint">Register exactly this URL at the provider (Google Cloud console, Microsoft Entra app registration, …).</span>
      </div>
      {warnings.length === 0 ? null : (
        <div class="notice warn">
          <ul aria-label="Redirect URL warnings">
            {warnings.map((warning) => (
              <li key={warning.code}>{warning.message}</li>
            ))}
          </ul>
        </div>
      )}

      <div class="actions">
        <button type="button" class={integration.status === 'authorized' ? undefined : 'primary'} disabled={action.busy} onClick={authorize}>
          Authorize
        </button>
        <button
          type="button"
          class={integration.status === 'authorized' ? 'primary' : undefined}
          disabled={action.busy}
          onClick={() =>
            void action.run(async () => {
              setReport(undefined);
              setReport(await api<TestReport>('POST', `/admin/integrations/${integration.id}/test`));
              onChange(await api<Integration>('GET', `/admin/integrations/${integration.id}`));
            })
          }
        >
          Test connection
        </button>
        <button
          type="button"
          disabled={action.busy}
          onClick={() =>
            void action.run(async () => {
              onChange(await api<Integration>('POST', `/admin/integrations/${integration.id}/refresh`));
            })
          }
        >
          Refresh now
        </button>
        <button type="button" onClick={onEdit}>
          Edit
        </button>
        <button
          type="button"
          class="danger"
          onClick={() => {
            setConfirming(true);
          }}
        >
          Delete
        </button>
      </div>
      {signInUrl === undefined ? null : (
        <p class="hint">
          No new tab?{' '}
          <a href={signInUrl} target="_blank" rel="noopener noreferrer">
            Open the provider's sign-in page
          </a>
          .
        </p>
      )}
      {confirming ? (
        <ConfirmDialog
          question={`Delete ${integration.name}? Its client secret and tokens are removed; mail that uses it stops.`}
          confirm="Delete for good"
          onConfirm={() =>
            void action.run(async () => {
              await api('DELETE', `/admin/integrations/${integration.id}`);
              onDeleted();
            })
          }
          onKeep={() => {
            setConfirming(false);
          }}
        />
      ) : null}
      <ErrorNote error={action.error} />
      {action.busy ? <p aria-live="polite">Working…</p> : null}

      {report === undefined ? null : (
        <section aria-labelledby="test-title">
          <h3 id="test-title">Test connection: {report.ok ? 'passed' : 'failed'}</h3>
          <ol class="steps">
            {report.steps.map((step) => (
              <li key={step.name} class={step.ok ? 'ok' : 'failed'}>
                <strong>
                  {STEP_NAMES[step.name] ?? step.name}: {step.ok ? 'passed' : 'failed'}.
                </strong>{' '}
                {step.message}
                {step.fix === undefined ? null : <span class="hint"> What to do: {step.fix}</span>}
              </li>
            ))}
          </ol>
        </section>
      )}

      <section aria-labelledby="history-title">
        <h3 id="history-title">Refresh history</h3>
        <dl class="facts">
          <dt>Status</dt>
          <dd>{statusBadge(integration.status)}</dd>
          <dt>Authorized</dt>
          <dd>{when(integration.authorizedAt)}</dd>
          <dt>Last refresh</dt>
          <dd>{when(integration.lastRefreshAt)}</dd>
          <dt>Access token expires</dt>
          <dd>{when(integration.accessTokenExpiresAt)}</dd>
          <dt>Last error</dt>
          <dd>
            {integration.lastError === undefined
              ? 'None'
              : `${integration.lastError.message} (${integration.lastError.code}, ${when(integration.lastError.at)})`}
          </dd>
          {(integration.refreshFailures ?? 0) > 0 ? (
            <>
              <dt>Failed refreshes in a row</dt>
              <dd>{integration.refreshFailures}</dd>
            </>
          ) : null}
          <dt>Next attempt</dt>
          <dd>
            {integration.nextRefreshAttemptAt === undefined
              ? integration.status === 'authorized'
                ? 'Before the access token expires'
                : '—'
              : when(integration.nextRefreshAttemptAt)}
          </dd>
        </dl>
        <details>
          <summary>Settings</summary>
          <dl class="facts">
            <dt>Client ID</dt>
            <dd>{integration.clientId}</dd>
            <dt>Client secret</dt>
            <dd>{integration.clientSecretSet ? 'Set (write-only)' : 'Not set'}</dd>
            <dt>Scopes</dt>
            <dd>{integration.scopes.join(' ')}</dd>
            <dt>Authorization endpoint</dt>
            <dd>{integration.authorizationEndpoint}</dd>
            <dt>Token endpoint</dt>
            <dd>{integration.tokenEndpoint}</dd>
            <dt>Issuer</dt>
            <dd>{integration.issuer}</dd>
            {integration.tenant === undefined ? null : (
              <>
                <dt>Tenant</dt>
                <dd>{integration.tenant}</dd>
              </>
            )}
            <dt>Mail server</dt>
            <dd>
              {integration.mailServer === undefined
                ? 'None'
                : `${integration.mailServer.protocol.toUpperCase()} ${integration.mailServer.host}:${integration.mailServer.port} (${integration.mailServer.security}) as ${integration.mailServer.username}`}
            </dd>
          </dl>
        </details>
      </section>
    </section>
  );
}

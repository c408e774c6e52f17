import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { Badge, ErrorNote, Field, useAction, useFormValues } from '../components.tsx';
import type { JwtDebug } from '../types.ts';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** JWT: the Connect debugger and a qsh calculator. What is typed goes only to the console's own server and is kept nowhere. */
export function JwtPage() {
  return (
    <>
      <h1>JWT</h1>
      <p class="lead">
        Why does Trustline (or your app) refuse an Atlassian Connect token? Paste it with the request it came with. Nothing typed here is stored or logged.
      </p>
      <Debugger />
      <QshCalculator />
    </>
  );
}

function Debugger() {
  const { values, set } = useFormValues({ token: '', method: 'GET', url: '', secret: '', baseUrl: '' });
  const [result, setResult] = useState<JwtDebug>();
  const action = useAction();
  return (
    <form
      class="panel form"
      aria-labelledby="debugger-title"
      autoComplete="off"
      onSubmit={(event) => {
        event.preventDefault();
        void action.run(async () => {
          setResult(undefined);
          setResult(await api<JwtDebug>('POST', '/jwt/debug', { ...values, ...(values.baseUrl === '' ? { baseUrl: undefined } : {}) }));
        });
      }}
    >
      <h2 id="debugger-title">Debugger</h2>
      <Field label="Token">
        <textarea rows={4} value={values.token} onInput={set('token')} required spellcheck={false} />
      </Field>
      <div class="grid">
        <Field label="Method">
          <select value={values.method} onChange={set('method')}>
            {METHODS.map((method) => (
              <option key={method}>{method}</option>
            ))}
          </select>
        </Field>
        <Field label="URL" hint="The path and query as they reached the app, e.g. /download/attachments/1/a%20b.pdf?x=1">
          <input value={values.url} onInput={set('url')} required spellcheck={false} />
        </Field>
        <Field label="Shared secret" hint="From the app's installation. Empty: Trustline looks up the installed app named by the token's iss.">
          <input type="password" value={values.secret} onInput={set('secret')} autoComplete="off" />
        </Field>
        <Field label="App base URL" hint="Optional: its path is removed before hashing.">
          <input value={values.baseUrl} onInput={set('baseUrl')} spellcheck={false} />
        </Field>
      </div>
      <ErrorNote error={action.error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={action.busy}>
          Validate
        </button>
      </div>
      {result === undefined ? null : <Result result={result} />}
    </form>
  );
}

function Result({ result }: { result: JwtDebug }) {
  const json = (value: unknown) => JSON.stringify(value, null, 2);
  return (
    <section aria-label="Validation result" class="explain" role="region">
      <h3>
        {result.valid ? <Badge tone="good">Valid</Badge> : <Badge tone="bad">Invalid</Badge>} {result.error?.code ?? 'every check passed'}
      </h3>
      {result.error === undefined || result.checks.some((check) => check.state === 'failed') ? null : <p>{result.error.message}</p>}
      <h4>Checks</h4>
      <ol class="steps">
        {result.checks.map((check) => (
          <li key={check.name} class={check.state === 'passed' ? 'ok' : check.state === 'failed' ? 'failed' : 'skipped'}>
            <strong>
              {check.name}: {check.state === 'not-checked' ? 'not checked' : check.state}.
            </strong>{' '}
            {check.message ?? ''}
          </li>
        ))}
      </ol>
      <h4>qsh</h4>
      <dl class="facts">
        <dt>Claimed (in the token)</dt>
        <dd class="mono">{result.qsh.claimed ?? '—'}</dd>
        <dt>Computed (for this request)</dt>
        <dd class="mono">{result.qsh.computed ?? '—'}</dd>
        <dt>Canonical request</dt>
        <dd class="mono">{result.qsh.canonicalRequest ?? '—'}</dd>
      </dl>
      {result.diagnosis === undefined ? null : (
        <div class="notice warn">
          <h4>Diagnosis</h4>
          <p>{result.diagnosis.explanation}</p>
          <FixLines fix={result.diagnosis.fix} />
          <p class="hint">Transformation: {result.diagnosis.matchedTransformation}</p>
        </div>
      )}
      {result.diagnosis === undefined && result.fix !== undefined ? <FixLines fix={result.fix} /> : null}
      <div class="grid">
        <div>
          <h4>Header</h4>
          <pre>{json(result.header ?? {})}</pre>
        </div>
        <div>
          <h4>Claims</h4>
          <pre>{json(result.payload ?? {})}</pre>
        </div>
      </div>
    </section>
  );
}

/** A diagnosis fix: one proxy's fix per line, shown as a list when there are several. */
function FixLines({ fix }: { fix: string }) {
  const lines = fix.split('\n');
  if (lines.length === 1)
    return (
      <p>
        <strong>Fix:</strong> {fix}
      </p>
    );
  return (
    <div>
      <strong>Fix:</strong>
      <ul class="fixes">
        {lines.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </div>
  );
}

function QshCalculator() {
  const [values, setValues] = useState({ method: 'GET', url: '' });
  const [result, setResult] = useState<{ canonicalRequest: string; qsh: string }>();
  const action = useAction();
  return (
    <form
      class="panel form"
      aria-labelledby="qsh-title"
      onSubmit={(event) => {
        event.preventDefault();
        void action.run(async () => {
          setResult(await api('POST', '/jwt/qsh', values));
        });
      }}
    >
      <h2 id="qsh-title">qsh calculator</h2>
      <div class="grid">
        <Field label="Method for qsh">
          <select
            value={values.method}
            onChange={(event) => {
              setValues({ ...values, method: event.currentTarget.value });
            }}
          >
            {METHODS.map((method) => (
              <option key={method}>{method}</option>
            ))}
          </select>
        </Field>
        <Field label="URL for qsh">
          <input
            value={values.url}
            onInput={(event) => {
              setValues({ ...values, url: event.currentTarget.value });
            }}
            required
            spellcheck={false}
          />
        </Field>
      </div>
      <ErrorNote error={action.error} />
      <div class="actions">
        <button type="submit">Compute qsh</button>
      </div>
      {result === undefined ? null : (
        <dl class="facts" aria-label="qsh result">
          <dt>Canonical request</dt>
          <dd class="mono">{result.canonicalRequest}</dd>
          <dt>qsh</dt>
          <dd class="mono">{result.qsh}</dd>
        </dl>
      )}
    </form>
  );
}

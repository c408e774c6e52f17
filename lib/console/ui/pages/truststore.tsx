import { useCallback, useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { ErrorNote, Field, useAction, when } from '../components.tsx';
import type { CertPreview, TrustEntry } from '../types.ts';

/** Truststore: the certificates every outbound connection of Trustline trusts; add by PEM (details first), remove, export. */
export function TruststorePage() {
  const [entries, setEntries] = useState<readonly TrustEntry[]>();
  const [adding, setAdding] = useState(false);
  const load = useAction();
  const reload = useCallback(
    () =>
      load.run(async () => {
        setEntries((await api<{ entries: TrustEntry[] }>('GET', '/admin/trust')).entries);
      }),
    [],
  );
  useEffect(() => {
    void reload();
  }, [reload]);
  return (
    <>
      <div class="heading">
        <h1>Truststore</h1>
        {adding ? null : (
          <button type="button" class="primary" onClick={() => { setAdding(true); }}>
            Add certificate
          </button>
        )}
      </div>
      <p class="lead">Certificates Trustline trusts besides the public roots, with Java's semantics: every entry is an anchor. Exported, it is the truststore a JVM needs.</p>
      {adding ? (
        <AddCertificate
          onDone={() => {
            setAdding(false);
            void reload();
          }}
        />
      ) : null}
      <ErrorNote error={load.error} />
      <div class="actions">
        <a class="button" href="/api/trust/export?format=pem" download="truststore.pem">
          Export PEM
        </a>
        <a class="button" href="/api/trust/export?format=pkcs12" download="truststore.p12">
          Export PKCS#12
        </a>
      </div>
      {entries === undefined ? (
        <p aria-busy="true">Loading…</p>
      ) : entries.length === 0 ? (
        <p class="empty">The truststore is empty: only the public roots are trusted.</p>
      ) : (
        <ul class="cards">
          {entries.map((entry) => (
            <Entry key={entry.fingerprintSha256} entry={entry} onRemoved={() => void reload()} />
          ))}
        </ul>
      )}
    </>
  );
}

function Entry({ entry, onRemoved }: { entry: TrustEntry; onRemoved: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const remove = useAction();
  return (
    <li class="panel card">
      <h2>{entry.alias}</h2>
      <dl class="facts">
        <dt>Subject</dt>
        <dd>{entry.subject}</dd>
        <dt>Issuer</dt>
        <dd>{entry.issuer}</dd>
        <dt>Expires</dt>
        <dd>{when(entry.notAfter)}</dd>
        <dt>SHA-256</dt>
        <dd class="mono">{entry.fingerprintSha256}</dd>
      </dl>
      {confirming ? (
        <div class="notice error" role="alertdialog" aria-label={`Remove ${entry.alias}?`}>
          <p>Remove {entry.alias}? Servers whose chain ends here will no longer be trusted.</p>
          <div class="actions">
            <button type="button" class="danger" onClick={() => void remove.run(async () => { await api('DELETE', `/admin/trust/${entry.fingerprintSha256}`); onRemoved(); })}>
              Remove for good
            </button>
            <button type="button" onClick={() => { setConfirming(false); }}>
              Keep it
            </button>
          </div>
        </div>
      ) : (
        <div class="actions">
          <button type="button" class="danger" aria-label={`Remove ${entry.alias}`} onClick={() => { setConfirming(true); }}>
            Remove
          </button>
        </div>
      )}
      <ErrorNote error={remove.error} />
    </li>
  );
}

/** Paste, see what it is, then add: nothing is trusted before its details were shown. */
function AddCertificate({ onDone }: { onDone: () => void }) {
  const [pem, setPem] = useState('');
  const [alias, setAlias] = useState('');
  const [preview, setPreview] = useState<readonly CertPreview[]>();
  const action = useAction();
  return (
    <form
      class="panel form"
      aria-labelledby="add-cert-title"
      onSubmit={(event) => {
        event.preventDefault();
        void action.run(async () => {
          if (preview === undefined) {
            setPreview((await api<{ certificates: CertPreview[] }>('POST', '/trust/preview', { pem })).certificates);
            return;
          }
          await api('POST', '/admin/trust', { pem, ...(alias.trim() === '' ? {} : { alias: alias.trim() }) });
          onDone();
        });
      }}
    >
      <h2 id="add-cert-title">Add certificate</h2>
      <Field label="PEM certificate" hint="Paste one certificate: -----BEGIN CERTIFICATE----- …">
        <textarea
          rows={8}
          value={pem}
          spellcheck={false}
          onInput={(event) => {
            setPem(event.currentTarget.value);
            setPreview(undefined);
          }}
          required
        />
      </Field>
      <Field label="Alias" hint="Optional: letters, digits, dot, dash, underscore.">
        <input value={alias} onInput={(event) => { setAlias(event.currentTarget.value); }} />
      </Field>
      {preview === undefined ? null : (
        <section aria-label="Certificate details" class="explain">
          {preview.map((cert) => (
            <dl class="facts" key={cert.fingerprintSha256}>
              <dt>Subject</dt>
              <dd>{cert.subject}</dd>
              <dt>Issuer</dt>
              <dd>{cert.issuer}</dd>
              <dt>Expires</dt>
              <dd>{when(cert.notAfter)}</dd>
              <dt>SHA-256</dt>
              <dd class="mono">{cert.fingerprintSha256}</dd>
            </dl>
          ))}
        </section>
      )}
      <ErrorNote error={action.error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={action.busy}>
          {preview === undefined ? 'Show details' : 'Add to truststore'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

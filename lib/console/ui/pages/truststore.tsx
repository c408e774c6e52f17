import { useState } from 'preact/hooks';
import { PROTOCOLS } from '../../../tls/protocols.ts';
import { api } from '../api.ts';
import { ConfirmDialog, ErrorNote, Field, PageHeading, useAction, useApiList, when } from '../components.tsx';
import type { CertPreview, TrustEntry } from '../types.ts';

/** Truststore: the certificates every outbound connection of Trustline trusts; add by PEM (details first), remove, export. */
export function TruststorePage() {
  const [adding, setAdding] = useState(false);
  const { items: entries, reload, load } = useApiList<TrustEntry>('/admin/trust', 'entries');
  return (
    <>
      <PageHeading
        title="Truststore"
        action={
          adding
            ? undefined
            : {
                label: 'Add certificate',
                onClick: () => {
                  setAdding(true);
                },
              }
        }
      />
      <p class="lead">
        Certificates Trustline trusts besides the public roots, with Java's semantics: every entry is an anchor. Exported, it is the truststore a JVM needs.
      </p>
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
        <ConfirmDialog
          question={`Remove ${entry.alias}? Servers whose chain ends here will no longer be trusted.`}
          confirm="Remove for good"
          onConfirm={() =>
            void remove.run(async () => {
              await api('DELETE', `/admin/trust/${entry.fingerprintSha256}`);
              onRemoved();
            })
          }
          onKeep={() => {
            setConfirming(false);
          }}
        />
      ) : (
        <div class="actions">
          <button
            type="button"
            class="danger"
            aria-label={`Remove ${entry.alias}`}
            onClick={() => {
              setConfirming(true);
            }}
          >
            Remove
          </button>
        </div>
      )}
      <ErrorNote error={remove.error} />
    </li>
  );
}

interface Preview {
  readonly certificates: readonly CertPreview[];
  /** The PEM that will be added: as pasted, or the anchor fetched from the server. */
  readonly pem?: string;
  readonly message?: string;
  readonly reason?: string;
}

/** Paste a PEM or fetch the anchor a server needs, see what it is, then add: nothing is trusted before its details were shown. */
function AddCertificate({ onDone }: { onDone: () => void }) {
  const [source, setSource] = useState<'paste' | 'fetch'>('paste');
  const [pem, setPem] = useState('');
  const [alias, setAlias] = useState('');
  const [server, setServer] = useState({ host: '', port: '', protocol: 'https' });
  const [preview, setPreview] = useState<Preview>();
  const action = useAction();
  const changed = () => {
    setPreview(undefined);
  };
  const look = async (): Promise<Preview> => {
    if (source === 'paste') return { ...(await api<Preview>('POST', '/trust/preview', { pem })), pem };
    return api<Preview>('POST', '/trust/fetch', {
      host: server.host.trim(),
      protocol: server.protocol,
      ...(server.port.trim() === '' ? {} : { port: Number(server.port) }),
    });
  };
  return (
    <form
      class="panel form"
      aria-labelledby="add-cert-title"
      onSubmit={(event) => {
        event.preventDefault();
        void action.run(async () => {
          if (preview?.pem === undefined) {
            setPreview(await look());
            return;
          }
          await api('POST', '/admin/trust', { pem: preview.pem, ...(alias.trim() === '' ? {} : { alias: alias.trim() }) });
          onDone();
        });
      }}
    >
      <h2 id="add-cert-title">Add certificate</h2>
      <fieldset>
        <legend>Source</legend>
        <label class="choice">
          <input
            type="radio"
            name="source"
            checked={source === 'paste'}
            onChange={() => {
              setSource('paste');
              changed();
            }}
          />{' '}
          Paste a PEM
        </label>
        <label class="choice">
          <input
            type="radio"
            name="source"
            checked={source === 'fetch'}
            onChange={() => {
              setSource('fetch');
              changed();
            }}
          />{' '}
          Fetch from a server
        </label>
      </fieldset>
      {source === 'paste' ? (
        <Field label="PEM certificate" hint="Paste one certificate: -----BEGIN CERTIFICATE----- …">
          <textarea
            rows={8}
            value={pem}
            spellcheck={false}
            onInput={(event) => {
              setPem(event.currentTarget.value);
              changed();
            }}
            required
          />
        </Field>
      ) : (
        <div class="grid">
          <Field label="Server host">
            <input
              value={server.host}
              onInput={(event) => {
                setServer({ ...server, host: event.currentTarget.value });
                changed();
              }}
              required
              spellcheck={false}
            />
          </Field>
          <Field label="Server port" hint="Empty: the protocol's usual port.">
            <input
              value={server.port}
              onInput={(event) => {
                setServer({ ...server, port: event.currentTarget.value });
                changed();
              }}
              inputMode="numeric"
              pattern="[0-9]*"
            />
          </Field>
          <Field label="Server protocol">
            <select
              value={server.protocol}
              onChange={(event) => {
                setServer({ ...server, protocol: event.currentTarget.value });
                changed();
              }}
            >
              {PROTOCOLS.map((protocol) => (
                <option key={protocol}>{protocol}</option>
              ))}
            </select>
          </Field>
        </div>
      )}
      <Field label="Alias" hint="Optional: letters, digits, dot, dash, underscore.">
        <input
          value={alias}
          onInput={(event) => {
            setAlias(event.currentTarget.value);
          }}
        />
      </Field>
      {preview === undefined ? null : (
        <section aria-label="Certificate details" class="explain">
          {preview.message === undefined ? null : <p>{preview.message}</p>}
          {preview.pem === undefined ? <p>Nothing to add: the server is already trusted.</p> : null}
          {preview.reason === undefined ? null : <p>{preview.reason}</p>}
          {preview.certificates.map((cert) => (
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
        <button type="submit" class="primary" disabled={action.busy || (preview !== undefined && preview.pem === undefined)}>
          {preview?.pem === undefined ? 'Show details' : 'Add to truststore'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

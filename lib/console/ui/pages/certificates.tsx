import { useState } from 'preact/hooks';
import { PROTOCOLS } from '../../../tls/protocols.ts';
import { api, download } from '../api.ts';
import { Badge, ConfirmDialog, CopyButton, ErrorNote, Field, PageHeading, SaveOrCancel, useAction, useApiList, useFormValues, when } from '../components.tsx';
import type { CheckReport, Endpoint } from '../types.ts';
import { ExpiryChart } from './expiry-chart.tsx';

export function verdictBadge(verdict: string | undefined) {
  if (verdict === undefined) return <Badge tone="neutral">Not checked</Badge>;
  return <Badge tone={verdict === 'ok' ? 'good' : verdict === 'expiring' ? 'warn' : 'bad'}>{verdict}</Badge>;
}

/** Certificates: the endpoints Trustline watches, a days-to-expiry chart, Add endpoint, and per endpoint Check now with the whole explanation. */
export function CertificatesPage() {
  const [adding, setAdding] = useState(false);
  const [reports, setReports] = useState<Record<string, CheckReport>>({});
  const { items: endpoints, reload, load } = useApiList<Endpoint>('/admin/endpoints', 'endpoints');
  return (
    <>
      <PageHeading
        title="Certificates"
        action={
          adding
            ? undefined
            : {
                label: 'Add endpoint',
                onClick: () => {
                  setAdding(true);
                },
              }
        }
      />
      <p class="lead">TLS endpoints Trustline checks every hour: would a Java client trust them, and when does the first certificate expire?</p>
      {adding ? (
        <EndpointForm
          onSaved={() => {
            setAdding(false);
            void reload();
          }}
          onCancel={() => {
            setAdding(false);
          }}
        />
      ) : null}
      <ErrorNote error={load.error} />
      {endpoints === undefined ? (
        <p aria-busy="true">Loading…</p>
      ) : endpoints.length === 0 ? (
        <p class="empty">No endpoint yet. Add endpoint to watch a server's certificates.</p>
      ) : (
        <>
          <ExpiryChart endpoints={endpoints} />
          <ul class="cards">
            {endpoints.map((endpoint) => (
              <EndpointCard
                key={endpoint.id}
                endpoint={endpoint}
                report={reports[endpoint.id]}
                onReport={(report) => {
                  setReports((all) => ({ ...all, [endpoint.id]: report }));
                  void reload();
                }}
                onRemoved={() => void reload()}
              />
            ))}
          </ul>
        </>
      )}
    </>
  );
}

function EndpointForm({ onSaved, onCancel }: { onSaved: () => void; onCancel: () => void }) {
  const { values, set } = useFormValues({ host: '', port: '', protocol: 'https', servername: '', warnDays: '30' });
  const save = useAction();
  return (
    <form
      class="panel form"
      aria-labelledby="endpoint-form-title"
      onSubmit={(event) => {
        event.preventDefault();
        void save.run(async () => {
          await api('POST', '/admin/endpoints', {
            host: values.host.trim(),
            protocol: values.protocol,
            ...(values.port.trim() === '' ? {} : { port: Number(values.port) }),
            ...(values.servername.trim() === '' ? {} : { servername: values.servername.trim() }),
            ...(values.warnDays.trim() === '' ? {} : { warnDays: Number(values.warnDays) }),
          });
          onSaved();
        });
      }}
    >
      <h2 id="endpoint-form-title">Add endpoint</h2>
      <div class="grid">
        <Field label="Host">
          <input value={values.host} onInput={set('host')} required spellcheck={false} autoComplete="off" />
        </Field>
        <Field label="Port" hint="Empty: the protocol's usual port.">
          <input value={values.port} onInput={set('port')} inputMode="numeric" pattern="[0-9]*" />
        </Field>
        <Field label="Protocol">
          <select value={values.protocol} onChange={set('protocol')}>
            {PROTOCOLS.map((protocol) => (
              <option key={protocol} value={protocol}>
                {protocol}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Server name (SNI)" hint="Empty: the host, when it is a name.">
          <input value={values.servername} onInput={set('servername')} spellcheck={false} />
        </Field>
        <Field label="Warn days" hint="Warn this many days before a certificate expires.">
          <input value={values.warnDays} onInput={set('warnDays')} inputMode="numeric" pattern="[0-9]*" />
        </Field>
      </div>
      <SaveOrCancel save={save} onCancel={onCancel} />
    </form>
  );
}

function EndpointCard({
  endpoint,
  report,
  onReport,
  onRemoved,
}: {
  endpoint: Endpoint;
  report: CheckReport | undefined;
  onReport: (report: CheckReport) => void;
  onRemoved: () => void;
}) {
  const action = useAction();
  const [confirming, setConfirming] = useState(false);
  const result = endpoint.lastResult;
  const name = `${endpoint.host}:${endpoint.port}`;
  return (
    <li class="panel card" aria-labelledby={`endpoint-${endpoint.id}`}>
      <div class="heading">
        <h2 id={`endpoint-${endpoint.id}`}>
          {name} <span class="quiet">{endpoint.protocol}</span>
        </h2>
        {verdictBadge(report?.verdict ?? result?.verdict)}
      </div>
      <p>
        {result === undefined
          ? 'Not checked yet.'
          : `${result.daysLeft === null ? 'No certificate seen' : `${result.daysLeft} days to the earliest expiry (${when(result.earliestExpiry)})`}. Checked ${when(result.checkedAt)}.`}
      </p>
      {result === undefined || report !== undefined ? null : <p>{result.message}</p>}
      <div class="actions">
        <button
          type="button"
          class="primary"
          disabled={action.busy}
          onClick={() =>
            void action.run(async () => {
              onReport(await api<CheckReport>('POST', `/admin/endpoints/${endpoint.id}/check`));
            })
          }
        >
          Check now
        </button>
        <button
          type="button"
          class="danger"
          onClick={() => {
            setConfirming(true);
          }}
        >
          Remove
        </button>
      </div>
      {action.busy ? <p aria-live="polite">Checking…</p> : null}
      {confirming ? (
        <ConfirmDialog
          question={`Stop watching ${name}?`}
          confirm="Remove for good"
          onConfirm={() =>
            void action.run(async () => {
              await api('DELETE', `/admin/endpoints/${endpoint.id}`);
              onRemoved();
            })
          }
          onKeep={() => {
            setConfirming(false);
          }}
        />
      ) : null}
      <ErrorNote error={action.error} />
      {report === undefined ? null : <Explanation report={report} />}
    </li>
  );
}

/** The whole story of one check: the verdict, every problem (with Java's wording), the chain, and the fix. */
function Explanation({ report }: { report: CheckReport }) {
  const add = useAction();
  const [added, setAdded] = useState<string>();
  const presented = report.presented ?? [];
  return (
    <section class="explain" aria-label={`Explanation for ${report.host}:${report.port}`}>
      <h3>
        {report.trusted ? 'Trusted' : 'Not trusted'}: {report.verdict}
      </h3>
      {(report.problems ?? []).length > 1 ? (
        <ul>
          {report.problems?.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      ) : (
        <p>{report.message}</p>
      )}
      {report.error === undefined ? null : (
        <p class="notice error">
          {report.error.message}
          {report.error.fix === undefined ? '' : ` What to do: ${report.error.fix}`}
        </p>
      )}
      {report.chain.length === 0 ? null : (
        <>
          <h4>The chain</h4>
          <p class="hint">As built, leaf first; “sent #n” is the position in which the server presented it.</p>
          <div class="table-wrap">
            <table class="stack">
              <thead>
                <tr>
                  <th scope="col">Subject</th>
                  <th scope="col">Issuer</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Days left</th>
                  <th scope="col">Where from</th>
                </tr>
              </thead>
              <tbody>
                {report.chain.map((cert) => {
                  const sent = presented.indexOf(cert.fingerprintSha256);
                  return (
                    <tr key={cert.fingerprintSha256}>
                      <td>{cert.subject}</td>
                      <td>{cert.selfSigned ? 'self-signed' : cert.issuer}</td>
                      <td>{when(cert.notAfter)}</td>
                      <td>{cert.daysLeft}</td>
                      <td>{sent === -1 ? (cert.source ?? 'not sent') : `sent #${sent + 1}`}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
      {report.fix === undefined ? null : (
        <>
          <h4>The fix for Java</h4>
          <p>{report.fix.reason}</p>
          {report.fix.serverFix === undefined ? null : <p>On the server: {report.fix.serverFix}</p>}
          <div class="actions">
            <button
              type="button"
              onClick={() => {
                download(report.fix?.file ?? 'anchor.pem', report.fix?.pem ?? '');
              }}
            >
              Download PEM
            </button>
            <button
              type="button"
              disabled={add.busy}
              onClick={() =>
                void add.run(async () => {
                  const entry = await api<{ alias: string }>('POST', '/admin/trust', { pem: report.fix?.pem });
                  setAdded(`Added to the truststore as ${entry.alias}.`);
                })
              }
            >
              Add to truststore
            </button>
          </div>
          <p role="status">{added ?? ''}</p>
          <ErrorNote error={add.error} />
          <p>Import into the JVM's default truststore (Java 9 and later):</p>
          <pre>{report.fix.keytool}</pre>
          <CopyButton text={report.fix.keytool} label="Copy keytool command" />
          <p>Or into a given keystore file:</p>
          <pre>{report.fix.keytoolKeystore}</pre>
        </>
      )}
    </section>
  );
}

import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { Field, SaveOrCancel, useAction, useFormValues } from '../components.tsx';
import type { Integration, Presets, Provider } from '../types.ts';

interface Values {
  provider: Provider;
  name: string;
  description: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  issuer: string;
  tenant: string;
  mailProtocol: '' | 'imap' | 'pop3' | 'smtp';
  mailHost: string;
  mailPort: string;
  mailSecurity: 'tls' | 'starttls';
  mailUsername: string;
}

function initial(existing: Integration | undefined): Values {
  return {
    provider: existing?.provider ?? 'google',
    name: existing?.name ?? '',
    description: existing?.description ?? '',
    clientId: existing?.clientId ?? '',
    clientSecret: '',
    scopes: existing?.scopes.join(' ') ?? '',
    authorizationEndpoint: existing?.authorizationEndpoint ?? '',
    tokenEndpoint: existing?.tokenEndpoint ?? '',
    issuer: existing?.issuer ?? '',
    tenant: existing?.tenant ?? '',
    mailProtocol: existing?.mailServer?.protocol ?? '',
    mailHost: existing?.mailServer?.host ?? '',
    mailPort: existing?.mailServer === undefined ? '' : String(existing.mailServer.port),
    mailSecurity: existing?.mailServer?.security ?? 'tls',
    mailUsername: existing?.mailServer?.username ?? '',
  };
}

/** The endpoints a preset fixes; Microsoft's depend on the tenant. */
function presetValues(presets: Presets | undefined, values: Values): Pick<Values, 'authorizationEndpoint' | 'tokenEndpoint' | 'issuer' | 'scopes'> | undefined {
  if (presets === undefined || values.provider === 'custom') return undefined;
  const preset = presets[values.provider];
  const tenant = encodeURIComponent(values.tenant.trim() === '' ? 'common' : values.tenant.trim());
  const fill = (url: string) => url.replace('%7Btenant%7D', tenant);
  return {
    authorizationEndpoint: fill(preset.authorizationEndpoint),
    tokenEndpoint: fill(preset.tokenEndpoint),
    issuer: fill(preset.issuer),
    scopes: preset.scopes.join(' '),
  };
}

/** The request body: only what is set; for an edit only what changed (the secret only when typed). */
function body(values: Values, existing: Integration | undefined): Record<string, unknown> {
  const scopes = values.scopes.split(/\s+/).filter(Boolean);
  const custom = values.provider === 'custom';
  const all: Record<string, unknown> = {
    ...(existing === undefined ? { provider: values.provider } : {}),
    name: values.name,
    description: values.description.trim() === '' ? (existing === undefined ? undefined : null) : values.description,
    clientId: values.clientId,
    clientSecret: values.clientSecret === '' ? undefined : values.clientSecret,
    scopes: scopes.length === 0 ? undefined : scopes,
    authorizationEndpoint: custom ? values.authorizationEndpoint : undefined,
    tokenEndpoint: custom ? values.tokenEndpoint : undefined,
    issuer: custom ? values.issuer : undefined,
    tenant: values.provider === 'microsoft' && values.tenant.trim() !== '' ? values.tenant.trim() : existing?.tenant === undefined ? undefined : null,
    mailServer:
      values.mailProtocol === ''
        ? existing?.mailServer === undefined
          ? undefined
          : null
        : {
            protocol: values.mailProtocol,
            ...(values.mailHost.trim() === '' ? {} : { host: values.mailHost.trim() }),
            ...(values.mailPort.trim() === '' ? {} : { port: Number(values.mailPort) }),
            security: values.mailSecurity,
            username: values.mailUsername,
          },
  };
  const before = existing === undefined ? undefined : body(initial(existing), undefined);
  return Object.fromEntries(
    Object.entries(all).filter(([key, value]) => value !== undefined && (before === undefined || JSON.stringify(before[key]) !== JSON.stringify(value))),
  );
}

/** Add integration / edit: the seed's form. Presets fill endpoints and issuer read-only; Custom types them. */
export function IntegrationForm({ existing, onSaved, onCancel }: { existing?: Integration; onSaved: (saved: Integration) => void; onCancel: () => void }) {
  const { values, set } = useFormValues<Values>(initial(existing));
  const [presets, setPresets] = useState<Presets>();
  const save = useAction();
  useEffect(() => {
    void api<Presets>('GET', '/presets').then(setPresets, () => undefined);
  }, []);
  const fixed = presetValues(presets, values);
  const shown = {
    ...values,
    ...(fixed === undefined ? {} : { authorizationEndpoint: fixed.authorizationEndpoint, tokenEndpoint: fixed.tokenEndpoint, issuer: fixed.issuer }),
  };
  const input = (key: keyof Values, extra: Record<string, unknown> = {}) => <input value={shown[key]} onInput={set(key)} {...extra} />;
  const scopesHint =
    fixed === undefined
      ? 'Space-separated, as the provider names them.'
      : `Default for ${values.provider === 'google' ? 'Google' : 'Microsoft'}: ${fixed.scopes}`;
  return (
    <form
      class="panel form"
      aria-labelledby="integration-form-title"
      onSubmit={(event) => {
        event.preventDefault();
        void save.run(async () => {
          const saved =
            existing === undefined
              ? await api<Integration>('POST', '/admin/integrations', body(values, undefined))
              : await api<Integration>('PATCH', `/admin/integrations/${existing.id}`, body(values, existing));
          onSaved(saved);
        });
      }}
    >
      <h2 id="integration-form-title">{existing === undefined ? 'Add integration' : `Edit ${existing.name}`}</h2>
      <div class="grid">
        <Field label="Provider">
          <select value={values.provider} onChange={set('provider')} disabled={existing !== undefined}>
            <option value="google">Google</option>
            <option value="microsoft">Microsoft</option>
            <option value="custom">Custom</option>
          </select>
        </Field>
        <Field label="Name">{input('name', { required: true, maxLength: 100 })}</Field>
        <Field label="Description">{input('description', { maxLength: 1000 })}</Field>
        <Field label="Client ID">{input('clientId', { required: true, autoComplete: 'off', spellcheck: false })}</Field>
        <Field
          label="Client secret"
          hint={existing?.clientSecretSet === true ? 'Set; leave empty to keep it. It is never shown again.' : 'Write-only: it is never shown again.'}
        >
          {input('clientSecret', { type: 'password', required: existing === undefined, autoComplete: 'new-password' })}
        </Field>
        <Field label="Scopes" hint={scopesHint}>
          {input('scopes', { placeholder: fixed?.scopes ?? '', spellcheck: false })}
        </Field>
        {values.provider === 'microsoft' ? (
          <Field label="Tenant" hint="Tenant ID or verified domain; empty: common.">
            {input('tenant', { spellcheck: false })}
          </Field>
        ) : null}
        <Field wide label="Authorization endpoint" hint={fixed === undefined ? undefined : 'Filled by the preset.'}>
          {input('authorizationEndpoint', { readOnly: fixed !== undefined, required: fixed === undefined, type: 'url' })}
        </Field>
        <Field wide label="Token endpoint" hint={fixed === undefined ? undefined : 'Filled by the preset.'}>
          {input('tokenEndpoint', { readOnly: fixed !== undefined, required: fixed === undefined, type: 'url' })}
        </Field>
        <Field wide label="Issuer" hint={fixed === undefined ? undefined : 'Filled by the preset.'}>
          {input('issuer', { readOnly: fixed !== undefined, required: fixed === undefined, type: 'url' })}
        </Field>
      </div>
      <fieldset>
        <legend>Mail server (for Test connection)</legend>
        <div class="grid">
          <Field label="Mail protocol">
            <select value={values.mailProtocol} onChange={set('mailProtocol')}>
              <option value="">None</option>
              <option value="imap">IMAP</option>
              <option value="pop3">POP3</option>
              <option value="smtp">SMTP</option>
            </select>
          </Field>
          {values.mailProtocol === '' ? null : (
            <>
              <Field label="Mail host" hint={values.provider === 'custom' ? undefined : "Empty: the provider's own."}>
                {input('mailHost', { spellcheck: false })}
              </Field>
              <Field label="Mail port" hint="Empty: the protocol's usual port.">
                {input('mailPort', { inputMode: 'numeric', pattern: '[0-9]*' })}
              </Field>
              <Field label="Security">
                <select value={values.mailSecurity} onChange={set('mailSecurity')}>
                  <option value="tls">Implicit TLS</option>
                  <option value="starttls">STARTTLS</option>
                </select>
              </Field>
              <Field label="Mailbox">{input('mailUsername', { required: true, autoComplete: 'off', spellcheck: false })}</Field>
            </>
          )}
        </div>
      </fieldset>
      <SaveOrCancel save={save} onCancel={onCancel} />
    </form>
  );
}

import { useState } from 'preact/hooks';
import { ErrorNote, PageHeading, useApiList } from '../components.tsx';
import type { Integration } from '../types.ts';
import { IntegrationDetail } from './integration-detail.tsx';
import { IntegrationForm } from './integration-form.tsx';
import { nextStep, statusBadge } from './integration-status.tsx';

/** Integrations: the list with status and next step, the seed's form, and one integration's details. */
export function IntegrationsPage() {
  const [selected, setSelected] = useState<string>();
  const [mode, setMode] = useState<'list' | 'add' | 'edit'>('list');
  const { items: integrations, setItems: setIntegrations, load } = useApiList<Integration>('/admin/integrations', 'integrations');
  const current = integrations?.find((integration) => integration.id === selected);
  const replace = (updated: Integration) => {
    setIntegrations((list) => {
      const others = (list ?? []).filter((integration) => integration.id !== updated.id);
      return [...others, updated].sort((a, b) => a.name.localeCompare(b.name));
    });
  };
  return (
    <>
      <PageHeading
        title="Integrations"
        action={
          mode === 'list'
            ? {
                label: 'Add integration',
                onClick: () => {
                  setMode('add');
                },
              }
            : undefined
        }
      />
      <p class="lead">OAuth 2.0 grants Trustline keeps fresh for mail servers (Google, Microsoft or a custom provider).</p>
      {mode === 'add' || (mode === 'edit' && current !== undefined) ? (
        <IntegrationForm
          {...(mode === 'edit' && current !== undefined ? { existing: current } : {})}
          onSaved={(saved) => {
            replace(saved);
            setSelected(saved.id);
            setMode('list');
          }}
          onCancel={() => {
            setMode('list');
          }}
        />
      ) : null}
      <ErrorNote error={load.error} />
      {integrations === undefined ? (
        <p aria-busy="true">Loading…</p>
      ) : integrations.length === 0 ? (
        <p class="empty">No integration yet. Add integration to connect a mailbox.</p>
      ) : (
        <div class="table-wrap">
          <table class="stack">
            <caption class="visually-hidden">Integrations</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Provider</th>
                <th scope="col">Status</th>
                <th scope="col">Next step</th>
              </tr>
            </thead>
            <tbody>
              {integrations.map((integration) => (
                <tr key={integration.id} aria-selected={integration.id === selected}>
                  <th scope="row">
                    <button
                      type="button"
                      class="link"
                      aria-pressed={integration.id === selected}
                      onClick={() => {
                        setSelected(integration.id);
                      }}
                    >
                      {integration.name}
                    </button>
                  </th>
                  <td>{integration.provider}</td>
                  <td>{statusBadge(integration.status)}</td>
                  <td>{nextStep(integration)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {current === undefined || mode !== 'list' ? null : (
        <IntegrationDetail
          key={current.id}
          integration={current}
          onChange={replace}
          onEdit={() => {
            setMode('edit');
          }}
          onDeleted={() => {
            setIntegrations((list) => list?.filter((integration) => integration.id !== current.id));
            setSelected(undefined);
          }}
        />
      )}
    </>
  );
}

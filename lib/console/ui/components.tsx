import { cloneElement, type ComponentChildren, type VNode } from 'preact';
import { useCallback, useEffect, useId, useState } from 'preact/hooks';
import { api, ApiError } from './api.ts';

/** A failed request in plain words, with its fix; announced to screen readers. */
export function ErrorNote({ error }: { error: unknown }) {
  if (error === undefined || error === null) return null;
  const apiError = error instanceof ApiError ? error : undefined;
  return (
    <div class="notice error" role="alert">
      <p>{error instanceof Error ? error.message : 'The request failed.'}</p>
      {apiError?.fix === undefined ? null : <p>What to do: {apiError.fix}</p>}
    </div>
  );
}

/**
 * Asks before something that cannot be undone: the question, a danger button that does it and
 * "Keep it". The dialog is named by the question.
 */
export function ConfirmDialog({ question, confirm, onConfirm, onKeep }: { question: string; confirm: string; onConfirm: () => void; onKeep: () => void }) {
  return (
    <div class="notice error" role="alertdialog" aria-label={question}>
      <p>{question}</p>
      <div class="actions">
        <button type="button" class="danger" onClick={onConfirm}>
          {confirm}
        </button>
        <button type="button" onClick={onKeep}>
          Keep it
        </button>
      </div>
    </div>
  );
}

/**
 * A form's text values, and `set(key)`: the input handler that keeps one of them.
 *
 * @example const { values, set } = useFormValues({ host: '' }); <input value={values.host} onInput={set('host')} />
 */
export function useFormValues<T extends { [K in keyof T]: string }>(initial: T) {
  const [values, setValues] = useState<T>(initial);
  const set = (key: keyof T) => (event: Event) => {
    const value = (event.currentTarget as HTMLInputElement).value;
    setValues((current) => ({ ...current, [key]: value }));
  };
  return { values, set, setValues };
}

/** The end of a form: why saving failed, if it did, then Save (while not saving) and Cancel. */
export function SaveOrCancel({ save, onCancel }: { save: { busy: boolean; error: unknown }; onCancel: () => void }) {
  return (
    <>
      <ErrorNote error={save.error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={save.busy}>
          Save
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </>
  );
}

/** Copies text to the clipboard and says so (a live region, so screen readers hear it too). */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [done, setDone] = useState<'copied' | 'failed' | undefined>();
  return (
    <span class="copy">
      <button
        type="button"
        onClick={() => {
          navigator.clipboard.writeText(text).then(
            () => {
              setDone('copied');
            },
            () => {
              setDone('failed');
            },
          );
        }}
      >
        {label}
      </button>
      <span role="status" class="quiet">
        {done === 'copied' ? 'Copied.' : done === 'failed' ? 'Copy failed: select the text and copy it.' : ''}
      </span>
    </span>
  );
}

/**
 * A labelled control. The hint is outside the label and linked as its description, so that the
 * accessible name is exactly the label (the names are a contract other tools drive the console by).
 */
export function Field({ label, children, hint, wide }: { label: string; children: VNode; hint?: string | undefined; wide?: boolean }) {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div class={wide === true ? 'field wide' : 'field'}>
      <label class="label" for={id}>
        {label}
      </label>
      {cloneElement(children, { id, ...(hint === undefined ? {} : { 'aria-describedby': hintId }) })}
      {hint === undefined ? null : (
        <span class="hint" id={hintId}>
          {hint}
        </span>
      )}
    </div>
  );
}

/** A badge whose colour follows the state; the word carries the meaning, the colour only helps. */
export function Badge({ tone, children }: { tone: 'good' | 'warn' | 'bad' | 'neutral'; children: ComponentChildren }) {
  return <span class={`badge ${tone}`}>{children}</span>;
}

/** Runs an action, keeping its busy state and its error for the caller to show. */
export function useAction(): { busy: boolean; error: unknown; run: (action: () => Promise<void>) => Promise<void> } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  return {
    busy,
    error,
    async run(action) {
      setBusy(true);
      setError(undefined);
      try {
        await action();
      } catch (caught) {
        setError(caught);
      } finally {
        setBusy(false);
      }
    },
  };
}

export function when(iso: string | undefined | null): string {
  if (iso === undefined || iso === null) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** The list the admin API answers at `path` under `key`, loaded on first render; `reload` fetches it again. */
export function useApiList<T>(path: string, key: string) {
  const [items, setItems] = useState<readonly T[]>();
  const load = useAction();
  const reload = useCallback(
    () =>
      load.run(async () => {
        setItems((await api<Record<string, T[]>>('GET', path))[key]);
      }),
    [path, key],
  );
  useEffect(() => {
    void reload();
  }, [reload]);
  return { items, setItems, reload, load };
}

/** A page's title, with its one action button while `action` is given. */
export function PageHeading({ title, action }: { title: string; action?: { label: string; onClick: () => void } | undefined }) {
  return (
    <div class="heading">
      <h1>{title}</h1>
      {action === undefined ? null : (
        <button type="button" class="primary" onClick={action.onClick}>
          {action.label}
        </button>
      )}
    </div>
  );
}

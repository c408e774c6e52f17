/** The console's API from the browser: same origin, the session cookie goes by itself, never a credential. */

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly fix?: string,
  ) {
    super(message);
  }
}

interface Problem {
  readonly code?: string;
  readonly detail?: string;
  readonly title?: string;
  readonly fix?: string;
  readonly errors?: readonly { readonly path?: string; readonly message?: string }[];
}

/** One request to `/api{path}`; a problem+json answer becomes an ApiError with its code, message and fix. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`/api${path}`, {
    method,
    headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    credentials: 'same-origin',
  });
  const text = await response.text();
  const value: unknown = text === '' ? undefined : JSON.parse(text);
  if (!response.ok) {
    const problem = (value ?? {}) as Problem;
    const details = problem.errors?.map((error) => `${error.path ?? ''} ${error.message ?? ''}`.trim()).join('; ');
    const message = [problem.detail ?? problem.title ?? `HTTP ${response.status}`, details].filter(Boolean).join(': ');
    if (response.status === 401 && problem.code === 'NOT_SIGNED_IN') window.location.reload();
    throw new ApiError(message, response.status, problem.code ?? `HTTP_${response.status}`, problem.fix);
  }
  return value as T;
}

/** Saves text as a file through a temporary link: no server round trip, nothing kept. */
export function download(name: string, content: BlobPart, type = 'application/x-pem-file'): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 1000);
}

/** Trustline's version, replaced at bundle time by esbuild's `define`; read from package.json otherwise. */
declare const __TRUSTLINE_VERSION__: string | undefined;

export const version: string =
  typeof __TRUSTLINE_VERSION__ === 'string' ? __TRUSTLINE_VERSION__ : (await import('../../package.json', { with: { type: 'json' } })).default.version;

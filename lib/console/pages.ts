/** The console's two HTML documents: the app shell (signed in) and how to sign in (not signed in). Scripts come only from /assets. */

const head = (version: string, title: string) =>
  `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${title}</title>
<link rel="stylesheet" href="/assets/app.css?v=${version}">
</head>`;

export function appShell(version: string): string {
  return `${head(version, 'Trustline console')}
<body>
<div id="app"></div>
<noscript><p class="notice">The Trustline console needs JavaScript.</p></noscript>
<script type="module" src="/assets/app.js?v=${version}"></script>
</body>
</html>
`;
}

/** Shown without a session: only how to get one. `refused` when a sign-in link was spent or expired. */
export function signInPage(version: string, refused = false): string {
  const reason = refused
    ? '<p class="notice error" role="alert">This sign-in link was already used or has expired: each link works once, for 2 minutes.</p>'
    : '';
  return `${head(version, 'Sign in · Trustline console')}
<body>
<main class="signin">
<h1>Trustline console</h1>
${reason}
<p>You are not signed in. The console opens only through a one-time link:</p>
<ol>
<li>In a terminal at the Trustline repository, run <code>npx trustline console</code>.</li>
<li>It opens your browser at a new sign-in link (with <code>--no-open</code> it prints the link instead). The link works once, for 2 minutes.</li>
</ol>
</main>
</body>
</html>
`;
}

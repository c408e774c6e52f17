import type { ServerResponse } from 'node:http';

/** `GET /` on the local runtime: not an API route, just where a person who opened the URL learns how to reach the console. */
const HOME = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Trustline</title>
</head>
<body>
<main>
<h1>Trustline is running</h1>
<p>This address serves Trustline's API (<a href="/health">/health</a>), not the admin console.</p>
<p>To open the admin console, run this in a terminal at the Trustline repository:</p>
<pre>npx trustline console</pre>
<p>It starts the console on 127.0.0.1 and opens your browser at a one-time sign-in link (with <code>--no-open</code> it prints the link instead).</p>
</main>
</body>
</html>
`;

export function sendHomePage(res: ServerResponse, method: string): void {
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  });
  res.end(method === 'HEAD' ? undefined : HOME);
}

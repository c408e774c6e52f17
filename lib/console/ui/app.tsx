import { useEffect, useState } from 'preact/hooks';
import { api } from './api.ts';
import { CertificatesPage } from './pages/certificates.tsx';
import { IntegrationsPage } from './pages/integrations.tsx';
import { JwtPage } from './pages/jwt.tsx';
import { TruststorePage } from './pages/truststore.tsx';

const PAGES = [
  { path: 'integrations', title: 'Integrations', Page: IntegrationsPage },
  { path: 'certificates', title: 'Certificates', Page: CertificatesPage },
  { path: 'truststore', title: 'Truststore', Page: TruststorePage },
  { path: 'jwt', title: 'JWT', Page: JwtPage },
] as const;

interface Session {
  readonly trustlineUrl: string;
  readonly auth: 'bearer' | 'sigv4';
}

function currentPath(): string {
  return window.location.hash.replace(/^#\/?/, '') || 'integrations';
}

/** The layout: a skip link, the navigation, and one page chosen by the URL's hash (no server routes needed). */
export function App() {
  const [path, setPath] = useState(currentPath());
  const [session, setSession] = useState<Session>();
  useEffect(() => {
    const onHash = () => {
      setPath(currentPath());
    };
    window.addEventListener('hashchange', onHash);
    void api<Session>('GET', '/session').then(setSession, () => undefined);
    return () => {
      window.removeEventListener('hashchange', onHash);
    };
  }, []);
  const page = PAGES.find((candidate) => candidate.path === path) ?? PAGES[0];
  useEffect(() => {
    document.title = `${page.title} · Trustline console`;
  }, [page]);
  return (
    <>
      <a
        class="skip"
        href="#main"
        onClick={(event) => {
          event.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Trustline</span>
        <nav aria-label="Main">
          <ul>
            {PAGES.map((candidate) => (
              <li key={candidate.path}>
                <a href={`#/${candidate.path}`} aria-current={candidate === page ? 'page' : undefined}>
                  {candidate.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {session === undefined ? null : (
          <span class="quiet upstream">
            {session.trustlineUrl} · {session.auth === 'bearer' ? 'admin token' : 'AWS SigV4'}
          </span>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        <page.Page key={page.path} />
      </main>
    </>
  );
}

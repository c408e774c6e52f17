import { Badge } from '../components.tsx';
import type { Integration } from '../types.ts';

const STATUS_TEXT: Record<string, { label: string; tone: 'good' | 'warn' | 'bad' | 'neutral' }> = {
  'not-authorized': { label: 'Not authorized', tone: 'neutral' },
  authorized: { label: 'Authorized', tone: 'good' },
  'needs-reauthorization': { label: 'Needs sign-in again', tone: 'bad' },
  'refresh-failing': { label: 'Refresh failing', tone: 'warn' },
};

export function statusBadge(status: string) {
  const shown = STATUS_TEXT[status] ?? { label: status, tone: 'neutral' as const };
  return <Badge tone={shown.tone}>{shown.label}</Badge>;
}

/** What someone has to do now, in plain words; empty while nobody needs to act. */
export function nextStep(integration: Integration): string {
  switch (integration.status) {
    case 'not-authorized':
      return 'Register the redirect URL at the provider, then Authorize.';
    case 'needs-reauthorization':
      return 'The provider no longer accepts the grant: Authorize again.';
    case 'refresh-failing':
      return 'Trustline retries by itself; Refresh now tries at once.';
    default:
      return integration.mailServer === undefined ? 'Ready. Add a mail server to test a real login.' : 'Ready. Test connection proves the mail login.';
  }
}

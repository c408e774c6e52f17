import type { MailProtocol, Provider } from '../integration.ts';

/** The settings a preset decides or checks. */
export interface EndpointSettings {
  readonly scopes?: readonly string[] | undefined;
  readonly authorizationEndpoint?: string | undefined;
  readonly tokenEndpoint?: string | undefined;
  readonly issuer?: string | undefined;
  readonly tenant?: string | undefined;
}

export interface ResolvedEndpoints {
  readonly scopes: readonly string[];
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly issuer: string;
  readonly tenant?: string;
}

/** What Trustline knows about one kind of provider. */
export interface ProviderPreset {
  readonly provider: Provider;
  /** Fills the provider's endpoints, issuer and default scopes; throws InvalidIntegrationError on a conflict. */
  resolve(settings: EndpointSettings): ResolvedEndpoints;
  /** Extra authorization-request parameters (Google's offline access). */
  readonly authorizationParams: Readonly<Record<string, string>>;
  /** The provider's mail hosts, used when a mail server is given without a host. */
  readonly mailHosts?: Readonly<Record<MailProtocol, string>>;
}

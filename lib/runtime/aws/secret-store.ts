import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type AwsClientOptions, clientConfig } from '../../store/aws/clients.ts';
import { createSecretsManagerStore } from '../../store/aws/secrets-manager-store.ts';
import type { SecretStore } from '../../store/ports.ts';
import { lambdaSdkSettings } from './sdk-settings.ts';

export interface AwsSecretsOptions extends AwsClientOptions {
  /** Endpoint override for a loopback peer (a fake Secrets Manager). */
  readonly secretsEndpoint?: string | undefined;
  /** KMS key for new secrets (the stack's customer-managed key); Secrets Manager's default key when unset. */
  readonly secretsKmsKeyId?: string | undefined;
}

/** The SecretStore on Secrets Manager, with its own client (a module of its own: a function may declare secrets without the table). */
export function createAwsSecretStore(options: AwsSecretsOptions): SecretStore {
  const client = new SecretsManagerClient({ ...lambdaSdkSettings(), ...clientConfig(options, options.secretsEndpoint) });
  return createSecretsManagerStore(client, { kmsKeyId: options.secretsKmsKeyId });
}

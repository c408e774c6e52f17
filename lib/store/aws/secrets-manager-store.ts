import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { registerSecret } from '../../observe/index.ts';
import { StoreError } from '../errors.ts';
import type { SecretStore } from '../ports.ts';
import { assertSecretName } from '../secret-name.ts';
import { isServiceError, storeFailure } from './sdk-errors.ts';

const SERVICE = 'Secrets Manager';

/**
 * SecretStore on Secrets Manager: one secret per name, AWSCURRENT / AWSPREVIOUS as the current
 * and previous versions (PutSecretValue moves the stages itself); new secrets are encrypted with
 * `kmsKeyId` when given. Throttling is retried by the client's retry strategy; what outlasts it
 * surfaces as StoreThrottledError.
 */
export function createSecretsManagerStore(client: SecretsManagerClient, options: { kmsKeyId?: string | undefined } = {}): SecretStore {
  const kms = options.kmsKeyId === undefined ? {} : { KmsKeyId: options.kmsKeyId };

  const putValue = async (name: string, value: string) => {
    try {
      return await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: value }));
    } catch (error) {
      throw storeFailure(SERVICE, 'PutSecretValue', error);
    }
  };

  const create = async (name: string, value: string) => {
    try {
      return await client.send(new CreateSecretCommand({ Name: name, SecretString: value, ...kms }));
    } catch (error) {
      // Another writer created it between our PutSecretValue and CreateSecret: add a version instead.
      if (isServiceError(error, 'ResourceExistsException')) return putValue(name, value);
      throw storeFailure(SERVICE, 'CreateSecret', error);
    }
  };

  return {
    async get(name, { stage = 'current' } = {}) {
      assertSecretName(name);
      const versionStage = stage === 'current' ? 'AWSCURRENT' : 'AWSPREVIOUS';
      let output;
      try {
        output = await client.send(new GetSecretValueCommand({ SecretId: name, VersionStage: versionStage }));
      } catch (error) {
        if (isServiceError(error, 'ResourceNotFoundException')) return undefined;
        throw storeFailure(SERVICE, 'GetSecretValue', error);
      }
      if (output.SecretString === undefined || output.VersionId === undefined) {
        throw new StoreError(`The secret ${name} holds no text value; Trustline only writes text secrets.`);
      }
      registerSecret(output.SecretString);
      return { value: output.SecretString, versionId: output.VersionId };
    },

    async put(name, value) {
      assertSecretName(name);
      registerSecret(value);
      let output;
      try {
        output = await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: value }));
      } catch (error) {
        if (!isServiceError(error, 'ResourceNotFoundException')) throw storeFailure(SERVICE, 'PutSecretValue', error);
        output = await create(name, value);
      }
      if (output.VersionId === undefined) throw new StoreError(`${SERVICE} returned no version for ${name}.`);
      return { versionId: output.VersionId };
    },

    async delete(name) {
      assertSecretName(name);
      try {
        await client.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
      } catch (error) {
        if (!isServiceError(error, 'ResourceNotFoundException')) throw storeFailure(SERVICE, 'DeleteSecret', error);
      }
    },
  };
}

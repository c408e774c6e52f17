/** The AWS adapters of the store ports; their SDK clients are built by the composition root (lib/runtime/aws/stores.ts). */
export { TABLE_SCHEMA, createTableInput } from './table-schema.ts';
export { createDynamoMetadataStore } from './dynamodb-metadata-store.ts';
export { createSecretsManagerStore } from './secrets-manager-store.ts';
export { type AwsClientOptions } from './clients.ts';
export { sendMessageBodies } from './sqs-send.ts';

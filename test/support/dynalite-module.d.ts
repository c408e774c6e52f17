declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
    path?: string;
  }

  /** An in-memory DynamoDB speaking the real wire protocol. */
  export default function dynalite(options?: DynaliteOptions): Server;
}

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableItemSets } from '../../functions/table-items.ts';
import { createAwsStores } from '../../lib/runtime/aws/stores.ts';
import { TABLE_OPERATIONS, TABLE_SCHEMA } from '../../lib/store/aws/table-schema.ts';
import { fakeCredentials, testRegion } from '../support/aws-test-credentials.ts';
import { type DynaliteTable, startDynalite } from '../support/dynalite.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { type ProxiedRequest, startThrottlingProxy, type ThrottlingProxy } from '../support/throttling-proxy.ts';

/*
 * IAM lets each function touch only the kinds its stores declare (functions/table-items.ts) under a
 * dynamodb:LeadingKeys condition. These tests prove the two links that condition relies on: the
 * adapter's keys lead with the kind and nothing else, and no code names a kind no store declares.
 */

const repoRoot = path.resolve(import.meta.dirname, '../..');
const declared = Object.values(tableItemSets).flatMap((set) => [...set.kinds]);

describe('the DynamoDB adapter on the wire', () => {
  let table: DynaliteTable;
  let proxy: ThrottlingProxy;
  beforeAll(async () => {
    table = await startDynalite();
    proxy = await startThrottlingProxy(table.endpoint);
  });
  afterAll(async () => {
    await proxy.close();
    await table.close();
  });

  /** The partition-key values a request names: what DynamoDB evaluates dynamodb:LeadingKeys against. */
  function leadingKeys(request: ProxiedRequest): string[] {
    const body = request.body as {
      Key?: Record<string, { S?: string }>;
      KeyConditionExpression?: string;
      IndexName?: string;
      ExpressionAttributeNames?: Record<string, string>;
      ExpressionAttributeValues?: Record<string, { S?: string }>;
    };
    if (body.Key !== undefined) return [String(body.Key[TABLE_SCHEMA.partitionKey]?.S)];
    // A query's key condition starts with the partition key's equality (on the index, its own partition key).
    const match = /^(#\w+) = (:\w+)/.exec(body.KeyConditionExpression ?? '');
    if (match === null) return [];
    const attribute = body.ExpressionAttributeNames?.[match[1]!];
    expect(attribute).toBe(body.IndexName === TABLE_SCHEMA.dueIndex.name ? TABLE_SCHEMA.dueIndex.partitionKey : TABLE_SCHEMA.partitionKey);
    return [String(body.ExpressionAttributeValues?.[match[2]!]?.S)];
  }

  it('sends only the operations IAM grants, each led by the item kind it was given', async () => {
    const clock = new ManualClock();
    const { metadata, leases } = createAwsStores({
      region: testRegion,
      credentials: fakeCredentials,
      tableName: table.tableName,
      dynamoEndpoint: proxy.endpoint,
      clock,
    });
    const kind = 'probe-kind';
    await metadata.put({ kind, id: 'a', data: 1, dueAt: clock.now() }, { expectedVersion: 'absent' });
    await metadata.put({ kind, id: 'b', data: 2, dueAt: clock.now(), expiresAt: clock.now() + 60_000 }, { expectedVersion: 'absent' });
    await metadata.put({ kind, id: 'a', data: 3 }, { expectedVersion: 1 });
    await metadata.get(kind, 'a');
    const page = await metadata.list(kind, { limit: 1 });
    await metadata.list(kind, { limit: 1, ...(page.cursor === undefined ? {} : { cursor: page.cursor }) });
    const due = await metadata.queryDue(kind, clock.now(), { limit: 1 });
    expect(due.items).toHaveLength(1);
    await metadata.take(kind, 'b');
    await metadata.delete(kind, 'a', { expectedVersion: 2 });
    const lease = await leases.acquire('job', 'me', 1_000);
    if (lease !== undefined) await leases.release(lease);

    const requests = proxy.requests();
    expect(new Set(requests.map((r) => r.operation))).toEqual(new Set([...TABLE_OPERATIONS.read, ...TABLE_OPERATIONS.write, ...TABLE_OPERATIONS.delete]));
    const granted = new Set<string>([...TABLE_OPERATIONS.read, ...TABLE_OPERATIONS.write, ...TABLE_OPERATIONS.delete]);
    for (const request of requests) {
      expect(granted.has(request.operation), request.operation).toBe(true);
      const keys = leadingKeys(request);
      expect(keys, JSON.stringify(request.body)).toHaveLength(1);
      expect([kind, 'lease']).toContain(keys[0]);
    }
  });
});

/** Every .ts file under lib/ (the console's browser code aside). */
function libraryFiles(dir = path.join(repoRoot, 'lib')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'ui' ? [] : libraryFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const parsed = new Map<string, ts.SourceFile>();
function parse(file: string): ts.SourceFile {
  let source = parsed.get(file);
  if (source === undefined) {
    source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    parsed.set(file, source);
  }
  return source;
}

/** The string a kind expression stands for: a literal, or a `const` of this file or one it imports. */
function resolveKind(expression: ts.Expression, source: ts.SourceFile): string | undefined {
  if (ts.isStringLiteral(expression) || ts.isNoSubstitutionTemplateLiteral(expression)) return expression.text;
  if (!ts.isIdentifier(expression)) return undefined;
  const name = expression.text;
  for (const statement of source.statements) {
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (
          ts.isIdentifier(declaration.name) &&
          declaration.name.text === name &&
          declaration.initializer !== undefined &&
          (statement.declarationList.flags & ts.NodeFlags.Const) !== 0
        ) {
          return resolveKind(declaration.initializer, source);
        }
      }
    }
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier) && statement.moduleSpecifier.text.startsWith('.')) {
      const bindings = statement.importClause?.namedBindings;
      if (bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.some((element) => element.name.text === name)) {
        const imported = parse(path.resolve(path.dirname(source.fileName), statement.moduleSpecifier.text));
        return resolveKind(ts.factory.createIdentifier(name), imported);
      }
    }
  }
  return undefined;
}

interface KindUse {
  readonly file: string;
  readonly call: string;
  readonly kind: string | undefined;
}

const METADATA_METHODS = new Set(['get', 'put', 'delete', 'take', 'list', 'queryDue']);
/** The adapters and helpers that pass a caller's kind through. */
const ADAPTERS = ['lib/store/aws/', 'lib/store/local/', 'lib/store/list-all.ts'];

/** Every MetadataStore call (`….metadata.<method>(…)`, `listAll(metadata, kind, …)`) under lib/, with the kind it names. */
function kindUses(): KindUse[] {
  const uses: KindUse[] = [];
  for (const file of libraryFiles()) {
    if (ADAPTERS.some((adapter) => file.startsWith(path.join(repoRoot, adapter)))) continue;
    const source = parse(file);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression;
        let kindExpression: ts.Expression | undefined;
        let isMetadataCall = false;
        if (ts.isPropertyAccessExpression(callee) && METADATA_METHODS.has(callee.name.text) && /(^|\.)metadata$/.test(callee.expression.getText(source))) {
          isMetadataCall = true;
          const first = node.arguments[0];
          const item = callee.name.text === 'put' && first !== undefined ? itemLiteral(first, source) : undefined;
          if (callee.name.text === 'put') {
            const property = item?.properties.find((p) => ts.isPropertyAssignment(p) && p.name.getText(source) === 'kind');
            kindExpression = property !== undefined && ts.isPropertyAssignment(property) ? property.initializer : undefined;
          } else {
            kindExpression = first;
          }
        } else if (ts.isIdentifier(callee) && callee.text === 'listAll') {
          isMetadataCall = true;
          kindExpression = node.arguments[1];
        }
        if (isMetadataCall) {
          uses.push({
            file: path.relative(repoRoot, file),
            call: node.getText(source).slice(0, 80),
            kind: kindExpression === undefined ? undefined : resolveKind(kindExpression, source),
          });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return uses;
}

/**
 * The object literal a put's item is: written at the call, or returned by a function of the same
 * file that builds it (`metadata.put(integrationItem(integration))`).
 */
function itemLiteral(argument: ts.Expression, source: ts.SourceFile): ts.ObjectLiteralExpression | undefined {
  if (ts.isObjectLiteralExpression(argument)) return argument;
  if (!ts.isCallExpression(argument) || !ts.isIdentifier(argument.expression)) return undefined;
  const name = argument.expression.text;
  const builder = source.statements.find(
    (statement): statement is ts.FunctionDeclaration => ts.isFunctionDeclaration(statement) && statement.name?.text === name,
  );
  const returned = builder?.body?.statements.find((statement): statement is ts.ReturnStatement => ts.isReturnStatement(statement))?.expression;
  return returned !== undefined && ts.isObjectLiteralExpression(returned) ? returned : undefined;
}

describe('the item kinds the code names', () => {
  const uses = kindUses();

  it('finds the metadata calls of every store (the scan is not blind)', () => {
    const files = new Set(uses.map((use) => use.file));
    for (const file of [
      'lib/oauth/integration-store.ts',
      'lib/oauth/authorize.ts',
      'lib/oauth/callback.ts',
      'lib/oauth/refresh-run.ts',
      'lib/trust/trust-store.ts',
      'lib/tls/endpoints.ts',
      'lib/jwt/lifecycle-replay.ts',
      'lib/store/lease.ts',
    ]) {
      expect(files, file).toContain(file);
    }
  });

  it('names every kind through a constant or literal, never a computed string', () => {
    expect(uses.filter((use) => use.kind === undefined)).toEqual([]);
  });

  it('uses only kinds a store declares in functions/table-items.ts, so none escapes the IAM condition', () => {
    expect(uses.filter((use) => use.kind !== undefined && !declared.includes(use.kind))).toEqual([]);
  });

  it('declares each kind in one store only, and only kinds the code uses', () => {
    expect(new Set(declared).size).toBe(declared.length);
    const used = new Set(uses.map((use) => use.kind));
    expect(declared.filter((kind) => !used.has(kind))).toEqual([]);
  });
});

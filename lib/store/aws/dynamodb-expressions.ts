import type { NewItem, PutCondition } from '../ports.ts';
import { TABLE_SCHEMA } from './table-schema.ts';

const { partitionKey: PK, ttlAttribute: TTL, dueIndex } = TABLE_SCHEMA;

/**
 * Builds DynamoDB expressions with placeholders for every name and value (`data`, `ttl` and
 * others are reserved words), registering only what an expression uses: DynamoDB rejects unused ones.
 */
export class Expressions {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  private counter = 0;

  name(attribute: string): string {
    const placeholder = `#${attribute}`;
    this.names[placeholder] = attribute;
    return placeholder;
  }

  value(value: unknown): string {
    const placeholder = `:v${this.counter++}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  /** True while the item reads as present: no `expiresAt`, or one after `now`. */
  live(now: number): string {
    const expiresAt = this.name('expiresAt');
    return `(attribute_not_exists(${expiresAt}) OR ${expiresAt} > ${this.value(now)})`;
  }

  /** The ConditionExpression for a PutCondition, judged against the live item at `now`. */
  condition(condition: PutCondition, now: number): string {
    if (condition.expectedVersion === 'absent') {
      return `(attribute_not_exists(${this.name(PK)}) OR ${this.name('expiresAt')} <= ${this.value(now)})`;
    }
    return `${this.name('version')} = ${this.value(condition.expectedVersion)} AND ${this.live(now)}`;
  }

  /** The UpdateExpression writing `item` over whatever is stored, counting the version up. */
  put(item: NewItem<unknown>): string {
    const set = [
      `${this.name('data')} = ${this.value(JSON.stringify(item.data))}`,
      `${this.name('version')} = if_not_exists(${this.name('version')}, ${this.value(0)}) + ${this.value(1)}`,
    ];
    const remove: string[] = [];
    if (item.dueAt === undefined) remove.push(this.name(dueIndex.sortKey), this.name(dueIndex.partitionKey));
    else set.push(`${this.name(dueIndex.sortKey)} = ${this.value(item.dueAt)}`, `${this.name(dueIndex.partitionKey)} = ${this.value(item.kind)}`);
    if (item.expiresAt === undefined) remove.push(this.name('expiresAt'), this.name(TTL));
    else {
      set.push(`${this.name('expiresAt')} = ${this.value(item.expiresAt)}`, `${this.name(TTL)} = ${this.value(Math.ceil(item.expiresAt / 1000))}`);
    }
    return `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`;
  }

  /** ExpressionAttributeNames/Values for the command input (omitted when empty). */
  attributes(): { ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> } {
    return {
      ...(Object.keys(this.names).length > 0 ? { ExpressionAttributeNames: this.names } : {}),
      ...(Object.keys(this.values).length > 0 ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}

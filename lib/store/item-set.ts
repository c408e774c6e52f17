/**
 * The item kinds one store keeps in the metadata table. The kind is the table's partition key
 * (`pk`), so this is what IAM limits a function to: infra/aws grants each function only the kinds
 * of the stores its manifest entry names, under a `dynamodb:LeadingKeys` condition.
 */
export interface ItemSet {
  /** Every kind the store's keys use; a key with another kind is refused on AWS. */
  readonly kinds: readonly string[];
  /**
   * The store queries the `due` index. Its partition key `dueKind` is a copy of `pk`, so the same
   * kinds bound a query on the index.
   */
  readonly dueIndex?: boolean;
}

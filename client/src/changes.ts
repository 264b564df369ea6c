/** What happened to one key between two releases. */
export type ChangeType = 'added' | 'updated' | 'deleted';

/** One key's change: its value before (undefined when added) and after (undefined when deleted). */
export type ItemChange = { readonly old: string | undefined; readonly new: string | undefined; readonly type: ChangeType };

/** What a change listener receives when a namespace moves to another release with different items. */
export type ConfigChangeEvent = {
  readonly namespace: string;
  readonly releaseKey: string;
  /** The release held before: from the server, or from the cache when the client started offline. */
  readonly previousReleaseKey: string | undefined;
  /** Every added, updated and deleted key. */
  readonly changes: Readonly<Record<string, ItemChange>>;
};

/** The keys whose value differs between two snapshots of a namespace, with both values. */
export function diffItems(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): Record<string, ItemChange> {
  const changes: [string, ItemChange][] = [];
  for (const [key, value] of after) {
    const old = before.get(key);
    if (old === undefined) changes.push([key, { old: undefined, new: value, type: 'added' }]);
    else if (old !== value) changes.push([key, { old, new: value, type: 'updated' }]);
  }
  for (const [key, old] of before) if (!after.has(key)) changes.push([key, { old, new: undefined, type: 'deleted' }]);
  // fromEntries defines own properties, so a key named `__proto__` is a key like any other.
  return Object.fromEntries(changes);
}

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A stored Kubernetes object: JSON with `metadata`. Values are whatever clients sent. */
export type KubeObject = Record<string, unknown> & { metadata: ObjectMeta };
export type ObjectMeta = Record<string, unknown> & {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { uid: string; controller?: boolean; kind?: string; name?: string; apiVersion?: string; blockOwnerDeletion?: boolean }[];
  finalizers?: string[];
  deletionTimestamp?: string;
};

export const EVENT_TYPES = { added: 'ADDED', modified: 'MODIFIED', deleted: 'DELETED' } as const;
export type EventType = (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES];

/** Where an object lives: the type's group and plural, its namespace ('' when cluster-scoped) and name. */
export type ObjectKey = { group: string; plural: string; namespace: string; name: string };

/** One entry of the revision log: every write appends one, and its `rv` becomes the object's resourceVersion. */
export type StoreEvent = ObjectKey & { type: EventType; object: KubeObject; rv: number };

export type StoreOptions = {
  /** A directory for `kube-store.json`; without it the store lives in memory only. */
  dataDir?: string;
  /** How many events are kept for watch replay; older resourceVersions get 410 Expired. */
  historyLimit?: number;
};

const SNAPSHOT_FILE = 'kube-store.json';
const FLUSH_DELAY_MS = 500;
const keyString = (k: Omit<ObjectKey, 'name'> & { name?: string }): string => `${k.group}/${k.plural}/${k.namespace}/${k.name ?? ''}`;

/**
 * The revision-log store (kine's idea): one global resourceVersion counter, every write appends an
 * event, watchers replay the bounded history and then follow the live tail. Objects are copied on
 * the way in and out, so a caller mutating what it got cannot change stored state.
 */
export class KubeStore {
  private readonly objects = new Map<string, KubeObject>();
  // The same objects indexed by type (`group/plural`), so a list reads one type, not the whole store.
  private readonly byType = new Map<string, Map<string, KubeObject>>();
  private readonly history: StoreEvent[] = [];
  private readonly subscribers = new Set<(event: StoreEvent) => void>();
  private readonly historyLimit: number;
  private revision = 0;
  private flushScheduled = false;
  private closed = false;

  constructor(private readonly options: StoreOptions = {}) {
    this.historyLimit = options.historyLimit ?? 10_000;
    this.load();
  }

  /** The latest resourceVersion written (the one a LIST reports). */
  get resourceVersion(): number {
    return this.revision;
  }

  /** The oldest resourceVersion a watch can still resume from without 410 Expired. */
  get oldestReplayable(): number {
    const first = this.history[0];
    return first ? first.rv - 1 : this.revision;
  }

  get(key: ObjectKey): KubeObject | undefined {
    const found = this.objects.get(keyString(key));
    return found && structuredClone(found);
  }

  /** The objects of one type, in one namespace or (namespace undefined) all of them. */
  list(group: string, plural: string, namespace?: string): KubeObject[] {
    const prefix = namespace === undefined ? `${group}/${plural}/` : keyString({ group, plural, namespace });
    const found: KubeObject[] = [];
    for (const [key, object] of this.byType.get(`${group}/${plural}`) ?? []) if (key.startsWith(prefix)) found.push(structuredClone(object));
    return found;
  }

  /** Every stored object of every type, with its key (garbage collection walks this). */
  *entries(): Generator<[ObjectKey, KubeObject]> {
    for (const [key, object] of this.objects) {
      const [group = '', plural = '', namespace = ''] = key.split('/');
      yield [{ group, plural, namespace, name: object.metadata.name }, object];
    }
  }

  /** Stores (creates or replaces) an object, stamping the next resourceVersion, and returns the stored copy. */
  put(key: ObjectKey, object: KubeObject): KubeObject {
    const type = this.objects.has(keyString(key)) ? EVENT_TYPES.modified : EVENT_TYPES.added;
    const stored = structuredClone(object);
    stored.metadata.resourceVersion = String(++this.revision);
    this.index(keyString(key), stored);
    this.append({ ...key, type, object: stored, rv: this.revision });
    return structuredClone(stored);
  }

  /** Removes an object; the DELETED event carries its last state with a new resourceVersion. */
  remove(key: ObjectKey): KubeObject | undefined {
    const existing = this.objects.get(keyString(key));
    if (!existing) return undefined;
    this.objects.delete(keyString(key));
    this.byType.get(`${key.group}/${key.plural}`)?.delete(keyString(key));
    existing.metadata.resourceVersion = String(++this.revision);
    this.append({ ...key, type: EVENT_TYPES.deleted, object: existing, rv: this.revision });
    return structuredClone(existing);
  }

  /** The events newer than `rv`, or undefined when some of them have been dropped from the history. */
  eventsSince(rv: number): StoreEvent[] | undefined {
    if (rv < this.oldestReplayable) return undefined;
    return this.history.filter((e) => e.rv > rv);
  }

  /** Calls `listener` for every later write; returns the unsubscribe function. */
  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  }

  /** Writes the snapshot one last time; later writes stay in memory (the server calls it on close). */
  close(): void {
    this.flush();
    this.closed = true;
  }

  /** Writes the snapshot now. */
  flush(): void {
    this.flushScheduled = false;
    if (!this.options.dataDir || this.closed) return;
    mkdirSync(this.options.dataDir, { recursive: true });
    const path = join(this.options.dataDir, SNAPSHOT_FILE);
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify({ revision: this.revision, objects: [...this.objects] }));
    renameSync(temporary, path);
  }

  private index(key: string, object: KubeObject): void {
    this.objects.set(key, object);
    const type = key.split('/', 2).join('/');
    const ofType = this.byType.get(type) ?? new Map<string, KubeObject>();
    ofType.set(key, object);
    this.byType.set(type, ofType);
  }

  private append(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length > this.historyLimit) this.history.splice(0, this.history.length - this.historyLimit);
    for (const listener of this.subscribers) listener(event);
    this.scheduleFlush();
  }

  // Writes are coalesced for up to FLUSH_DELAY_MS: a cluster writes pod status all the time, and one
  // snapshot covers a burst. A crash (not a stop: `close` flushes) can lose that last moment of writes.
  private scheduleFlush(): void {
    if (!this.options.dataDir || this.flushScheduled) return;
    this.flushScheduled = true;
    setTimeout(() => this.flush(), FLUSH_DELAY_MS).unref();
  }

  private load(): void {
    if (!this.options.dataDir) return;
    const path = join(this.options.dataDir, SNAPSHOT_FILE);
    if (!existsSync(path)) return;
    const snapshot = JSON.parse(readFileSync(path, 'utf8')) as { revision: number; objects: [string, KubeObject][] };
    this.revision = snapshot.revision;
    for (const [key, object] of snapshot.objects) this.index(key, object);
  }
}

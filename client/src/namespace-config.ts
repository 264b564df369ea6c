/** Where the values a namespace currently holds came from. */
export type SnapshotSource = 'server' | 'cache';

/** The values a namespace holds right now. */
export type NamespaceState = {
  readonly releaseKey: string;
  readonly items: ReadonlyMap<string, string>;
  readonly source: SnapshotSource;
};

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/**
 * Typed reads of one namespace. The view is live: every call reads the values the client holds at
 * that moment, so keep the view and call it again after a change. A key that is missing, or whose
 * value does not convert, gives the default.
 */
export class NamespaceConfig {
  readonly name: string;
  readonly #state: () => NamespaceState;

  constructor(name: string, state: () => NamespaceState) {
    this.name = name;
    this.#state = state;
  }

  /** The release whose values this namespace holds. */
  get releaseKey(): string {
    return this.#state().releaseKey;
  }

  /** `server` once loaded from the server; `cache` while the values are the local cache's. */
  get source(): SnapshotSource {
    return this.#state().source;
  }

  has(key: string): boolean {
    return this.#state().items.has(key);
  }

  /** The keys, in the server's order (key order). */
  keys(): string[] {
    return [...this.#state().items.keys()];
  }

  /** Every key and value, as a new object. */
  getAll(): Record<string, string> {
    return Object.fromEntries(this.#state().items);
  }

  /** The value as stored. */
  getString(key: string): string | undefined;
  getString(key: string, defaultValue: string): string;
  getString(key: string, defaultValue?: string): string | undefined {
    return this.#state().items.get(key) ?? defaultValue;
  }

  /** The value as a finite number (`Number()` of the trimmed text); the default when empty or not a number. */
  getNumber(key: string): number | undefined;
  getNumber(key: string, defaultValue: number): number;
  getNumber(key: string, defaultValue?: number): number | undefined {
    const text = this.#state().items.get(key)?.trim();
    if (!text) return defaultValue;
    const value = Number(text);
    return Number.isFinite(value) ? value : defaultValue;
  }

  /** `true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off` in any case; the default for anything else. */
  getBoolean(key: string): boolean | undefined;
  getBoolean(key: string, defaultValue: boolean): boolean;
  getBoolean(key: string, defaultValue?: boolean): boolean | undefined {
    const text = this.#state().items.get(key)?.trim().toLowerCase();
    if (text === undefined) return defaultValue;
    if (TRUE.has(text)) return true;
    if (FALSE.has(text)) return false;
    return defaultValue;
  }

  /**
   * The value parsed as JSON. Pass `parse` (a type guard's throwing form, or a schema's `parse`) to
   * check the shape; without it the parsed value is returned as `T` unchecked. Invalid JSON, or a
   * value `parse` throws on, gives the default.
   */
  getJson<T>(key: string, defaultValue: T, parse?: (value: unknown) => T): T {
    const text = this.#state().items.get(key);
    if (text === undefined) return defaultValue;
    try {
      const value: unknown = JSON.parse(text);
      return parse ? parse(value) : (value as T);
    } catch {
      return defaultValue;
    }
  }
}

/**
 * Pages of released configuration kept in the function container's memory. A release is immutable
 * (its manifest and the item versions it names never change), so a page is keyed by the namespace's
 * uid, the release id and the page's bounds, and never goes stale: a new publish or rollback has a
 * new release id, which the `configs` read learns from the head it reads first. Bounded by the
 * characters it holds, least recently used first out.
 */
export const PAGE_CACHE_MAX_CHARS = 16 * 1024 * 1024;

type Page = Readonly<Record<string, string>>;

export class PageCache {
  private readonly pages = new Map<string, { items: Page; chars: number }>();
  private chars = 0;

  constructor(private readonly maxChars = PAGE_CACHE_MAX_CHARS) {}

  get(key: string): Page | undefined {
    const hit = this.pages.get(key);
    if (!hit) return undefined;
    // Map keeps insertion order: re-inserting marks the page most recently used.
    this.pages.delete(key);
    this.pages.set(key, hit);
    return hit.items;
  }

  set(key: string, items: Page): void {
    const chars = Object.entries(items).reduce((sum, [k, v]) => sum + k.length + v.length, key.length);
    if (chars > this.maxChars) return;
    const previous = this.pages.get(key);
    if (previous) {
      this.pages.delete(key);
      this.chars -= previous.chars;
    }
    for (const [oldest, page] of this.pages) {
      if (this.chars + chars <= this.maxChars) break;
      this.pages.delete(oldest);
      this.chars -= page.chars;
    }
    this.pages.set(key, { items, chars });
    this.chars += chars;
  }

  get size(): number {
    return this.pages.size;
  }
}

/** One cache per container, shared by every `configs` request it serves. */
export const configPages = new PageCache();

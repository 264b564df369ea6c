import { randomBytes } from 'node:crypto';

/** A sortable unique id: `<prefix>-<ms since epoch, base36, 9 chars><10 random base32 chars>`. */
export function newId(prefix: string): string {
  const time = Date.now().toString(36).padStart(9, '0');
  const random = [...randomBytes(10)].map((b) => 'abcdefghijklmnopqrstuvwxyz234567'[b % 32]).join('');
  return `${prefix}-${time}${random}`;
}

/** RFC 3339 UTC timestamp, the only timestamp format this API returns. */
export function nowIso(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

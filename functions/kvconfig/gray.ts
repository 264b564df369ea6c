import { isIP } from 'node:net';
import type { ManifestRef } from './store/releases.js';
import type { GrayState, NamespaceRecord } from './store/records.js';

/**
 * Which release a client is served: the gray release of the namespace's gray branch when the client
 * matches its rules, else the main release. Decided from the namespace item alone (no read of its
 * own), so `configs`, `notifications` and the push fan-out decide per client with the one read of
 * the namespace item — or the stream image of it — they already have.
 */

/** Who asks: the `ip` (default: the caller's source address) and `label` (comma-separated) parameters. */
export type GrayClient = Readonly<{ ip?: string | undefined; label?: string | undefined }>;

/** The release a client is served, with the comment `configs` shows and whether it is the gray one. */
export type ServedHead = ManifestRef & { comment: string; gray: boolean };

/**
 * One spelling per address, so a rule and a client compare as strings: lower case, an IPv4-mapped
 * IPv6 address (`::ffff:10.0.0.1`, what a dual-stack socket reports) as its IPv4 address, and IPv6
 * in its shortest form (`0:0::1` → `::1`). Anything else is returned trimmed, and matches nothing.
 */
export function normalizeIp(ip: string): string {
  const value = ip.trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(value);
  if (mapped?.[1] && isIP(mapped[1]) === 4) return mapped[1];
  if (isIP(value) === 6) return new URL(`http://[${value}]/`).hostname.slice(1, -1);
  return value;
}

/** The client's labels: the comma-separated `label` parameter, trimmed, empty ones dropped. */
export function clientLabels(label: string | undefined): string[] {
  return (label ?? '')
    .split(',')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** Whether the client's ip is one of the rules' ips, or any of its labels one of the rules' labels. */
export function grayMatches(gray: Pick<GrayState, 'ips' | 'labels'>, client: GrayClient): boolean {
  if (client.ip && gray.ips.length > 0 && gray.ips.includes(normalizeIp(client.ip))) return true;
  return gray.labels.length > 0 && clientLabels(client.label).some((label) => gray.labels.includes(label));
}

/**
 * The release `client` is served: the published gray release when the namespace has one and the
 * client matches its rules, else the main release; undefined when there is neither.
 */
export function servedHead(ns: NamespaceRecord, client: GrayClient): ServedHead | undefined {
  const gray = ns.gray?.release;
  if (gray && ns.gray && grayMatches(ns.gray, client)) return { release_id: gray.release_id, item_count: gray.item_count, comment: gray.comment, gray: true };
  if (!ns.latest_release_id) return undefined;
  return { release_id: ns.latest_release_id, item_count: ns.latest_item_count ?? 0, comment: ns.latest_comment ?? '', gray: false };
}

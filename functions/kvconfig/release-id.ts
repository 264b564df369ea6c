import { randomBytes } from 'node:crypto';

/**
 * Release ids carry the release's sequence number, so a release is found by id with one GetItem on
 * its (uid, seq) key and no index: `r-` + UTC yyyyMMddHHmmss + seq (6 base-36 digits) + 8 random hex.
 * The id is then checked against the stored one, so a forged id finds nothing.
 */
export function makeReleaseId(seq: number, at: Date): string {
  const stamp = at.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `r-${stamp}${seq.toString(36).padStart(6, '0')}${randomBytes(4).toString('hex')}`;
}

export function seqOfReleaseId(id: string): number | undefined {
  const match = /^r-\d{14}([0-9a-z]{6})[0-9a-f]{8}$/.exec(id);
  return match?.[1] ? Number.parseInt(match[1], 36) : undefined;
}

/**
 * Gray release ids: `g-` + UTC yyyyMMddHHmmss + 14 random hex. They have no sequence (a gray release
 * is found by id in its own partition), and the prefix tells them from main release ids.
 */
export function makeGrayReleaseId(at: Date): string {
  const stamp = at.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `g-${stamp}${randomBytes(7).toString('hex')}`;
}

export function isGrayReleaseId(id: string): boolean {
  return /^g-\d{14}[0-9a-f]{14}$/.test(id);
}

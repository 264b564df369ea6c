import { describeCause } from './errors.js';
import type { Logger } from './logger.js';
import { type WorkPaths, exists, releaseDir, removeReleasesExcept } from './releases.js';
import type { KeptRelease, StateStore } from './state-store.js';

/** Releases kept on disk, the current one included, unless `startAgent` says otherwise. */
export const DEFAULT_KEEP_RELEASES = 5;

export type ActivatedRelease = {
  version: string;
  package_url: string;
  sha256: string | null;
  /** The release that was current before; recorded if the agent did not know it (installed by hand). */
  previous: string | null;
  startedAt: string;
};

/**
 * Records that `version` is now current, then prunes: the `keep` most recently activated releases
 * stay (the current one always), older folders are deleted. Folders the state does not know are
 * deleted too, except the previous release, which is adopted so it can be rolled back to.
 */
export async function keepRelease(ctx: { paths: WorkPaths; store: StateStore; logger: Logger; keep: number }, activated: ActivatedRelease): Promise<void> {
  const now = new Date().toISOString();
  const adoptPrevious =
    activated.previous !== null &&
    !ctx.store.get().releases.some((release) => release.version === activated.previous) &&
    (await exists(releaseDir(ctx.paths, activated.previous)));
  let kept: KeptRelease[] = [];
  await ctx.store.update((state) => {
    const existing = state.releases.find((release) => release.version === activated.version);
    const others = state.releases.filter((release) => release.version !== activated.version);
    if (adoptPrevious && activated.previous !== null) {
      others.push({ version: activated.previous, package_url: '', sha256: null, installed_at: activated.startedAt, activated_at: activated.startedAt });
    }
    const current: KeptRelease = {
      version: activated.version,
      package_url: activated.package_url,
      sha256: activated.sha256,
      installed_at: existing?.installed_at ?? now,
      activated_at: now,
    };
    // ISO timestamps sort as strings.
    const byRecency = [current, ...others.sort((a, b) => b.activated_at.localeCompare(a.activated_at))];
    kept = byRecency.slice(0, Math.max(1, ctx.keep));
    state.releases = kept;
  });
  try {
    const removed = await removeReleasesExcept(ctx.paths, new Set(kept.map((release) => release.version)));
    if (removed.length > 0) ctx.logger.info('releases.pruned', { removed, kept: kept.map((release) => release.version) });
  } catch (error) {
    // Pruning is housekeeping: a failure here must not turn a good deploy into a failed one.
    ctx.logger.warn('releases.prune_failed', { error: describeCause(error) });
  }
}

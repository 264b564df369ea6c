import { config } from '#shared/config.js';
import { nowIso } from '#shared/ids.js';
import { InstanceNotFoundError, ServiceNotFoundError } from './errors.js';
import { hourOf } from './keys.js';
import { instanceHealth, listHistory, sumStats } from './store/fleet-records.js';
import * as instances from './store/instances.js';
import type { InstanceRecord } from './store/records.js';

/** Reads about the fleet: versions, instances, version history, and the system's statistics. */

/** An instance is unhealthy once three heartbeats in a row are missing. */
export function staleBefore(now = Date.now()): string {
  return nowIso(new Date(now - 3 * config.agent.heartbeatSeconds * 1000));
}

const healthOf = (i: InstanceRecord, threshold: string) => (i.last_heartbeat >= threshold ? 'healthy' : 'unhealthy');

/** `running`/`error` come from the agent; a running instance that stopped heartbeating shows `unhealthy` too. */
function statusOf(i: InstanceRecord, threshold: string): string {
  return i.state === 'running' ? healthOf(i, threshold) : i.state;
}

async function requireService(service: string): Promise<InstanceRecord[]> {
  if (!(await instances.serviceExists(service))) throw new ServiceNotFoundError(service);
  return instances.listInstances(service);
}

export async function instanceVersions(service: string, includeStopped: boolean) {
  const all = (await requireService(service)).filter((i) => includeStopped || i.state !== 'stopped');
  const summary: Record<string, number> = {};
  for (const i of all) summary[i.version] = (summary[i.version] ?? 0) + 1;
  const updated =
    all
      .map((i) => i.version_updated_at ?? i.registered_at)
      .sort()
      .at(-1) ?? nowIso();
  return {
    service,
    instances: all.map((i) => ({ instance_id: i.instance_id, version: i.version, status: i.state, last_updated: i.version_updated_at ?? i.registered_at })),
    version_summary: summary,
    total_instances: all.length,
    updated_at: updated,
  };
}

/**
 * Instances with filters. `status` accepts the agent states (`running`, `stopped`, `error`) and the
 * heartbeat health (`healthy`, `unhealthy`).
 */
export async function listInstances(service: string, filter: { status?: string | undefined; version?: string | undefined; limit: number; offset: number }) {
  const threshold = staleBefore();
  const matching = (await requireService(service)).filter((i) => {
    if (filter.version && i.version !== filter.version) return false;
    if (!filter.status) return true;
    if (filter.status === 'healthy' || filter.status === 'unhealthy') return i.state === 'running' && healthOf(i, threshold) === filter.status;
    return i.state === filter.status;
  });
  return {
    service,
    instances: matching.slice(filter.offset, filter.offset + filter.limit).map((i) => ({
      instance_id: i.instance_id,
      host: i.host,
      port: i.port,
      status: statusOf(i, threshold),
      version: i.version,
      last_heartbeat: i.last_heartbeat,
      metadata: i.metadata,
    })),
    total: matching.length,
    limit: filter.limit,
    offset: filter.offset,
  };
}

export async function versionHistory(instance: string, limit: number, offset: number) {
  const service = await instances.ownerOf(instance);
  if (!service) throw new InstanceNotFoundError([instance]);
  const record = await instances.getInstance(service, instance);
  const history = await listHistory(instance, offset, limit);
  return { instance_id: instance, service, history, total: record?.history_count ?? history.length };
}

const PERIOD_HOURS = { '1h': 1, '24h': 24, '7d': 24 * 7, '30d': 24 * 30 } as const;
export type Period = keyof typeof PERIOD_HOURS;

const hourStamp = (ms: number) => hourOf(nowIso(new Date(ms)));
const rate = (success: number, failed: number) => (success + failed === 0 ? 0 : Math.round((success / (success + failed)) * 10_000) / 100);

/**
 * Statistics from hourly counters (an operation counts in the hour it started; `1h` is the current
 * and the previous hour bucket) and the instance counter plus the count of stale heartbeats.
 */
export async function stats(period: Period) {
  const now = Date.now();
  const from = hourStamp(now - (PERIOD_HOURS[period] - (period === '1h' ? 0 : 1)) * 3_600_000);
  const [totals, health] = await Promise.all([sumStats(from, hourStamp(now)), instanceHealth(staleBefore(now))]);
  const block = (kind: 'deploy' | 'rollback') => {
    const success = totals[`${kind}_success`] ?? 0;
    const failed = totals[`${kind}_failed`] ?? 0;
    return { total: totals[`${kind}_total`] ?? 0, success, failed, cancelled: totals[`${kind}_cancelled`] ?? 0, success_rate: rate(success, failed) };
  };
  return {
    period,
    deployments: block('deploy'),
    rollbacks: block('rollback'),
    instances: { total: health.total, healthy: Math.max(0, health.total - health.stale), unhealthy: health.stale },
    timestamp: nowIso(),
  };
}

import type { KubeConfig } from '@kubernetes/client-node';
import { nowIso } from '#shared/ids.js';
import { HelmCommandError } from './helm-cli.js';
import type { Operation } from './operation-input.js';
import { refOf } from './operation-input.js';
import { overallVerdict, resourceVerdict } from './readiness.js';
import type { HelmRelease } from './release-objects.js';
import { podsOf, readReleaseObjects, releaseHistory } from './release-objects.js';
import { PENDING, unlockRelease } from './release-unlock.js';
import { getSettings } from './settings.js';
import type { AppRef } from './store/apps.js';
import { getApp, listOperations, releaseName, updateDuringOperation, updateOperationRecord } from './store/apps.js';
import type { AppRecord, AppState, ResourceStatus } from './store/records.js';

/**
 * What the helm-operation workflow's tasks do, apart from running helm: recover a stuck release
 * before starting, check readiness between waits, and record the result on the app. Each write to
 * the app is conditional on the operation still being the app's, so a late task changes nothing.
 */

/** The task was given an operation that is no longer the app's (it ended, or the app was replaced). */
export class OperationSupersededError extends Error {
  override name = 'OperationSuperseded';
}

export async function appOf(op: Operation): Promise<AppRecord> {
  const app = await getApp(refOf(op));
  if (!app || app.operation?.id !== op.id) throw new OperationSupersededError(`operation ${op.id} is no longer in flight on ${op.namespace}/${op.name}`);
  return app;
}

const DEPLOYED = new Set(['deployed', 'superseded']);

/**
 * Before an operation: a release stuck in pending-* is unlocked (no operation of ours is in flight —
 * this one holds the app's lock); an install over a release that never deployed removes the remains
 * first. Returns what was recovered (or null) and, for a rollback, the revision to go back to.
 */
export async function prepareRelease(
  kc: KubeConfig,
  op: Operation,
  uninstall: () => Promise<void>,
): Promise<{ recovered: string | null; rollbackTo: number | null; history: HelmRelease[] }> {
  let history = await releaseHistory(kc, op.namespace, op.name);
  const notes: string[] = [];
  const latest = history.at(-1);
  if (latest && (PENDING as readonly string[]).includes(latest.status)) {
    notes.push(await unlockRelease(kc, op.namespace, op.name, latest.revision, latest.status));
    history = await releaseHistory(kc, op.namespace, op.name);
  }
  if (op.kind === 'install' && history.length > 0 && !history.some((r) => DEPLOYED.has(r.status))) {
    await uninstall();
    notes.push(`removed the remains of an earlier install of ${op.namespace}/${op.name} that never deployed`);
    history = [];
  }
  if (op.kind !== 'install' && op.kind !== 'delete' && history.length === 0) {
    throw new HelmCommandError(`release ${op.namespace}/${op.name} does not exist in the cluster`);
  }
  let rollbackTo: number | null = null;
  if (op.kind === 'rollback') {
    const current = history.at(-1)?.revision ?? 0;
    if (op.target_revision !== null) {
      if (!history.some((r) => r.revision === op.target_revision)) {
        throw new HelmCommandError(
          `revision ${op.target_revision} of ${op.namespace}/${op.name} does not exist (revisions: ${history.map((r) => r.revision).join(', ')})`,
        );
      }
      rollbackTo = op.target_revision;
    } else {
      const previous = history.filter((r) => r.revision < current && DEPLOYED.has(r.status)).at(-1);
      if (!previous) throw new HelmCommandError(`${op.namespace}/${op.name} has no earlier deployed revision to roll back to`);
      rollbackTo = previous.revision;
    }
  }
  const recovered = notes.length > 0 ? notes.join('; ') : null;
  if (recovered) await updateOperationRecord(refOf(op), op.started_at, op.id, { recovered });
  return { recovered, rollbackTo, history };
}

/** The release's resources against the readiness rules; writes the progress onto the app. */
export async function checkReadiness(kc: KubeConfig, op: Operation): Promise<{ verdict: 'ready' | 'pending' | 'failed' | 'timeout'; message: string }> {
  const settings = await getSettings();
  const latest = (await releaseHistory(kc, op.namespace, op.name)).at(-1);
  if (!latest) return { verdict: 'failed', message: `release ${op.namespace}/${op.name} is not in the cluster` };
  const { objects, pods } = await readReleaseObjects(kc, op.namespace, latest.manifest);
  const options = { now: Date.now(), imagePullGraceSeconds: settings.imagePullGraceSeconds, readyStableSeconds: settings.readyStableSeconds };
  const verdicts = objects.map((o) => resourceVerdict(o, o.kind === 'Pod' ? [] : podsOf(o, pods), options));
  const overall = overallVerdict(verdicts);
  const resources: ResourceStatus[] = verdicts.map(({ verdict: _, ...r }) => r);
  let result: { verdict: 'ready' | 'pending' | 'failed' | 'timeout'; message: string } = overall;
  if (overall.verdict === 'pending' && !op.wait) result = { verdict: 'ready', message: `applied without waiting; ${overall.message}` };
  else if (overall.verdict === 'pending' && Date.now() >= op.deadline) {
    const waited = Math.round((op.deadline - new Date(op.started_at).getTime()) / 1000);
    result = { verdict: 'timeout', message: `not ready after ${waited}s: ${overall.message}` };
  }
  await updateDuringOperation(refOf(op), op.id, {
    resources,
    ...(result.verdict === 'pending' ? { transitioning_message: `${transitionalWord(op)}: waiting for ${overall.message}` } : {}),
  });
  return result;
}

function transitionalWord(op: Operation): string {
  return {
    install: 'Installing',
    upgrade: 'Upgrading',
    rollback: 'Rolling back',
    delete: 'Removing',
    restart: 'Restarting',
    pause: 'Pausing',
    resume: 'Resuming',
  }[op.kind];
}

/**
 * Ends the operation: the app's state, message and revision, the operation record, and the lock.
 * A failure names the reason; a removal frees the name. Does nothing when the operation already ended.
 */
export async function finishOperation(op: Operation, outcome: 'succeeded' | 'failed', message: string, kc?: KubeConfig): Promise<boolean> {
  const ref: AppRef = refOf(op);
  const now = nowIso();
  const app = await getApp(ref);
  if (!app || app.operation?.id !== op.id) return false;
  const latest = kc && op.kind !== 'delete' ? (await releaseHistory(kc, op.namespace, op.name).catch(() => [])).at(-1) : undefined;
  const removed = outcome === 'succeeded' && op.kind === 'delete';
  const state: AppState = outcome === 'failed' ? 'error' : removed ? 'removed' : 'active';
  const spec = op.kind === 'rollback' && outcome === 'succeeded' && latest ? await specAfterRollback(ref, app, latest) : app.spec;
  const text = outcome === 'failed' ? message : removed ? 'removed' : '';
  const ended = await updateDuringOperation(
    ref,
    op.id,
    {
      state,
      transitioning: outcome === 'failed' ? 'error' : 'no',
      transitioning_message: text,
      spec,
      revision: latest?.revision ?? app.revision,
      last_operation: { id: op.id, kind: op.kind, status: outcome, ended_at: now, message: message || outcome },
      updated: now,
      ...(op.kind === 'resume' && outcome === 'succeeded' ? { paused: null } : {}),
      ...(removed ? { resources: [], expires_at: Math.floor(Date.now() / 1000) + 7 * 86_400 } : {}),
    },
    true,
  );
  if (!ended) return false;
  // A revision belongs to the operation only when the operation made it (a refused rollback makes none).
  const produced = latest && latest.revision > app.revision ? latest.revision : null;
  await updateOperationRecord(ref, op.started_at, op.id, {
    status: outcome,
    ended_at: now,
    message: message || outcome,
    revision: produced,
    ...(op.kind === 'rollback' && latest ? { spec } : {}),
  });
  if (removed) await releaseName(app);
  return true;
}

/** After a rollback the app is what it was at the target revision: that operation's chart version and values. */
async function specAfterRollback(ref: AppRef, app: AppRecord, latest: HelmRelease): Promise<AppRecord['spec']> {
  const ops = await listOperations(ref);
  const target = latest.description.match(/Rollback to (\d+)/)?.[1];
  const source = ops.find((o) => o.status === 'succeeded' && o.revision !== null && String(o.revision) === target);
  if (source) return source.spec;
  return { ...app.spec, version: latest.chartVersion || app.spec.version };
}

/** The in-flight operation of an app as its execution's input had it (for ending it from outside the execution). */
export function inFlightOperation(app: AppRecord): Operation | undefined {
  if (!app.operation) return undefined;
  return {
    id: app.operation.id,
    kind: app.operation.kind,
    started_at: app.operation.started_at,
    cluster: app.cluster,
    namespace: app.namespace,
    name: app.name,
    deadline: 0,
    wait: app.wait,
    target_revision: null,
    force: false,
    purge: false,
  };
}

/** The first line of a task failure's cause: Lambda wraps it as `{"errorType","errorMessage",…}`. */
export function causeMessage(error: { Error: string; Cause?: string | undefined }): string {
  try {
    const parsed = JSON.parse(error.Cause ?? '') as { errorMessage?: string };
    if (parsed.errorMessage) return parsed.errorMessage;
  } catch {
    // not JSON: the cause as it is
  }
  return error.Cause ? `${error.Error}: ${error.Cause}` : error.Error;
}

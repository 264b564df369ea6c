import { createHash } from 'node:crypto';
import { ConflictError, InternalError, NotFoundError, ValidationError } from '#shared/errors.js';
import { newId, nowIso } from '#shared/ids.js';
import { executionArn, startWorkflow, stopWorkflow } from '#shared/workflows.js';
import { chartSource } from './chart-source.js';
import { kubeConfigFor } from './clusters.js';
import type { Operation } from './operation-input.js';
import { finishOperation, inFlightOperation } from './operation-steps.js';
import { getSettings } from './settings.js';
import type { AppRef } from './store/apps.js';
import { AppBusyError, beginOperation, createApp, getApp, namespaceOfProjectApp } from './store/apps.js';
import type { AppRecord, AppSpec, InFlight, OperationKind, OperationRecord } from './store/records.js';

/**
 * The Helm application API's writes. Each records an operation on the app (the lock: one at a time,
 * 409 for a second) and starts a helm-operation execution named after it. The request returns at
 * once with the transitional state; the workflow records the result.
 */

export type Scope = Readonly<{ cluster: string; project: string }>;

/** `clusterId:projectId` or `projectId` (the default cluster). */
export function scopeOf(projectId: string): Scope {
  const [first, second] = projectId.split(':');
  return second === undefined ? { cluster: 'default', project: first ?? '' } : { cluster: first ?? '', project: second };
}

/** How a projectId is written back: without the cluster when it is the default one. */
export function projectIdOf(scope: Scope): string {
  return scope.cluster === 'default' ? scope.project : `${scope.cluster}:${scope.project}`;
}

/** JSON with object keys sorted: DynamoDB does not keep the order of a map's keys. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, canonical(v)]),
    );
  return value;
}
const fingerprintOf = (value: unknown) =>
  createHash('sha256')
    .update(JSON.stringify(canonical(value)))
    .digest('hex')
    .slice(0, 32);

const TRANSITIONAL: Record<OperationKind, AppRecord['state']> = {
  install: 'installing',
  upgrade: 'upgrading',
  rollback: 'upgrading',
  restart: 'upgrading',
  pause: 'upgrading',
  resume: 'upgrading',
  delete: 'removing',
};

/** A chart reference must name a registered repository and the cluster must exist, before anything is recorded. */
async function checkSources(scope: Scope, spec: AppSpec): Promise<void> {
  await kubeConfigFor(scope.cluster);
  try {
    await chartSource(spec.repo, spec.chart, spec.version);
  } catch (error) {
    if (error instanceof NotFoundError) throw new ValidationError(`${error.message}: add it with POST /v1/repos`, { field: 'externalId' });
    throw error;
  }
}

function changesBetween(before: AppSpec | undefined, after: AppSpec): string[] {
  if (!before) return [`install ${after.repo}/${after.chart} ${after.version}`];
  const out: string[] = [];
  if (before.chart !== after.chart || before.repo !== after.repo) out.push(`chart ${before.repo}/${before.chart} → ${after.repo}/${after.chart}`);
  if (before.version !== after.version) out.push(`version ${before.version} → ${after.version}`);
  for (const key of new Set([...Object.keys(before.answers), ...Object.keys(after.answers)])) {
    const [a, b] = [before.answers[key], after.answers[key]];
    if (a !== b) out.push(a === undefined ? `answer ${key} added` : b === undefined ? `answer ${key} removed` : `answer ${key} changed`);
  }
  if (before.values_yaml !== after.values_yaml) out.push('valuesYaml changed');
  if (JSON.stringify(before.values) !== JSON.stringify(after.values)) out.push('values changed');
  return out;
}

function operationRecord(ref: AppRef, inFlight: InFlight, who: string, spec: AppSpec, changes: string[], target: number | null): OperationRecord {
  return {
    id: inFlight.id,
    kind: inFlight.kind,
    cluster: ref.cluster,
    namespace: ref.namespace,
    name: ref.name,
    started_at: inFlight.started_at,
    ended_at: null,
    status: 'running',
    who,
    spec,
    changes,
    revision: null,
    target_revision: target,
    message: '',
    recovered: null,
  };
}

async function launch(app: AppRecord, inFlight: InFlight, extra: { target_revision: number | null; force: boolean; purge: boolean }): Promise<void> {
  const settings = await getSettings();
  const operation: Operation = {
    id: inFlight.id,
    kind: inFlight.kind,
    started_at: inFlight.started_at,
    cluster: app.cluster,
    namespace: app.namespace,
    name: app.name,
    deadline: new Date(inFlight.started_at).getTime() + app.timeout * 1000,
    wait: app.wait,
    ...extra,
  };
  try {
    await startWorkflow('helm-operation', inFlight.id, { operation, pollSeconds: settings.pollSeconds });
  } catch (error) {
    await finishOperation(operation, 'failed', `the workflow could not be started: ${error instanceof Error ? error.message : String(error)}`);
    throw new InternalError('the operation could not be started; the app records the reason', { cause: error });
  }
}

export type InstallInput = Readonly<{
  scope: Scope;
  namespace: string;
  name: string;
  api: AppRecord['api'];
  spec: AppSpec;
  wait?: boolean | undefined;
  timeout?: number | undefined;
  prune?: boolean | undefined;
  who: string;
}>;

/**
 * Installs an app. The same request again (same spec, still installed) returns the app as it is and
 * starts nothing; a different app under a taken name is 409.
 */
export async function installApp(input: InstallInput): Promise<{ app: AppRecord; started: boolean }> {
  const { scope, namespace, name } = input;
  const settings = await getSettings();
  const ref: AppRef = { cluster: scope.cluster, namespace, name };
  const wait = input.wait ?? true;
  const timeout = input.timeout ?? settings.defaultTimeoutSeconds;
  const fingerprint = fingerprintOf(['install', scope.project, input.spec, wait, timeout]);
  const existing = await getApp(ref);
  if (existing && existing.state !== 'removed') {
    if (existing.install_fingerprint === fingerprint) return { app: existing, started: false };
    throw new ConflictError(`app ${name} already exists in namespace ${namespace}${existing.operation ? ` (${existing.operation.kind} in flight)` : ''}`);
  }
  const claimed = await namespaceOfProjectApp(scope.cluster, scope.project, name);
  if (claimed && claimed !== namespace) throw new ConflictError(`project ${projectIdOf(scope)} already has an app named ${name} (in namespace ${claimed})`);
  await checkSources(scope, input.spec);
  const now = nowIso();
  const inFlight: InFlight = { id: newId('op'), kind: 'install', started_at: now, fingerprint };
  const app: AppRecord = {
    cluster: scope.cluster,
    project: scope.project,
    namespace,
    name,
    api: input.api,
    spec: input.spec,
    wait,
    timeout,
    prune: input.prune ?? false,
    state: 'installing',
    transitioning: 'yes',
    transitioning_message: 'Installing application asynchronously',
    operation: inFlight,
    last_operation: null,
    revision: 0,
    resources: [],
    paused: null,
    created: now,
    created_by: input.who,
    updated: now,
    install_fingerprint: fingerprint,
  };
  try {
    await createApp(app, operationRecord(ref, inFlight, input.who, input.spec, changesBetween(undefined, input.spec), null));
  } catch (error) {
    if (error instanceof AppBusyError)
      throw new ConflictError(`app ${name} was just created by another request in namespace ${namespace} or project ${projectIdOf(scope)}`);
    throw error;
  }
  await launch(app, inFlight, { target_revision: null, force: false, purge: false });
  return { app, started: true };
}

export type ChangeInput = Readonly<{
  kind: Exclude<OperationKind, 'install'>;
  /** The new spec (upgrade); undefined keeps the app's. */
  spec?: AppSpec | undefined;
  wait?: boolean | undefined;
  timeout?: number | undefined;
  targetRevision?: number | undefined;
  force?: boolean | undefined;
  /** Delete only: remove the app's namespace and volumes too. */
  purge?: boolean | undefined;
  who: string;
}>;

const MESSAGES: Record<ChangeInput['kind'], (app: AppRecord, input: ChangeInput) => string> = {
  upgrade: (app, input) => `Upgrading to ${(input.spec ?? app.spec).chart} ${(input.spec ?? app.spec).version}`,
  rollback: (_, input) => (input.targetRevision ? `Rolling back to revision ${input.targetRevision}` : 'Rolling back to the previous revision'),
  delete: () => 'Removing application asynchronously',
  restart: () => 'Restarting workloads',
  pause: () => 'Pausing: scaling workloads to zero',
  resume: () => 'Resuming: restoring workload replicas',
};

/** Begins an operation on an existing app (upgrade, rollback, delete, restart, pause, resume). */
export async function changeApp(app: AppRecord, input: ChangeInput): Promise<{ app: AppRecord; started: boolean }> {
  const ref: AppRef = { cluster: app.cluster, namespace: app.namespace, name: app.name };
  const spec = input.spec ?? app.spec;
  const wait = input.wait ?? app.wait;
  const timeout = input.timeout ?? app.timeout;
  const target = input.targetRevision ?? null;
  const fingerprint = fingerprintOf([input.kind, spec, wait, timeout, target, input.force ?? false, input.purge ?? false]);
  if (app.operation) {
    if (app.operation.fingerprint === fingerprint) return { app, started: false };
    throw new ConflictError(`app ${app.name} has an operation in flight (${app.operation.kind} since ${app.operation.started_at}); retry when it ends`);
  }
  if (input.kind !== 'delete' && input.spec) await checkSources({ cluster: app.cluster, project: app.project }, spec);
  const inFlight: InFlight = { id: newId('op'), kind: input.kind, started_at: nowIso(), fingerprint };
  const fields = {
    state: TRANSITIONAL[input.kind],
    transitioning: 'yes' as const,
    transitioning_message: MESSAGES[input.kind](app, input),
    spec,
    wait,
    timeout,
    updated: inFlight.started_at,
  };
  const changes = input.kind === 'upgrade' ? changesBetween(app.spec, spec) : [input.kind === 'rollback' ? fields.transitioning_message : input.kind];
  try {
    await beginOperation(ref, inFlight, fields, operationRecord(ref, inFlight, input.who, spec, changes, target));
  } catch (error) {
    if (!(error instanceof AppBusyError)) throw error;
    const now = await getApp(ref);
    if (now?.operation?.fingerprint === fingerprint) return { app: now, started: false };
    throw new ConflictError(
      `app ${app.name} has an operation in flight${now?.operation ? ` (${now.operation.kind} since ${now.operation.started_at})` : ''}; retry when it ends`,
    );
  }
  const updated: AppRecord = { ...app, ...fields, operation: inFlight };
  await launch(updated, inFlight, { target_revision: target, force: input.force ?? false, purge: input.purge ?? false });
  return { app: updated, started: true };
}

/** An app that exists and is not removed, or 404 naming it. */
export async function requireApp(ref: AppRef, allowRemoved = false): Promise<AppRecord> {
  const app = await getApp(ref);
  if (!app || (!allowRemoved && app.state === 'removed')) throw new NotFoundError(`app ${ref.name} not found in namespace ${ref.namespace}`);
  return app;
}

/** A v3 app by project and name (the namespace from the name's claim, or `targetNamespace`). */
export async function requireProjectApp(scope: Scope, name: string, targetNamespace?: string, allowRemoved = false): Promise<AppRecord> {
  const namespace = targetNamespace ?? (await namespaceOfProjectApp(scope.cluster, scope.project, name));
  if (!namespace) throw new NotFoundError(`app ${name} not found in project ${projectIdOf(scope)}`);
  const app = await requireApp({ cluster: scope.cluster, namespace, name }, allowRemoved);
  if (app.project !== scope.project) throw new NotFoundError(`app ${name} not found in project ${projectIdOf(scope)}`);
  return app;
}

/**
 * Cancels the operation in flight: stops its execution (a helm process already running finishes
 * its own step; nothing after it runs) and records it failed with who cancelled it. The caller
 * decides what follows (the app store removes a cancelled install).
 */
export async function cancelOperation(app: AppRecord, who: string): Promise<AppRecord> {
  const operation = inFlightOperation(app);
  if (!operation) throw new ConflictError(`app ${app.name} has no operation in flight to cancel`);
  try {
    await stopWorkflow(executionArn('helm-operation', operation.id), `cancelled by ${who}`);
  } catch (error) {
    // An execution that has just ended cannot be stopped; the result below still holds.
    if (!(error instanceof Error && /ExecutionDoesNotExist|not running|already/i.test(`${error.name} ${error.message}`))) throw error;
  }
  await finishOperation(operation, 'failed', `${operation.kind} cancelled by ${who}`);
  return requireApp(app, true);
}

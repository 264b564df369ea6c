import { projectIdOf } from './apps-service.js';
import type { LiveState } from './live-state.js';
import type { AppRecord, OperationRecord } from './store/records.js';

/** How apps are answered: Rancher's v3 app object, the /v1 app, and the revision history. */

export const externalIdOf = (app: AppRecord) =>
  `catalog://?catalog=${encodeURIComponent(app.spec.repo)}&template=${encodeURIComponent(app.spec.chart)}&version=${encodeURIComponent(app.spec.version)}`;

/** The links of a v3 app; each resolves to a route (CONTRACTS.md: every link works). */
export function v3Links(app: AppRecord) {
  const projectId = projectIdOf(app);
  const base = `/v3/project/${projectId}/apps/${projectId}:${app.name}`;
  return {
    actionLinks: { rollback: `${base}?action=rollback`, upgrade: `${base}?action=upgrade` },
    links: { self: base, remove: base, revisions: `${base}/revisions` },
  };
}

export function v3Summary(app: AppRecord, live?: LiveState) {
  const projectId = projectIdOf(app);
  return { id: `${projectId}:${app.name}`, name: app.name, state: live?.state ?? app.state, targetNamespace: app.namespace };
}

export function v3App(app: AppRecord, live?: LiveState, detail = false) {
  const projectId = projectIdOf(app);
  const state = live ?? app;
  return {
    id: `${projectId}:${app.name}`,
    baseType: 'app',
    type: 'app',
    name: app.name,
    state: state.state,
    targetNamespace: app.namespace,
    externalId: externalIdOf(app),
    projectId,
    created: app.created,
    transitioning: state.transitioning,
    ...(state.transitioning_message ? { transitioningMessage: state.transitioning_message } : {}),
    ...v3Links(app),
    answers: app.spec.answers,
    ...(app.spec.values_yaml ? { valuesYaml: app.spec.values_yaml } : {}),
    wait: app.wait,
    timeout: app.timeout,
    prune: app.prune,
    revision: app.revision,
    updated: app.updated,
    ...(detail ? { resources: app.resources, ...(live?.pods ? { pods: live.pods } : {}), paused: app.paused !== null } : {}),
  };
}

export function v1App(app: AppRecord, live?: LiveState, detail = false) {
  const state = live ?? app;
  return {
    name: app.name,
    namespace: app.namespace,
    chart: `${app.spec.repo}/${app.spec.chart}`,
    version: app.spec.version,
    values: app.spec.values,
    status: state.state,
    transitioning: state.transitioning,
    message: state.transitioning_message,
    revision: app.revision,
    paused: app.paused !== null,
    created_at: app.created,
    updated_at: app.updated,
    ...(app.operation ? { operation: { id: app.operation.id, kind: app.operation.kind, started_at: app.operation.started_at } } : {}),
    ...(detail ? { resources: app.resources, ...(live?.pods ? { pods: live.pods } : {}) } : {}),
  };
}

/** One entry of an app's history: each operation, with the helm revision it produced. */
export function revisionView(op: OperationRecord) {
  return {
    revisionId: op.revision === null ? null : String(op.revision),
    revision: op.revision,
    operation: op.kind,
    operationId: op.id,
    chart: `${op.spec.repo}/${op.spec.chart}`,
    version: op.spec.version,
    status: op.status,
    who: op.who,
    started: op.started_at,
    ended: op.ended_at,
    changes: op.changes,
    message: op.message,
    ...(op.recovered ? { recovered: op.recovered } : {}),
  };
}

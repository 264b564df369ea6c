import { invalid } from '../errors.js';
import type { Admitter } from '../rest.js';
import type { KubeObject } from '../store.js';
import { requestOf } from './quantity.js';

type Json = Record<string, unknown>;
type Container = Json & { name?: string; image?: string; resources?: { requests?: Json; limits?: Json }; ports?: Json[] };
type PodSpec = Json & { containers?: Container[]; initContainers?: Container[]; restartPolicy?: string };

const fill = (target: Json, defaults: Json): void => {
  for (const [key, value] of Object.entries(defaults)) if (target[key] === undefined) target[key] = value;
};

/** The image's tag, `latest` when it has none (a digest pins it). */
export function imageTag(image: string): string | undefined {
  if (image.includes('@')) return undefined;
  const last = image.split('/').pop() ?? '';
  return last.includes(':') ? last.slice(last.lastIndexOf(':') + 1) : 'latest';
}

function defaultContainers(containers: Container[] | undefined): void {
  for (const c of containers ?? []) {
    fill(c, { terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', resources: {} });
    if (c.imagePullPolicy === undefined && typeof c.image === 'string') c.imagePullPolicy = imageTag(c.image) === 'latest' ? 'Always' : 'IfNotPresent';
    for (const port of c.ports ?? []) fill(port, { protocol: 'TCP' });
  }
}

/** The API server's defaults for a pod spec (pods, and the templates of workloads). */
export function defaultPodSpec(spec: PodSpec, restartPolicy = 'Always'): void {
  fill(spec, {
    restartPolicy,
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    securityContext: {},
    schedulerName: 'default-scheduler',
    enableServiceLinks: true,
  });
  if (typeof spec.serviceAccountName === 'string' || spec.serviceAccount === undefined) fill(spec, { serviceAccountName: 'default' });
  spec.serviceAccount ??= spec.serviceAccountName;
  defaultContainers(spec.containers);
  defaultContainers(spec.initContainers);
}

function validatePodSpec(kind: string, name: string, spec: PodSpec | undefined, path: string): void {
  const causes: { field: string; message: string }[] = [];
  if (!spec?.containers?.length) causes.push({ field: `${path}.containers`, message: 'Required value' });
  for (const [list, containers] of [
    ['containers', spec?.containers],
    ['initContainers', spec?.initContainers],
  ] as const)
    (containers ?? []).forEach((c, i) => {
      if (!c.name) causes.push({ field: `${path}.${list}[${i}].name`, message: 'Required value' });
      if (!c.image) causes.push({ field: `${path}.${list}[${i}].image`, message: 'Required value' });
    });
  if (causes.length) throw invalid(kind, name, causes);
}

const CRON_MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/** A CronJob's schedule: required, a standard 5-field cron line or a macro (the parser's messages). */
function validateSchedule(name: string, schedule: unknown): void {
  if (typeof schedule !== 'string' || !schedule.trim()) throw invalid('CronJob', name, [{ field: 'spec.schedule', message: 'Required value' }]);
  const fields = schedule.trim().split(/\s+/);
  if (schedule.startsWith('@') ? CRON_MACROS.has(schedule.trim()) || schedule.startsWith('@every ') : fields.length === 5) return;
  const message = schedule.startsWith('@')
    ? `Invalid value: "${schedule}": unrecognized descriptor: ${schedule}`
    : `Invalid value: "${schedule}": expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`;
  throw invalid('CronJob', name, [{ field: 'spec.schedule', message }]);
}

/** A pod's QoS class from its requests and limits, as the API server sets `status.qosClass`. */
function qosClass(spec: PodSpec): string {
  const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  const has = (c: Container, field: 'requests' | 'limits'): boolean => Object.keys(c.resources?.[field] ?? {}).length > 0;
  if (!containers.some((c) => has(c, 'requests') || has(c, 'limits'))) return 'BestEffort';
  const guaranteed = containers.every((c) =>
    ['cpu', 'memory'].every((r) => c.resources?.limits?.[r] !== undefined && requestOf({ resources: { requests: c.resources.limits } }, r) === requestOf(c, r)),
  );
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

const matchesTemplate = (selector: Json | undefined, labels: Record<string, string> | undefined): boolean => {
  const matchLabels = (selector?.matchLabels ?? {}) as Record<string, string>;
  return Object.entries(matchLabels).every(([k, v]) => labels?.[k] === v);
};

function defaultWorkload(object: KubeObject, live: KubeObject | undefined): void {
  const spec = (object.spec ??= {}) as Json & { template?: { metadata?: Json & { labels?: Record<string, string> }; spec?: PodSpec }; selector?: Json };
  const kind = String(object.kind);
  const name = object.metadata.name;
  if (kind === 'Job') {
    fill(spec, { parallelism: 1, completions: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false, podReplacementPolicy: 'TerminatingOrFailed' });
    const uid = object.metadata.uid ?? live?.metadata.uid ?? '';
    const template = (spec.template ??= {});
    const generated = { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'job-name': name };
    if (spec.manualSelector !== true) {
      spec.selector ??= { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
      template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, ...generated } };
    }
    // SetDefaults_Job: a Job without labels takes its template's (which now include the generated ones).
    if (!Object.keys(object.metadata.labels ?? {}).length && template.metadata?.labels) object.metadata.labels = { ...template.metadata.labels };
    if (template.spec) {
      defaultPodSpec(template.spec, 'Never');
      if (template.spec.restartPolicy === 'Always')
        throw invalid(kind, name, [
          { field: 'spec.template.spec.restartPolicy', message: 'Unsupported value: "Always": supported values: "OnFailure", "Never"' },
        ]);
    }
    validatePodSpec(kind, name, template.spec, 'spec.template.spec');
    return;
  }
  if (kind === 'CronJob') {
    fill(spec, { concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
    validateSchedule(name, spec.schedule);
    const jobSpec = ((spec.jobTemplate ??= {}) as Json & { spec?: Json & { template?: { spec?: PodSpec } } }).spec;
    if (jobSpec?.template?.spec) defaultPodSpec(jobSpec.template.spec, 'Never');
    if (jobSpec?.template?.spec?.restartPolicy === 'Always')
      throw invalid(kind, name, [
        { field: 'spec.jobTemplate.spec.template.spec.restartPolicy', message: 'Unsupported value: "Always": supported values: "OnFailure", "Never"' },
      ]);
    validatePodSpec(kind, name, jobSpec?.template?.spec, 'spec.jobTemplate.spec.template.spec');
    return;
  }
  if (kind === 'Deployment') {
    fill(spec, { replicas: 1, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 });
    const strategy = (spec.strategy ??= {}) as Json;
    fill(strategy, { type: 'RollingUpdate' });
    if (strategy.type === 'RollingUpdate') fill((strategy.rollingUpdate ??= {}) as Json, { maxSurge: '25%', maxUnavailable: '25%' });
  } else if (kind === 'ReplicaSet') fill(spec, { replicas: 1 });
  else if (kind === 'StatefulSet') {
    fill(spec, { replicas: 1, podManagementPolicy: 'OrderedReady', revisionHistoryLimit: 10 });
    spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
    spec.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
  } else if (kind === 'DaemonSet') {
    fill(spec, { revisionHistoryLimit: 10 });
    spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
  }
  if (spec.template?.spec) defaultPodSpec(spec.template.spec);
  validatePodSpec(kind, name, spec.template?.spec, 'spec.template.spec');
  if (!spec.selector) throw invalid(kind, name, [{ field: 'spec.selector', message: 'Required value' }]);
  if (!matchesTemplate(spec.selector, spec.template?.metadata?.labels))
    throw invalid(kind, name, [{ field: 'spec.template.metadata.labels', message: 'Invalid value: `selector` does not match template `labels`' }]);
  if (live && JSON.stringify((live.spec as Json | undefined)?.selector) !== JSON.stringify(spec.selector))
    throw invalid(kind, name, [{ field: 'spec.selector', message: 'Invalid value: field is immutable' }]);
}

const WORKLOADS = new Set(['apps/Deployment', 'apps/ReplicaSet', 'apps/StatefulSet', 'apps/DaemonSet', 'batch/Job', 'batch/CronJob']);

/**
 * Defaulting and validation of pods and workloads, as the API server applies them on every write:
 * the spec fields clients never send but controllers and `kubectl describe` read, a pod's initial
 * status (Pending, QoS class), a Job's generated selector, and the 422s for a pod without containers,
 * a selector that does not match its template, or a changed selector.
 */
export const workloadAdmission: Admitter = (type, object, live) => {
  if (type.group === '' && type.kind === 'Pod') {
    const spec = (object.spec ??= {}) as PodSpec;
    defaultPodSpec(spec);
    validatePodSpec('Pod', object.metadata.name, spec, 'spec');
    if (!live) object.status = { phase: 'Pending', qosClass: qosClass(spec) };
    return;
  }
  if (!WORKLOADS.has(`${type.group}/${type.kind}`)) return;
  if (!live) delete object.status;
  defaultWorkload(object, live);
};

/**
 * The columns of the workload types (apps and batch) as kube-apiserver prints them:
 * READY/UP-TO-DATE/AVAILABLE for Deployments, STATUS/COMPLETIONS/DURATION for Jobs, and
 * CONTAINERS, IMAGES and SELECTOR with `-o wide`.
 */
import { humanDuration, since } from './human-duration.js';
import type { KubeObject } from './store.js';
import {
  age,
  column,
  CONTAINERS,
  containerCells,
  count,
  get,
  IMAGES,
  mapText,
  NAME,
  num,
  SELECTOR,
  selectorText,
  str,
  AGE,
  type Printer,
} from './table-format.js';

function jobCompletions(job: KubeObject): string {
  const succeeded = num(job, 'status.succeeded');
  const completions = get(job, 'spec.completions');
  if (typeof completions === 'number') return `${succeeded}/${completions}`;
  const parallelism = num(job, 'spec.parallelism');
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobStatus(job: KubeObject): string {
  const conditions = (get(job, 'status.conditions') ?? []) as { type: string; status: string }[];
  const has = (type: string): boolean => conditions.find((c) => c.type === type)?.status === 'True';
  if (has('Complete')) return 'Complete';
  if (has('Failed')) return 'Failed';
  if (job.metadata.deletionTimestamp) return 'Terminating';
  if (has('Suspended')) return 'Suspended';
  if (has('FailureTarget')) return 'FailureTarget';
  return 'Running';
}

function jobDuration(job: KubeObject): string {
  const start = get(job, 'status.startTime');
  if (typeof start !== 'string') return '';
  const end = get(job, 'status.completionTime');
  return typeof end === 'string' ? humanDuration(Date.parse(end) - Date.parse(start)) : since(start);
}

const workloadReady = (object: KubeObject): string => `${num(object, 'status.readyReplicas')}/${num(object, 'spec.replicas')}`;

/** The printers of the workload types, by `group/Kind`. */
export const WORKLOAD_PRINTERS: Record<string, Printer> = {
  'apps/Deployment': {
    columns: [
      NAME,
      column('Ready', 'Number of the pod with ready state'),
      column('Up-to-date', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
      column('Available', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
      AGE,
      CONTAINERS,
      IMAGES,
      SELECTOR,
    ],
    cells: (d) => [
      d.metadata.name,
      workloadReady(d),
      num(d, 'status.updatedReplicas'),
      num(d, 'status.availableReplicas'),
      age(d),
      ...containerCells(get(d, 'spec.template')),
      selectorText(get(d, 'spec.selector')),
    ],
  },
  'apps/ReplicaSet': {
    columns: [
      NAME,
      column('Desired', 'Replicas is the number of desired replicas.', { type: 'integer' }),
      column('Current', 'Replicas is the most recently observed number of replicas.', { type: 'integer' }),
      column('Ready', 'The number of ready replicas for this replica set.', { type: 'integer' }),
      AGE,
      CONTAINERS,
      IMAGES,
      SELECTOR,
    ],
    cells: (r) => [
      r.metadata.name,
      num(r, 'spec.replicas'),
      num(r, 'status.replicas'),
      num(r, 'status.readyReplicas'),
      age(r),
      ...containerCells(get(r, 'spec.template')),
      selectorText(get(r, 'spec.selector')),
    ],
  },
  'apps/StatefulSet': {
    columns: [NAME, column('Ready', 'Number of the pod with ready state'), AGE, CONTAINERS, IMAGES],
    cells: (s) => [s.metadata.name, workloadReady(s), age(s), ...containerCells(get(s, 'spec.template'))],
  },
  'apps/DaemonSet': {
    columns: [
      NAME,
      column('Desired', 'The total number of nodes that should be running the daemon pod.', { type: 'integer' }),
      column('Current', 'The number of nodes that are running at least one daemon pod.', { type: 'integer' }),
      column('Ready', 'The number of nodes that should be running the daemon pod and have a ready pod.', { type: 'integer' }),
      column('Up-to-date', 'The total number of nodes that are running updated daemon pod.', { type: 'integer' }),
      column('Available', 'The number of nodes that should be running the daemon pod and have an available pod.', { type: 'integer' }),
      column('Node Selector', 'NodeSelector is a selector which must be true for the pod to fit on a node.'),
      AGE,
      CONTAINERS,
      IMAGES,
      SELECTOR,
    ],
    cells: (d) => [
      d.metadata.name,
      num(d, 'status.desiredNumberScheduled'),
      num(d, 'status.currentNumberScheduled'),
      num(d, 'status.numberReady'),
      num(d, 'status.updatedNumberScheduled'),
      num(d, 'status.numberAvailable'),
      mapText(get(d, 'spec.template.spec.nodeSelector')),
      age(d),
      ...containerCells(get(d, 'spec.template')),
      selectorText(get(d, 'spec.selector')),
    ],
  },
  'batch/Job': {
    columns: [
      NAME,
      column('Status', 'Status of the job.'),
      column('Completions', 'The number of pods which reached phase Succeeded.'),
      column('Duration', 'Time required to complete the job.'),
      AGE,
      CONTAINERS,
      IMAGES,
      SELECTOR,
    ],
    cells: (j) => [
      j.metadata.name,
      jobStatus(j),
      jobCompletions(j),
      jobDuration(j),
      age(j),
      ...containerCells(get(j, 'spec.template')),
      selectorText(get(j, 'spec.selector')),
    ],
  },
  'batch/CronJob': {
    columns: [
      NAME,
      column('Schedule', 'The schedule in Cron format.'),
      column('Timezone', 'The time zone name for the given schedule.'),
      column('Suspend', 'This flag tells the controller to suspend subsequent executions.', { type: 'boolean' }),
      column('Active', 'A list of pointers to currently running jobs.', { type: 'integer' }),
      column('Last Schedule', 'Information when was the last time the job was successfully scheduled.'),
      AGE,
      CONTAINERS,
      IMAGES,
      SELECTOR,
    ],
    cells: (c) => [
      c.metadata.name,
      str(c, 'spec.schedule', ''),
      str(c, 'spec.timeZone'),
      get(c, 'spec.suspend') === true ? 'True' : 'False',
      count(get(c, 'status.active')),
      get(c, 'status.lastScheduleTime') ? since(get(c, 'status.lastScheduleTime')) : '<none>',
      age(c),
      ...containerCells(get(c, 'spec.jobTemplate.spec.template')),
      selectorText(get(c, 'spec.jobTemplate.spec.selector')),
    ],
  },
};

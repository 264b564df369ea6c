import type { KubeRest } from '../rest.js';
import { workloadAdmission } from './defaults.js';
import { DaemonSetController } from './daemonset.js';
import { DeploymentController } from './deployment.js';
import { EventRecorder } from './events.js';
import { ControllerHost } from './host.js';
import { JobController } from './job.js';
import { Kubelet } from './kubelet.js';
import { PodLogBook } from './logs.js';
import { networking } from './networking.js';
import { NodeLifecycle } from './nodes.js';
import { ReplicaSetController } from './replicaset.js';
import { Scheduler } from './scheduler.js';
import { StatefulSetController } from './statefulset.js';
import { DEFAULT_CLUSTER_SETTINGS, type ClusterSettings } from './settings.js';
import { storage } from './storage.js';

/** The cluster behind the API server: its controllers, and what the API serves from them (logs). */
export type Cluster = { host: ControllerHost; logs: PodLogBook; events: EventRecorder; settings: ClusterSettings; stop(): void };

/**
 * Starts what a cluster runs behind its API server: nodes, the scheduler, the kubelet stand-in and
 * the workload controllers. Admission steps are added to `rest` first, so they apply to every write.
 */
export function startCluster(rest: KubeRest, overrides: Partial<ClusterSettings> = {}): Cluster {
  const settings: ClusterSettings = { ...DEFAULT_CLUSTER_SETTINGS, ...overrides };
  const logs = new PodLogBook();
  const events = new EventRecorder(rest);
  rest.admitters.push(workloadAdmission);
  const host = new ControllerHost(rest, settings);
  host.add(
    new NodeLifecycle(),
    new Scheduler(events),
    new Kubelet(events, logs),
    new ReplicaSetController(events),
    new DeploymentController(events),
    new StatefulSetController(),
    new DaemonSetController(),
    new JobController(events),
  );
  host.add(...networking(rest, events), ...storage(rest, events));
  host.start();
  return { host, logs, events, settings, stop: () => host.stop() };
}

/** One simulated node's size, as `status.allocatable` reports it. */
export type NodeSize = { cpu: string; memory: string; pods: string; 'ephemeral-storage': string };

export type ClusterSettings = {
  /** How many nodes the cluster has (`sim-node-1`…). */
  nodes: number;
  nodeSize: NodeSize;
  /**
   * Multiplies every simulated duration (image pull, container start, backoff, termination):
   * 1 under `npm start` (a few seconds per pod, so a person can watch the phases), small in tests.
   * User-given durations (progressDeadlineSeconds, helm's --timeout) are real seconds and are not scaled.
   */
  timeScale: number;
  /** Receives a line when a controller fails unexpectedly. */
  log?: (line: string) => void;
};

export const DEFAULT_CLUSTER_SETTINGS: ClusterSettings = {
  nodes: 3,
  nodeSize: { cpu: '4', memory: '8Gi', pods: '110', 'ephemeral-storage': '50Gi' },
  timeScale: 1,
};

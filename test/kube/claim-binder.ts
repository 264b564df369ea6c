import type { TestCluster } from './cluster.js';

type ClaimList = { items: { metadata: { name: string; namespace: string }; status?: { phase?: string } }[] };

/**
 * Stands in for the PersistentVolumeClaim binder until the cluster has one: every claim that is not
 * Bound gets `status.phase: Bound` through the status subresource (so the scheduler places the pods
 * that mount it). Polls until stopped.
 */
export function startClaimBinder(cluster: TestCluster): { stop(): Promise<void> } {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const list = (await (await cluster.api('/api/v1/persistentvolumeclaims')).json()) as ClaimList;
      for (const claim of list.items.filter((c) => c.status?.phase !== 'Bound')) {
        const { namespace, name } = claim.metadata;
        await cluster.api(`/api/v1/namespaces/${namespace}/persistentvolumeclaims/${name}/status`, {
          method: 'PATCH',
          headers: { 'Content-Type': 'application/merge-patch+json' },
          body: JSON.stringify({ status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } } }),
        });
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

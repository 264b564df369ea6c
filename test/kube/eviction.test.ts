import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestCluster, type TestCluster } from './cluster.js';
import { createPod, createWithStatus } from './fixtures.js';

describe('pod eviction (POST pods/{name}/eviction) and PodDisruptionBudgets', () => {
  let cluster: TestCluster;
  const evict = async (name: string): Promise<{ status: number; body: { message?: string; details?: { causes?: { message: string }[] } } }> => {
    const response = await cluster.api(`/api/v1/namespaces/e/pods/${name}/eviction`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'e' }, deleteOptions: { gracePeriodSeconds: 0 } }),
    });
    return { status: response.status, body: (await response.json()) as { message?: string } };
  };
  const budget = (name: string, app: string, disruptionsAllowed: number): void => {
    createWithStatus(cluster.rest, 'poddisruptionbudgets', 'policy', 'v1', {
      metadata: { name, namespace: 'e' },
      spec: { minAvailable: 1, selector: { matchLabels: { app } } },
      status: { observedGeneration: 1, disruptionsAllowed, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 },
    });
  };

  /** A pod the kubelet has started: budgets only guard running pods. */
  const runningPod = async (name: string, app: string): Promise<void> => {
    createPod(cluster.rest, 'e', name, [{ name: 'c', image: 'nginx:1.27' }], { labels: { app } });
    await eventually(() =>
      (cluster.rest.store.get({ group: '', plural: 'pods', namespace: 'e', name })?.status as { phase?: string } | undefined)?.phase === 'Running'
        ? true
        : undefined,
    );
  };
  const gone = (name: string): Promise<true> =>
    eventually(() => (cluster.rest.store.get({ group: '', plural: 'pods', namespace: 'e', name }) ? undefined : true));

  beforeAll(async () => {
    cluster = await startTestCluster();
    await cluster.cli('kubectl', ['create', 'ns', 'e']);
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it('deletes a pod no budget covers', async () => {
    await runningPod('free', 'free');
    expect(await evict('free')).toMatchObject({ status: 201, body: { status: 'Success' } });
    await gone('free');
  });

  it("refuses with 429 when the pod's budget allows no disruption", async () => {
    await runningPod('guarded', 'guarded');
    budget('guard', 'guarded', 0);
    const refused = await evict('guarded');
    expect(refused.status).toBe(429);
    expect(refused.body.message).toBe("Cannot evict pod as it would violate the pod's disruption budget.");
    expect(refused.body.details?.causes?.[0]?.message).toBe('The disruption budget guard needs 1 healthy pods and has 1 currently');
    expect(await cluster.cli('kubectl', ['get', 'pod', 'guarded', '-n', 'e', '-o', 'name'])).toContain('pod/guarded');
  });

  it('spends the one allowed disruption, so a second eviction is refused', async () => {
    await Promise.all(['a1', 'a2'].map((name) => runningPod(name, 'pair')));
    budget('pair', 'pair', 1);
    expect((await evict('a1')).status).toBe(201);
    expect((await evict('a2')).status).toBe(429);
    await gone('a1');
    expect(await cluster.cli('kubectl', ['get', 'pdb', 'pair', '-n', 'e', '-o', 'jsonpath={.status.disruptionsAllowed}'])).toBe('0');
  });

  it('404s an unknown pod', async () => {
    expect((await evict('ghost')).status).toBe(404);
  });
});

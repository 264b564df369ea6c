import { AppsV1Api, CoreV1Api, KubeConfig, makeInformer, Watch, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestCluster, type TestCluster } from './cluster.js';

// @kubernetes/client-node with nothing but the kubeconfig the simulator writes.
describe('@kubernetes/client-node against the Kubernetes simulator', () => {
  let cluster: TestCluster;
  let config: KubeConfig;
  let core: CoreV1Api;

  beforeAll(async () => {
    cluster = await startTestCluster();
    config = new KubeConfig();
    config.loadFromFile(cluster.kubeconfigPath);
    core = config.makeApiClient(CoreV1Api);
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it('lists ConfigMaps with a resourceVersion to watch from', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'listed', labels: { app: 'demo' } }, data: { a: '1' } } });
    const list = await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'app=demo' });
    expect(list.items.map((i) => i.metadata?.name)).toEqual(['listed']);
    expect(Number(list.metadata?.resourceVersion)).toBeGreaterThan(0);
  });

  it('watches ConfigMaps: ADDED, MODIFIED and DELETED arrive in order', async () => {
    const list = await core.listNamespacedConfigMap({ namespace: 'default' });
    const events: string[] = [];
    const watch = new Watch(config);
    const controller = await watch.watch(
      '/api/v1/namespaces/default/configmaps',
      { resourceVersion: list.metadata?.resourceVersion },
      (phase, object: { metadata: { name: string } }) => events.push(`${phase} ${object.metadata.name}`),
      () => undefined,
    );
    try {
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'watched' }, data: { a: '1' } } });
      await core.replaceNamespacedConfigMap({ name: 'watched', namespace: 'default', body: { metadata: { name: 'watched' }, data: { a: '2' } } });
      await core.deleteNamespacedConfigMap({ name: 'watched', namespace: 'default' });
      await eventually(() => (events.length >= 3 ? true : undefined));
      expect(events).toEqual(['ADDED watched', 'MODIFIED watched', 'DELETED watched']);
    } finally {
      controller.abort();
    }
  });

  it('an informer sees the pods of a Deployment go from Pending to Ready', async () => {
    const apps = config.makeApiClient(AppsV1Api);
    const seen = new Map<string, Set<string>>();
    const informer = makeInformer(
      config,
      '/api/v1/namespaces/default/pods',
      () => core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=informed' }),
      'app=informed',
    );
    const note = (pod: V1Pod): void => {
      const ready = pod.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
      const states = seen.get(pod.metadata!.name!) ?? new Set<string>();
      states.add(ready ? 'Ready' : (pod.status?.phase ?? 'none'));
      seen.set(pod.metadata!.name!, states);
    };
    informer.on('add', note);
    informer.on('update', note);
    await informer.start();
    try {
      await apps.createNamespacedDeployment({
        namespace: 'default',
        body: {
          metadata: { name: 'informed' },
          spec: {
            replicas: 2,
            selector: { matchLabels: { app: 'informed' } },
            template: { metadata: { labels: { app: 'informed' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } },
          },
        },
      });
      await eventually(() => ([...seen.values()].filter((s) => s.has('Ready')).length === 2 ? true : undefined), 20_000);
      for (const states of seen.values()) expect(states.has('Pending')).toBe(true);
      expect(informer.list().every((p) => p.status?.phase === 'Running')).toBe(true);
    } finally {
      await informer.stop();
    }
  });
});

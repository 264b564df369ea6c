import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webChart } from './charts.js';
import { startTestCluster, type TestCluster } from './cluster.js';

type Release = { name: string; status: string; revision?: string | number; info?: { status: string } };

// The real helm v4 with workloads: the readiness it waits for is the simulated cluster's.
describe('helm with workloads on the simulated cluster', () => {
  let cluster: TestCluster;
  const chart = webChart();
  const helm = (...args: string[]): Promise<string> => cluster.cli('helm', args);
  const kubectl = (...args: string[]): Promise<string> => cluster.cli('kubectl', args);
  const readyReplicas = (name: string): Promise<string> => kubectl('get', 'deploy', name, '-o', 'jsonpath={.status.readyReplicas}');

  beforeAll(async () => {
    cluster = await startTestCluster();
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it('installs with --wait (the kstatus watcher): deployed only once the pods are ready', async () => {
    expect(await helm('install', 'watched', chart, '--wait', '--timeout', '60s')).toContain('STATUS: deployed');
    expect(await readyReplicas('watched')).toBe('2');
  });

  it('installs with --wait=legacy (helm 3’s poller)', async () => {
    expect(await helm('install', 'legacy', chart, '--wait=legacy', '--timeout', '60s')).toContain('STATUS: deployed');
    expect(await readyReplicas('legacy')).toBe('2');
  });

  it('installs with the default wait (hooks only) and the pods become ready afterwards', async () => {
    expect(await helm('install', 'nowait', chart)).toContain('STATUS: deployed');
    await kubectl('rollout', 'status', 'deployment/nowait', '--timeout=60s');
  });

  it('upgrades with --wait: a values change rolls the Deployment', async () => {
    await helm('upgrade', 'watched', chart, '--set', 'image=nginx:1.28', '--wait', '--timeout', '60s');
    expect(await kubectl('get', 'deploy', 'watched', '-o', 'jsonpath={.status.updatedReplicas}/{.spec.template.spec.containers[0].image}')).toBe(
      '2/nginx:1.28',
    );
  });

  it('fails `helm install --wait --timeout 20s` of an unpullable image, naming the Deployment', async () => {
    const failure = helm('install', 'broken', chart, '--set', 'image=registry.invalid/web:1', '--wait', '--timeout', '20s');
    await expect(failure).rejects.toThrow(/Deployment\/default\/broken|deployment.*broken/i);
    const status = JSON.parse(await helm('status', 'broken', '-o', 'json')) as Release;
    expect(status.info?.status).toBe('failed');
  });

  it('rolls a crash-looping upgrade back with --rollback-on-failure', async () => {
    await helm('install', 'steady', chart, '--wait', '--timeout', '60s');
    await expect(helm('upgrade', 'steady', chart, '--set', 'image=busybox:crashloop', '--rollback-on-failure', '--timeout', '20s')).rejects.toThrow(
      /rolled back|rollback/i,
    );
    const history = JSON.parse(await helm('history', 'steady', '-o', 'json')) as { revision: number; status: string; description: string }[];
    expect(history.at(-1)?.status).toBe('deployed');
    expect(history.at(-1)?.description).toMatch(/Rollback to 1/);
    await kubectl('rollout', 'status', 'deployment/steady', '--timeout=60s');
    expect(await kubectl('get', 'deploy', 'steady', '-o', 'jsonpath={.spec.template.spec.containers[0].image}')).toBe('nginx:1.27');
  });

  it('uninstalls: the Deployment, its ReplicaSets and pods go', async () => {
    await helm('uninstall', 'nowait', '--wait');
    expect((await kubectl('get', 'deploy,rs', '-l', 'app=nowait', '-o', 'name')).trim()).toBe('');
  });
});

describe('a simulator restart keeps what helm installed', () => {
  it('lists the same releases, and their pods are still ready, after a restart on the same data folder', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kube-helm-restart-'));
    const chart = webChart();
    const first = await startTestCluster({ dataDir });
    await first.cli('helm', ['install', 'kept', chart, '--wait', '--timeout', '60s']);
    const before = JSON.parse(await first.cli('helm', ['list', '-A', '-o', 'json'])) as Release[];
    await first.stop();
    const second = await startTestCluster({ dataDir });
    try {
      const after = JSON.parse(await second.cli('helm', ['list', '-A', '-o', 'json'])) as Release[];
      expect(after.map((r) => [r.name, r.revision, r.status])).toEqual(before.map((r) => [r.name, r.revision, r.status]));
      await second.cli('kubectl', ['rollout', 'status', 'deployment/kept', '--timeout=60s']);
      expect(await second.cli('helm', ['upgrade', 'kept', chart, '--set', 'replicas=3', '--wait', '--timeout', '60s'])).toContain('STATUS: deployed');
    } finally {
      await second.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestCluster, type TestCluster } from './cluster.js';
import { createPod } from './fixtures.js';

type ContainerStatus = { name: string; restartCount: number; state: { running?: object; waiting?: { reason: string } } };

describe('pod logs (GET pods/{name}/log) with kubectl logs', () => {
  let cluster: TestCluster;
  const kubectl = (...args: string[]): Promise<string> => cluster.cli('kubectl', args);
  const append = (pod: string, container: string, ...lines: string[]): void => {
    for (const line of lines) cluster.cluster.logs.append('l', pod, container, line);
  };
  const statusOf = async (path: string): Promise<{ code: number; message: string }> => {
    const response = await cluster.api(`/api/v1/namespaces/l/pods/${path}`);
    return (await response.json()) as { code: number; message: string };
  };
  const containers = (pod: string): ContainerStatus[] => {
    const live = cluster.rest.store.get({ group: '', plural: 'pods', namespace: 'l', name: pod });
    return (live?.status as { containerStatuses?: ContainerStatus[] } | undefined)?.containerStatuses ?? [];
  };
  const whenRunning = (pod: string): Promise<true> =>
    eventually(() => (containers(pod).length && containers(pod).every((c) => c.state.running) ? true : undefined));

  beforeAll(async () => {
    cluster = await startTestCluster();
    await kubectl('create', 'ns', 'l');
    const { rest } = cluster;
    createPod(rest, 'l', 'one', [{ name: 'app', image: 'nginx:1.27' }]);
    createPod(rest, 'l', 'two', [
      { name: 'web', image: 'nginx:1.27' },
      { name: 'proxy', image: 'envoy:crashloop' },
    ]);
    createPod(rest, 'l', 'new', [{ name: 'app', image: 'registry.invalid/app:1.0' }]);
    await whenRunning('one');
    append('one', 'app', 'GET /healthz 200', 'GET /api 201');
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it("prints a single-container pod's lines without their timestamps, or with them on --timestamps", async () => {
    const lines = (await kubectl('logs', 'one', '-n', 'l')).split('\n');
    expect(lines[0]).toMatch(/^simulated container "app" started from image docker.io\/library\/nginx:1.27 on sim-node-\d$/);
    expect(lines.slice(-3)).toEqual(['GET /healthz 200', 'GET /api 201', '']);
    const stamped = (await kubectl('logs', 'one', '-n', 'l', '--timestamps')).split('\n')[0]!;
    expect(stamped).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z simulated container "app"/);
  });

  it('honours --tail, --limit-bytes and --since', async () => {
    expect(await kubectl('logs', 'one', '-n', 'l', '--tail=1')).toBe('GET /api 201\n');
    expect(await kubectl('logs', 'one', '-n', 'l', '--limit-bytes=9')).toBe('simulated');
    expect(await kubectl('logs', 'one', '-n', 'l', '--since=1h')).toContain('GET /healthz 200');
  });

  it('reads the named container with -c, and the run before a crash with --previous', async () => {
    await eventually(() => ((containers('two').find((c) => c.name === 'proxy')?.restartCount ?? 0) >= 1 ? true : undefined));
    expect(await kubectl('logs', 'two', '-n', 'l', '-c', 'web')).toContain('listening on :8080');
    const previous = await kubectl('logs', 'two', '-n', 'l', '-c', 'proxy', '--previous');
    expect(previous.split('\n').slice(-2)).toEqual(['fatal: simulated crash (image tag "crashloop"), exiting with code 1', '']);
    await expect(kubectl('logs', 'two', '-n', 'l', '-c', 'web', '--previous')).rejects.toThrow('previous terminated container "web" in pod "two" not found');
  });

  it('refuses without a container name on a multi-container pod, as the API server words it', async () => {
    expect(await statusOf('two/log')).toMatchObject({ code: 400, message: 'a container name must be specified for pod two, choose one of: [web proxy]' });
    expect(await statusOf('two/log?container=nope')).toMatchObject({ code: 400, message: 'container nope is not valid for pod two' });
  });

  it('refuses for a container waiting to start, and 404s an unknown pod', async () => {
    await expect(kubectl('logs', 'new', '-n', 'l')).rejects.toThrow(
      /container "app" in pod "new" is waiting to start: (ContainerCreating|ErrImagePull|ImagePullBackOff)/,
    );
    expect((await statusOf('ghost/log')).code).toBe(404);
  });

  it('streams appended lines to kubectl logs -f until the container stops', async () => {
    const follower = cluster.spawnCli('kubectl', ['logs', '-f', 'one', '-n', 'l', '--tail=1']);
    let output = '';
    follower.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => follower.on('exit', resolve));
    try {
      await eventually(() => (output.includes('GET /api 201') ? true : undefined));
      append('one', 'app', 'GET /orders 200');
      await eventually(() => (output.includes('GET /orders 200') ? true : undefined));
      expect(output).not.toContain('simulated container');
      // Deleting the pod stops its container (graceful termination by the kubelet), which ends the stream.
      await kubectl('delete', 'pod', 'one', '-n', 'l', '--wait=false');
      expect(await exited).toBe(0);
    } finally {
      follower.kill();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestCluster, type TestCluster } from './cluster.js';
import { podWithStatus, running, terminated, waiting } from './fixtures.js';

describe('pod logs (GET pods/{name}/log) with kubectl logs', () => {
  let cluster: TestCluster;
  const kubectl = (...args: string[]): Promise<string> => cluster.cli('kubectl', args);
  const append = (pod: string, container: string, ...lines: string[]): void => {
    for (const line of lines) cluster.cluster.logs.append('l', pod, container, line);
  };
  const status = async (path: string): Promise<{ code: number; message: string }> => {
    const response = await cluster.api(`/api/v1/namespaces/l/pods/${path}`);
    return (await response.json()) as { code: number; message: string };
  };

  beforeAll(async () => {
    cluster = await startTestCluster();
    await kubectl('create', 'ns', 'l');
    const { rest, cluster: sim } = cluster;
    podWithStatus(rest, 'l', 'one', [{ name: 'app', state: running(), ready: true }]);
    sim.logs.startInstance('l', 'one', 'app');
    append('one', 'app', 'starting', 'listening on :8080', 'GET /healthz 200');
    podWithStatus(rest, 'l', 'two', [
      { name: 'web', state: running(), ready: true },
      { name: 'proxy', state: running(), ready: true, restartCount: 1, lastState: terminated('Error', 1) },
    ]);
    sim.logs.startInstance('l', 'two', 'web');
    append('two', 'web', 'web up');
    sim.logs.startInstance('l', 'two', 'proxy');
    append('two', 'proxy', 'proxy run 1', 'proxy crashed');
    sim.logs.startInstance('l', 'two', 'proxy');
    append('two', 'proxy', 'proxy run 2');
    podWithStatus(rest, 'l', 'new', [{ name: 'app', state: waiting('ContainerCreating') }], { phase: 'Pending' });
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it("prints a single-container pod's lines without their timestamps, or with them on --timestamps", async () => {
    expect(await kubectl('logs', 'one', '-n', 'l')).toBe('starting\nlistening on :8080\nGET /healthz 200\n');
    const stamped = (await kubectl('logs', 'one', '-n', 'l', '--timestamps')).split('\n')[0]!;
    expect(stamped).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z starting$/);
  });

  it('honours --tail and --limit-bytes', async () => {
    expect(await kubectl('logs', 'one', '-n', 'l', '--tail=1')).toBe('GET /healthz 200\n');
    expect(await kubectl('logs', 'one', '-n', 'l', '--limit-bytes=5')).toBe('start');
    expect(await kubectl('logs', 'one', '-n', 'l', '--since=1h')).toContain('starting');
  });

  it('reads the named container with -c and the previous instance with --previous', async () => {
    expect(await kubectl('logs', 'two', '-n', 'l', '-c', 'proxy')).toBe('proxy run 2\n');
    expect(await kubectl('logs', 'two', '-n', 'l', '-c', 'proxy', '--previous')).toBe('proxy run 1\nproxy crashed\n');
    await expect(kubectl('logs', 'two', '-n', 'l', '-c', 'web', '--previous')).rejects.toThrow('previous terminated container "web" in pod "two" not found');
  });

  it('refuses without a container name on a multi-container pod, as the API server words it', async () => {
    expect(await status('two/log')).toMatchObject({ code: 400, message: 'a container name must be specified for pod two, choose one of: [web proxy]' });
    expect(await status('two/log?container=nope')).toMatchObject({ code: 400, message: 'container nope is not valid for pod two' });
  });

  it('refuses for a container waiting to start, and 404s an unknown pod', async () => {
    await expect(kubectl('logs', 'new', '-n', 'l')).rejects.toThrow('container "app" in pod "new" is waiting to start: ContainerCreating');
    expect((await status('ghost/log')).code).toBe(404);
  });

  it('streams appended lines to kubectl logs -f until the container stops', async () => {
    const follower = cluster.spawnCli('kubectl', ['logs', '-f', 'one', '-n', 'l', '--tail=1']);
    let output = '';
    follower.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => follower.on('exit', resolve));
    try {
      await eventually(() => (output.includes('GET /healthz 200') ? true : undefined));
      append('one', 'app', 'GET /api 201');
      await eventually(() => (output.includes('GET /api 201') ? true : undefined));
      expect(output).not.toContain('starting');
      const { rest } = cluster;
      const pods = rest.registry.find('', 'v1', 'pods')!;
      const live = rest.get(pods, 'l', 'one');
      const podStatus = live.status as { containerStatuses: object[] };
      const stopped = {
        ...podStatus,
        phase: 'Succeeded',
        containerStatuses: [{ ...podStatus.containerStatuses[0], ready: false, state: terminated('Completed', 0) }],
      };
      rest.replace(pods, live, { ...live, status: stopped }, { subresource: 'status' });
      expect(await exited).toBe(0);
    } finally {
      follower.kill();
    }
  });
});

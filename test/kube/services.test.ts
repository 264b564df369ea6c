import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestCluster, type TestCluster } from './cluster.js';

type Port = { name?: string; port: number; targetPort: number | string; nodePort?: number; protocol: string };
type Service = {
  metadata: { name: string; resourceVersion: string; uid: string };
  spec: Record<string, unknown> & { clusterIP: string; clusterIPs: string[]; ports: Port[]; type: string };
  status: { loadBalancer: { ingress?: { ip: string; ipMode: string }[] } };
};
type Address = { ip: string; nodeName?: string; targetRef: { kind: string; name: string; uid: string } };
type Endpoints = {
  metadata: { labels?: Record<string, string>; ownerReferences?: unknown };
  subsets?: { addresses?: Address[]; notReadyAddresses?: Address[]; ports?: unknown[] }[];
};
type Slice = {
  metadata: { name: string; labels: Record<string, string>; ownerReferences: { kind: string; name: string; uid: string; controller: boolean }[] };
  addressType: string;
  endpoints:
    { addresses: string[]; conditions: { ready: boolean; serving: boolean; terminating: boolean }; nodeName?: string; targetRef: { name: string } }[] | null;
  ports?: { name: string; port: number; protocol: string }[];
};

// The real kubectl against the simulator's Service admission, load balancers and endpoint controllers.
describe('Services, load balancers and endpoints', () => {
  let cluster: TestCluster;
  const dir = mkdtempSync(join(tmpdir(), 'services-'));
  const kubectl = (...args: string[]): Promise<string> => cluster.cli('kubectl', args);
  const manifest = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const getJson = async <T>(...args: string[]): Promise<T> => JSON.parse(await kubectl('get', ...args, '-o', 'json')) as T;
  const service = (name: string, namespace = 'net'): Promise<Service> => getJson<Service>('svc', name, '-n', namespace);

  beforeAll(async () => {
    cluster = await startTestCluster();
    await kubectl('create', 'ns', 'net');
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it('starts with the kubernetes Service at the first address of 10.96.0.0/12', async () => {
    const kubernetes = await service('kubernetes', 'default');
    expect(kubernetes.spec).toMatchObject({ clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'], type: 'ClusterIP' });
    expect(kubernetes.spec.ports).toEqual([{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }]);
  });

  it('defaults a NodePort Service and refuses a node port another Service holds, until that one is deleted', async () => {
    await kubectl('create', 'service', 'nodeport', 'web', '--tcp=80:8080', '--node-port=30080', '-n', 'net');
    const web = await service('web');
    expect(web.spec).toMatchObject({
      type: 'NodePort',
      sessionAffinity: 'None',
      externalTrafficPolicy: 'Cluster',
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
    });
    expect(web.spec.clusterIPs).toEqual([web.spec.clusterIP]);
    expect(web.spec.clusterIP).toMatch(/^10\.(9[6-9]|10\d|11[01])\.\d+\.\d+$/);
    expect(web.spec.ports[0]).toMatchObject({ port: 80, targetPort: 8080, nodePort: 30080, protocol: 'TCP' });
    expect(web.status).toEqual({ loadBalancer: {} });

    await expect(kubectl('create', 'service', 'nodeport', 'web2', '--tcp=80:8080', '--node-port=30080', '-n', 'net')).rejects.toThrow(
      'Service "web2" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
    );
    await expect(kubectl('create', 'service', 'nodeport', 'web3', '--tcp=80', '--node-port=40000', '-n', 'net')).rejects.toThrow(
      'spec.ports[0].nodePort: Invalid value: 40000: provided port is not in the valid range. The range of valid ports is 30000-32767',
    );
    await kubectl('delete', 'svc', 'web', '-n', 'net');
    await kubectl('create', 'service', 'nodeport', 'web2', '--tcp=80:8080', '--node-port=30080', '-n', 'net');
  });

  it('gives every NodePort port a node port of its own from 30000-32767', async () => {
    await kubectl('create', 'service', 'nodeport', 'multi', '--tcp=80:8080', '--tcp=443:8443', '-n', 'net');
    const ports = (await service('multi')).spec.ports.map((p) => p.nodePort ?? 0);
    expect(ports.every((port) => port >= 30000 && port <= 32767)).toBe(true);
    expect(new Set(ports).size).toBe(2);
  });

  it('refuses a cluster IP that is taken or outside the range, and keeps a headless Service headless', async () => {
    await expect(kubectl('create', 'service', 'clusterip', 'dup', '--tcp=80', '--clusterip=10.96.0.1', '-n', 'net')).rejects.toThrow(
      'Service "dup" is invalid: spec.clusterIPs: Invalid value: ["10.96.0.1"]: failed to allocate IP 10.96.0.1: provided IP is already allocated',
    );
    await expect(kubectl('create', 'service', 'clusterip', 'far', '--tcp=80', '--clusterip=1.1.1.1', '-n', 'net')).rejects.toThrow(
      'failed to allocate IP 1.1.1.1: provided IP 1.1.1.1 is not in the valid range',
    );
    await kubectl('create', 'service', 'clusterip', 'fixed', '--tcp=80', '--clusterip=10.96.0.10', '-n', 'net');
    expect((await service('fixed')).spec.clusterIPs).toEqual(['10.96.0.10']);
    await kubectl('create', 'service', 'clusterip', 'headless', '--clusterip=None', '-n', 'net');
    expect((await service('headless')).spec).toMatchObject({ clusterIP: 'None', clusterIPs: ['None'] });
  });

  it('keeps the allocated cluster IP and node port across kubectl apply, replace and server-side apply, and refuses to change it', async () => {
    const yaml = (extra: string): string =>
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: app\n  namespace: net\n  labels: {tier: ${extra}}\nspec:\n  type: NodePort\n  selector: {app: app}\n  ports:\n  - {name: http, port: 80, targetPort: 8080}\n`;
    await kubectl('apply', '-f', manifest('a1.yaml', yaml('one')));
    const first = await service('app');
    await kubectl('apply', '-f', manifest('a2.yaml', yaml('two')));
    await kubectl('replace', '-f', manifest('a3.yaml', yaml('three')));
    await kubectl('apply', '--server-side', '--force-conflicts', '-f', manifest('a4.yaml', yaml('four')));
    const after = await service('app');
    expect(after.spec.clusterIP).toBe(first.spec.clusterIP);
    expect(after.spec.ports[0]?.nodePort).toBe(first.spec.ports[0]?.nodePort);

    const changed = `${yaml('five')}  clusterIP: 10.96.0.99\n`;
    await expect(kubectl('replace', '-f', manifest('a5.yaml', changed))).rejects.toThrow(
      'Service "app" is invalid: spec.clusterIPs[0]: Invalid value: ["10.96.0.99"]: may not change once set',
    );
  });

  it('refuses fields that only an externally reachable Service may have', async () => {
    const yaml = `apiVersion: v1\nkind: Service\nmetadata:\n  name: inside\n  namespace: net\nspec:\n  externalTrafficPolicy: Local\n  ports:\n  - {port: 80}\n`;
    await expect(kubectl('apply', '-f', manifest('inside.yaml', yaml))).rejects.toThrow(
      'Service "inside" is invalid: spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services',
    );
  });

  it('releases the node ports of a Service that becomes ClusterIP', async () => {
    await kubectl('create', 'service', 'nodeport', 'shrink', '--tcp=80', '--node-port=30111', '-n', 'net');
    await kubectl('patch', 'svc', 'shrink', '-n', 'net', '-p', '{"spec":{"type":"ClusterIP"}}');
    const shrunk = await service('shrink');
    expect(shrunk.spec.type).toBe('ClusterIP');
    expect(shrunk.spec.ports[0]?.nodePort).toBeUndefined();
    expect(shrunk.spec.externalTrafficPolicy).toBeUndefined();
    await kubectl('create', 'service', 'nodeport', 'reuse', '--tcp=80', '--node-port=30111', '-n', 'net');
  });

  it('gives a LoadBalancer an external IP, with the service controller events', async () => {
    await kubectl('create', 'service', 'loadbalancer', 'lb', '--tcp=80:8080', '-n', 'net');
    const lb = await eventually(async () => {
      const found = await service('lb');
      return found.status.loadBalancer.ingress?.length ? found : undefined;
    });
    expect(lb.status.loadBalancer.ingress).toEqual([{ ip: expect.stringMatching(/^172\.18\.255\.\d+$/) as unknown, ipMode: 'VIP' }]);
    expect(lb.spec).toMatchObject({ allocateLoadBalancerNodePorts: true, externalTrafficPolicy: 'Cluster' });
    expect(lb.spec.ports[0]?.nodePort).toBeGreaterThanOrEqual(30000);
    expect(await kubectl('get', 'svc', 'lb', '-n', 'net', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}')).toBe(lb.status.loadBalancer.ingress?.[0]?.ip);
    const reasons = await kubectl('get', 'events', '-n', 'net', '--field-selector', 'involvedObject.name=lb', '-o', 'jsonpath={.items[*].reason}');
    expect(reasons.split(' ').sort()).toEqual(['EnsuredLoadBalancer', 'EnsuringLoadBalancer']);

    await kubectl('create', 'service', 'loadbalancer', 'lb2', '--tcp=80', '-n', 'net');
    const second = await eventually(async () => (await service('lb2')).status.loadBalancer.ingress?.[0]?.ip);
    expect(second).not.toBe(lb.status.loadBalancer.ingress?.[0]?.ip);
  });

  describe('endpoints', () => {
    const api = async (method: string, path: string, body?: unknown): Promise<unknown> => {
      const response = await cluster.api(path, {
        method,
        headers: { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json: unknown = await response.json();
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
      return json;
    };
    const podPath = (name: string): string => `/api/v1/namespaces/net/pods/${name}`;
    type Placed = { ip: string; nodeName: string };
    // Real pods: the scheduler places them and the kubelet stand-in runs them to Ready (or, with the
    // `notready` tag, to Running without ever being ready).
    const createPod = async (name: string, labels: Record<string, string>, image = 'nginx:1.27'): Promise<Placed> => {
      await api('POST', '/api/v1/namespaces/net/pods', {
        metadata: { name, labels },
        spec: { containers: [{ name: 'app', image, ports: [{ name: 'http', containerPort: 8080 }] }] },
      });
      return eventually(async () => {
        const pod = (await api('GET', podPath(name))) as { spec: { nodeName?: string }; status: { phase?: string; podIP?: string } };
        return pod.status.phase === 'Running' && pod.status.podIP && pod.spec.nodeName ? { ip: pod.status.podIP, nodeName: pod.spec.nodeName } : undefined;
      });
    };
    const byIp = (a: Placed, b: Placed): number => (a.ip < b.ip ? -1 : 1);
    let placed: Record<string, Placed> = {};
    const endpoints = (name: string): Promise<Endpoints> => getJson<Endpoints>('endpoints', name, '-n', 'net');
    const slices = async (name: string): Promise<Slice[]> =>
      (await getJson<{ items: Slice[] }>('endpointslices', '-n', 'net', '-l', `kubernetes.io/service-name=${name}`)).items;
    const ips = (list: Address[] | undefined): string[] => (list ?? []).map((a) => a.ip);

    it('lists ready pod IPs with the resolved named port, in Endpoints and in an EndpointSlice', async () => {
      await kubectl(
        'apply',
        '-f',
        manifest(
          'ep.yaml',
          `apiVersion: v1\nkind: Service\nmetadata:\n  name: ep\n  namespace: net\n  labels: {team: a}\nspec:\n  selector: {app: ep}\n  ports:\n  - {name: http, port: 80, targetPort: http}\n`,
        ),
      );
      placed = { 'ep-1': await createPod('ep-1', { app: 'ep' }), 'ep-2': await createPod('ep-2', { app: 'ep' }) };
      await createPod('other', { app: 'other' });
      const [first, second] = Object.entries(placed).sort(([, a], [, b]) => byIp(a, b));

      const ready = await eventually(async () => {
        const found = await endpoints('ep');
        return ips(found.subsets?.[0]?.addresses).length === 2 ? found : undefined;
      });
      expect(ready.subsets).toEqual([
        {
          addresses: [first!, second!].map(([name, pod]) => ({
            ...pod,
            targetRef: expect.objectContaining({ kind: 'Pod', name, namespace: 'net' }) as unknown,
          })),
          ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        },
      ]);
      expect(ready.metadata.labels).toMatchObject({ team: 'a', 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' });
      expect(ready.metadata.ownerReferences).toBeUndefined();

      const [slice, ...more] = await slices('ep');
      expect(more).toEqual([]);
      expect(slice?.metadata.name).toMatch(/^ep-[a-z0-9]{5}$/);
      expect(slice?.metadata.labels).toMatchObject({ team: 'a', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
      expect(slice?.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Service', name: 'ep', controller: true }) as unknown]);
      expect(slice?.addressType).toBe('IPv4');
      expect(slice?.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
      expect(slice?.endpoints?.map((e) => [e.addresses[0], e.conditions])).toEqual(
        [first!, second!].map(([, pod]) => [pod.ip, { ready: true, serving: true, terminating: false }]),
      );
    });

    it('lists a pod that is not ready in notReadyAddresses, and drops one relabelled or deleted', async () => {
      const sulky = await createPod('ep-3', { app: 'ep' }, 'nginx:notready');
      const moved = await eventually(async () => {
        const found = await endpoints('ep');
        return ips(found.subsets?.[0]?.notReadyAddresses).length === 1 ? found : undefined;
      });
      expect(ips(moved.subsets?.[0]?.addresses)).toEqual([placed['ep-1']!, placed['ep-2']!].sort(byIp).map((p) => p.ip));
      expect(ips(moved.subsets?.[0]?.notReadyAddresses)).toEqual([sulky.ip]);
      await eventually(async () => {
        const slice = (await slices('ep'))[0];
        const conditions = slice?.endpoints?.find((e) => e.addresses[0] === sulky.ip)?.conditions;
        return conditions?.ready === false && conditions.serving === false ? true : undefined;
      });

      await kubectl('label', 'pod', 'ep-1', 'app=moved', '--overwrite', '-n', 'net');
      await kubectl('delete', 'pod', 'ep-2', 'ep-3', '-n', 'net');
      await eventually(async () => ((await endpoints('ep')).subsets === undefined ? true : undefined));
      const placeholder = await eventually(async () => {
        const [slice] = await slices('ep');
        return slice?.endpoints === null ? slice : undefined;
      });
      expect(placeholder.ports).toBeUndefined();
    });

    it('lists the pods of a headless Service without ports, with the headless label on its slice', async () => {
      await kubectl('create', 'service', 'clusterip', 'db', '--clusterip=None', '-n', 'net');
      const db = await createPod('db-0', { app: 'db' });
      const [slice] = await eventually(async () => {
        const found = await slices('db');
        return found[0]?.endpoints?.length ? found : undefined;
      });
      expect(slice?.metadata.labels).toMatchObject({ 'service.kubernetes.io/headless': '', 'kubernetes.io/service-name': 'db' });
      expect(slice?.ports).toBeUndefined();
      expect(slice?.endpoints?.[0]?.addresses).toEqual([db.ip]);
      const found = await eventually(async () => ((await endpoints('db')).subsets?.length ? endpoints('db') : undefined));
      expect(found.subsets).toEqual([{ addresses: [expect.objectContaining({ ip: db.ip }) as unknown] }]);
    });

    it('leaves a selectorless Service alone, and deletes the Endpoints and slices with their Service', async () => {
      const selectorless = `apiVersion: v1\nkind: Service\nmetadata:\n  name: manual\n  namespace: net\nspec:\n  ports:\n  - {port: 80}\n`;
      await kubectl('apply', '-f', manifest('manual.yaml', selectorless));
      await kubectl('delete', 'svc', 'ep', '-n', 'net');
      await eventually(async () => ((await kubectl('get', 'endpoints,endpointslices', '-n', 'net', '-o', 'name')).includes('/ep') ? undefined : true));
      expect(await kubectl('get', 'endpoints', '-n', 'net', '-o', 'name')).not.toContain('endpoints/manual');
    });
  });
});

// Allocations live in the stored Services, so a restart neither forgets nor duplicates them.
describe('Service allocations across a restart', () => {
  it('still refuses a node port held by a Service stored before the restart, and keeps one kubernetes Service', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'services-restart-'));
    const first = await startTestCluster({ dataDir });
    await first.cli('kubectl', ['create', 'service', 'nodeport', 'kept', '--tcp=80', '--node-port=30200']);
    await first.stop();
    const second = await startTestCluster({ dataDir });
    try {
      await expect(second.cli('kubectl', ['create', 'service', 'nodeport', 'again', '--tcp=80', '--node-port=30200'])).rejects.toThrow(
        'spec.ports[0].nodePort: Invalid value: 30200: provided port is already allocated',
      );
      const names = await second.cli('kubectl', ['get', 'svc', '-n', 'default', '-o', 'name']);
      expect(names.trim().split('\n')).toEqual(['service/kept', 'service/kubernetes']);
    } finally {
      await second.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

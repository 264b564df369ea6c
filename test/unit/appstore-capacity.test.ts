import type { V1Node, V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { formatQuantity, freeOf, requirementsOf, shortageMessage, shortagesOf, withStated } from '../../functions/appstore/capacity-sums.js';

const GI = 2 ** 30;
const MI = 2 ** 20;
const pod = (cpu: string, memory: string, init?: { cpu: string; memory: string }) => ({
  containers: [{ name: 'c', resources: { requests: { cpu, memory } } }],
  ...(init ? { initContainers: [{ name: 'i', resources: { requests: init } }] } : {}),
});

describe('requirementsOf', () => {
  it('sums replicas × pod requests over Deployments, StatefulSets, Jobs and bare Pods, ignoring other kinds', () => {
    const req = requirementsOf(
      [
        { kind: 'Deployment', spec: { replicas: 3, template: { spec: pod('100m', '64Mi') } } },
        {
          kind: 'StatefulSet',
          spec: { replicas: 2, template: { spec: pod('250m', '256Mi') }, volumeClaimTemplates: [{ spec: { resources: { requests: { storage: '1Gi' } } } }] },
        },
        { kind: 'Job', spec: { template: { spec: pod('50m', '16Mi') } } },
        { kind: 'Pod', spec: pod('10m', '8Mi') },
        { kind: 'Service', spec: { ports: [] } },
        null,
      ],
      3,
    );
    expect(req.total.cpu).toBeCloseTo(0.3 + 0.5 + 0.05 + 0.01);
    expect(req.total.memory).toBe((192 + 512 + 16 + 8) * MI);
    expect(req.total.storage).toBe(2 * GI);
    expect(req.largestPod).toEqual({ cpu: 0.25, memory: 256 * MI });
  });

  it('counts a DaemonSet once per node, a limit without a request as the request, and the largest init container when it is more', () => {
    const req = requirementsOf(
      [
        { kind: 'DaemonSet', spec: { template: { spec: pod('100m', '10Mi') } } },
        { kind: 'Deployment', spec: { template: { spec: { containers: [{ resources: { limits: { cpu: '1', memory: '1Gi' } } }] } } } },
        { kind: 'Deployment', spec: { replicas: 0, template: { spec: pod('8', '8Gi') } } },
        { kind: 'StatefulSet', spec: { template: { spec: pod('10m', '10Mi', { cpu: '2', memory: '10Mi' }) } } },
      ],
      4,
    );
    expect(req.total.cpu).toBeCloseTo(0.4 + 1 + 2);
    expect(req.total.memory).toBe(40 * MI + GI + 10 * MI);
  });

  it('counts PersistentVolumeClaims, and the catalog statement is a floor', () => {
    const req = requirementsOf([{ kind: 'PersistentVolumeClaim', spec: { resources: { requests: { storage: '5Gi' } } } }], 1);
    const stated = withStated(req, { cpu: '500m', memory: '1Gi', storage: '1Gi' });
    expect(stated.total).toEqual({ cpu: 0.5, memory: GI, storage: 5 * GI });
  });
});

const node = (name: string, cpu: string, memory: string, extra: Partial<V1Node> = {}): V1Node => ({
  metadata: { name },
  status: { allocatable: { cpu, memory, 'ephemeral-storage': '10Gi' }, conditions: [{ type: 'Ready', status: 'True' }] },
  ...extra,
});
const running = (nodeName: string | undefined, cpu: string, memory: string, phase = 'Running'): V1Pod => ({
  spec: { ...pod(cpu, memory), ...(nodeName ? { nodeName } : {}) },
  status: { phase },
});

describe('freeOf', () => {
  it("subtracts bound, unfinished pods' requests from each schedulable node, and claims from the storage budget", () => {
    const nodes = [node('a', '4', '8Gi'), node('b', '2', '4Gi'), node('c', '16', '64Gi', { spec: { unschedulable: true } })];
    const pods = [running('a', '3', '6Gi'), running('b', '500m', '1Gi'), running('a', '1', '1Gi', 'Succeeded'), running(undefined, '1', '1Gi', 'Pending')];
    const claims: V1PersistentVolumeClaim[] = [{ spec: { resources: { requests: { storage: '3Gi' } } } }];
    const free = freeOf(nodes, pods, claims);
    expect(free.total).toEqual({ cpu: 2.5, memory: 5 * GI, storage: 17 * GI });
    expect(free.largestNode).toEqual({ cpu: 1.5, memory: 3 * GI });
    expect(free.nodes).toBe(2);
    expect(freeOf(nodes, [], claims, { storageBudget: 2 * GI }).total.storage).toBe(0);
  });

  it("counts an upgraded app's own pods and claims as free (ownNamespace)", () => {
    const nodes = [node('a', '4', '8Gi')];
    const own = { ...running('a', '3', '6Gi'), metadata: { namespace: 'app-x' } };
    const other = { ...running('a', '500m', '1Gi'), metadata: { namespace: 'app-y' } };
    const claims: V1PersistentVolumeClaim[] = [{ metadata: { namespace: 'app-x' }, spec: { resources: { requests: { storage: '3Gi' } } } }];
    expect(freeOf(nodes, [own, other], claims).total).toEqual({ cpu: 0.5, memory: GI, storage: 7 * GI });
    expect(freeOf(nodes, [own, other], claims, { ownNamespace: 'app-x' }).total).toEqual({ cpu: 3.5, memory: 7 * GI, storage: 10 * GI });
  });
});

describe('shortagesOf and the message', () => {
  const free = { total: { cpu: 2, memory: 1.5 * GI, storage: 10 * GI }, largestNode: { cpu: 1, memory: GI }, nodes: 2 };

  it('names what is short and by how much, in both languages', () => {
    const shortages = shortagesOf({ total: { cpu: 1, memory: 4 * GI, storage: 0 }, largestPod: { cpu: 0.5, memory: 512 * MI } }, free);
    expect(shortages).toEqual([{ resource: 'memory', scope: 'cluster', required: '4Gi', free: '1.5Gi', short: '2.5Gi' }]);
    const message = shortageMessage(shortages);
    expect(message['en-US']).toBe('not enough memory: the app needs 4Gi, the cluster has 1.5Gi free (2.5Gi short)');
    expect(message['zh-CN']).toBe('内存不足: 应用需要 4Gi, 集群剩余 1.5Gi (缺少 2.5Gi)');
  });

  it('refuses a pod that fits the cluster in sum but no single node', () => {
    const shortages = shortagesOf({ total: { cpu: 1.5, memory: GI, storage: 0 }, largestPod: { cpu: 1.5, memory: GI } }, free);
    expect(shortages).toEqual([{ resource: 'cpu', scope: 'node', required: '1500m', free: '1', short: '500m' }]);
    expect(shortageMessage(shortages)['en-US']).toContain('on any one node');
  });

  it('is empty when the app fits', () => {
    expect(shortagesOf({ total: { cpu: 2, memory: GI, storage: 10 * GI }, largestPod: { cpu: 1, memory: GI } }, free)).toEqual([]);
  });

  it('formats quantities for people', () => {
    expect(formatQuantity('cpu', 0.25)).toBe('250m');
    expect(formatQuantity('cpu', 3)).toBe('3');
    expect(formatQuantity('memory', 1536 * MI)).toBe('1.5Gi');
    expect(formatQuantity('storage', 100 * MI)).toBe('100Mi');
    expect(formatQuantity('storage', 100)).toBe('100');
  });
});

import { describe, expect, it } from 'vitest';
import { jsonPatch, mergePatch, strategicMergePatch } from '../../local/kube/patch.js';
import { labelMatcher } from '../../local/kube/selectors.js';
import { KubeStore } from '../../local/kube/store.js';

describe('strategic merge patch', () => {
  it('merges container ports by containerPort, Service ports by port, and volumeMounts by mountPath', () => {
    const pod = { containers: [{ name: 'a', ports: [{ containerPort: 80, name: 'http' }], volumeMounts: [{ mountPath: '/x', name: 'v1' }] }] };
    const patched = strategicMergePatch(pod, { containers: [{ name: 'a', ports: [{ containerPort: 443 }], volumeMounts: [{ mountPath: '/x', name: 'v2' }] }] });
    expect(patched).toEqual({
      containers: [{ name: 'a', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }], volumeMounts: [{ mountPath: '/x', name: 'v2' }] }],
    });
    expect(strategicMergePatch({ ports: [{ port: 80, targetPort: 8080 }] }, { ports: [{ port: 80, targetPort: 9090 }] })).toEqual({
      ports: [{ port: 80, targetPort: 9090 }],
    });
  });

  it('replaces lists without a merge key, deletes on null, and honours $retainKeys and $patch: replace', () => {
    expect(strategicMergePatch({ args: ['a', 'b'], keep: 1, drop: 2 }, { args: ['c'], drop: null })).toEqual({ args: ['c'], keep: 1 });
    expect(
      strategicMergePatch({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } }, { strategy: { type: 'Recreate', $retainKeys: ['type'] } }),
    ).toEqual({
      strategy: { type: 'Recreate' },
    });
    expect(strategicMergePatch({ labels: { a: '1', b: '2' } }, { labels: { $patch: 'replace', c: '3' } })).toEqual({ labels: { c: '3' } });
  });
});

describe('JSON merge patch and JSON patch', () => {
  it('applies RFC 7386 and RFC 6902 documents', () => {
    expect(mergePatch({ a: { b: 1, c: 2 }, l: [1] }, { a: { b: null }, l: [2] })).toEqual({ a: { c: 2 }, l: [2] });
    const ops = [
      { op: 'add', path: '/l/-', value: 3 },
      { op: 'move', from: '/a', path: '/b' },
      { op: 'test', path: '/b', value: 1 },
    ];
    expect(jsonPatch({ a: 1, l: [1, 2] }, ops)).toEqual({ b: 1, l: [1, 2, 3] });
    expect(() => jsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }])).toThrow(/test operation failed/);
  });
});

describe('label selectors', () => {
  const object = (labels: Record<string, string>) => ({ metadata: { name: 'x', labels } });
  it('supports equality, set-based and existence requirements', () => {
    expect(labelMatcher('owner=helm,name=demo')(object({ owner: 'helm', name: 'demo' }))).toBe(true);
    expect(labelMatcher('env in (a, b),!legacy')(object({ env: 'b' }))).toBe(true);
    expect(labelMatcher('env notin (a),tier')(object({ env: 'a', tier: 'x' }))).toBe(false);
  });
});

describe('the revision-log store', () => {
  it('gives every write the next resourceVersion and replays only the events newer than a given one', () => {
    const store = new KubeStore({ historyLimit: 2 });
    const key = { group: '', plural: 'configmaps', namespace: 'd', name: 'a' };
    store.put(key, { metadata: { name: 'a' } });
    store.put(key, { metadata: { name: 'a' } });
    store.remove(key);
    expect(store.resourceVersion).toBe(3);
    expect(store.eventsSince(2)?.map((e) => [e.type, e.rv])).toEqual([['DELETED', 3]]);
    expect(store.eventsSince(0)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { UnsupportedProtobufError, decodeKubeProtobuf } from '../../local/kube/protobuf.js';

// A tiny protobuf encoder that follows the field numbers of k8s.io/api and apimachinery generated.proto.
type Field = [no: number, value: string | number | bigint | boolean | Uint8Array];
const varint = (n: bigint): number[] => {
  let v = BigInt.asUintN(64, n);
  const out: number[] = [];
  do {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? byte | 0x80 : byte);
  } while (v > 0n);
  return out;
};
const message = (...fields: Field[]): Uint8Array => {
  const out: number[] = [];
  for (const [no, value] of fields) {
    if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
      out.push(...varint(BigInt(no << 3)), ...varint(typeof value === 'boolean' ? (value ? 1n : 0n) : BigInt(value)));
    } else {
      const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value;
      out.push(...varint(BigInt((no << 3) | 2)), ...varint(BigInt(bytes.length)), ...bytes);
    }
  }
  return Uint8Array.from(out);
};
const entry = (no: number, key: string, value: string | Uint8Array): Field => [no, message([1, key], [2, value])];
const envelope = (apiVersion: string, kind: string, raw: Uint8Array, contentEncoding = ''): Uint8Array =>
  Uint8Array.from([0x6b, 0x38, 0x73, 0x00, ...message([1, message([1, apiVersion], [2, kind])], [2, raw], [3, contentEncoding], [4, ''])]);

const objectMeta = message(
  [1, 'sh.helm.release.v1.web.v1'],
  [3, 'default'],
  [5, '6f1c1b2e-0000-4000-8000-000000000001'],
  [6, '42'],
  [7, 3],
  [8, message([1, 1767225600])],
  [9, new Uint8Array()],
  entry(11, 'owner', 'helm'),
  entry(11, 'status', 'pending-install'),
  entry(12, 'note', 'kept'),
  [13, message([1, 'Deployment'], [3, 'web'], [4, 'uid-1'], [5, 'apps/v1'], [6, true], [7, true])],
  [14, 'example.com/guard'],
  [14, 'example.com/other'],
);

describe('decodeKubeProtobuf', () => {
  it('decodes a v1 Secret with its metadata, bytes data as base64 and stringData', () => {
    const secret = message([1, objectMeta], entry(2, 'release', Uint8Array.from([0, 1, 2, 250])), [3, 'helm.sh/release.v1'], entry(4, 'plain', 'text'), [
      5,
      true,
    ]);
    expect(decodeKubeProtobuf(envelope('v1', 'Secret', secret))).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'sh.helm.release.v1.web.v1',
        namespace: 'default',
        uid: '6f1c1b2e-0000-4000-8000-000000000001',
        resourceVersion: '42',
        generation: 3,
        creationTimestamp: '2026-01-01T00:00:00Z',
        labels: { owner: 'helm', status: 'pending-install' },
        annotations: { note: 'kept' },
        ownerReferences: [{ kind: 'Deployment', name: 'web', uid: 'uid-1', apiVersion: 'apps/v1', controller: true, blockOwnerDeletion: true }],
        finalizers: ['example.com/guard', 'example.com/other'],
      },
      data: { release: Buffer.from([0, 1, 2, 250]).toString('base64') },
      type: 'helm.sh/release.v1',
      stringData: { plain: 'text' },
      immutable: true,
    });
  });

  it('decodes DeleteOptions with preconditions, a negative-safe grace period and dryRun', () => {
    const options = message([1, 0], [2, message([1, 'uid-9'], [2, '7'])], [3, false], [4, 'Background'], [5, 'All']);
    expect(decodeKubeProtobuf(envelope('v1', 'DeleteOptions', options))).toEqual({
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      gracePeriodSeconds: 0,
      preconditions: { uid: 'uid-9', resourceVersion: '7' },
      orphanDependents: false,
      propagationPolicy: 'Background',
      dryRun: ['All'],
    });
    expect(decodeKubeProtobuf(envelope('v1', 'DeleteOptions', message([1, -1n]))).gracePeriodSeconds).toBe(-1);
  });

  it('decodes a policy/v1 Eviction with its DeleteOptions', () => {
    const eviction = message([1, message([1, 'web-0'], [3, 'default'])], [2, message([1, 30])]);
    expect(decodeKubeProtobuf(envelope('policy/v1', 'Eviction', eviction))).toEqual({
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: 'web-0', namespace: 'default' },
      deleteOptions: { gracePeriodSeconds: 30 },
    });
    expect(() => decodeKubeProtobuf(envelope('v1', 'Eviction', eviction))).toThrow(UnsupportedProtobufError);
  });

  it('decodes a ConfigMap with data and binaryData', () => {
    const configMap = message([1, message([1, 'settings'], [2, 'settings-'])], entry(2, 'a', '1'), entry(3, 'bin', Uint8Array.from([255])));
    expect(decodeKubeProtobuf(envelope('v1', 'ConfigMap', configMap))).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', generateName: 'settings-' },
      data: { a: '1' },
      binaryData: { bin: '/w==' },
    });
  });

  it('decodes a Namespace with spec finalizers and status phase', () => {
    const namespace = message([1, message([1, 'team-a'])], [2, message([1, 'kubernetes'])], [3, message([1, 'Active'])]);
    expect(decodeKubeProtobuf(envelope('v1', 'Namespace', namespace))).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team-a' },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  });

  it('leaves out empty value fields as encoding/json would, but keeps pointer fields that were sent', () => {
    const meta = message([1, 'a'], [2, ''], [3, ''], [7, 0], [10, 0]);
    expect(decodeKubeProtobuf(envelope('v1', 'Secret', message([1, meta], [3, ''])))).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'a', deletionGracePeriodSeconds: 0 },
    });
    expect(decodeKubeProtobuf(envelope('v1', 'DeleteOptions', message([4, ''])))).toEqual({ apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: '' });
  });

  it('leaves a zero creationTimestamp unset, as the JSON form of Go zero time is null', () => {
    const meta = message([1, 'a'], [8, message([1, -62135596800n])]);
    expect(decodeKubeProtobuf(envelope('v1', 'Secret', message([1, meta])))).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'a' } });
  });

  it('throws UnsupportedProtobufError for kinds it does not decode, a missing magic, and compressed content', () => {
    expect(() => decodeKubeProtobuf(envelope('apps/v1', 'StatefulSet', message()))).toThrow(UnsupportedProtobufError);
    expect(() => decodeKubeProtobuf(envelope('apps/v1', 'Secret', message()))).toThrow(UnsupportedProtobufError);
    expect(() => decodeKubeProtobuf(new TextEncoder().encode('{"kind":"Secret"}'))).toThrow(UnsupportedProtobufError);
    expect(() => decodeKubeProtobuf(envelope('v1', 'Secret', message(), 'gzip'))).toThrow(UnsupportedProtobufError);
    expect(() => decodeKubeProtobuf(Uint8Array.from([0x6b, 0x38, 0x73, 0x00, 0x12, 0x05, 0x01]))).toThrow(UnsupportedProtobufError);
  });
});

/**
 * Stand-in until kube-docs' decoder merges: decodes the protobuf request bodies client-go sends for
 * built-in types (helm's release Secrets, DeleteOptions, ConfigMaps): the `k8s\0` magic, the
 * runtime.Unknown envelope, then the message by its kind. Answers stay JSON.
 */
export class UnsupportedProtobufError extends Error {
  override readonly name = 'UnsupportedProtobufError';
}

type Field = { number: number; wire: number; value: bigint | Uint8Array };

function* fields(bytes: Uint8Array): Generator<Field> {
  let offset = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = bytes[offset++];
      if (byte === undefined) throw new UnsupportedProtobufError('truncated varint');
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return result;
      shift += 7n;
    }
  };
  while (offset < bytes.length) {
    const tag = Number(varint());
    const wire = tag & 7;
    if (wire === 0) yield { number: tag >> 3, wire, value: varint() };
    else if (wire === 2) {
      const length = Number(varint());
      yield { number: tag >> 3, wire, value: bytes.subarray(offset, offset + length) };
      offset += length;
    } else if (wire === 1 || wire === 5) offset += wire === 1 ? 8 : 4;
    else throw new UnsupportedProtobufError(`unsupported wire type ${wire}`);
  }
}

const text = (value: bigint | Uint8Array): string => (typeof value === 'bigint' ? String(value) : new TextDecoder().decode(value));
const bytesOf = (value: bigint | Uint8Array): Uint8Array => (typeof value === 'bigint' ? new Uint8Array() : value);

/** A message schema: field number → [json name, how to decode]. */
type Decoder = (value: bigint | Uint8Array) => unknown;
type Schema = Record<number, [string, Decoder, ('repeated' | 'map')?]>;

function message(schema: Schema): Decoder {
  return (value) => {
    const result: Record<string, unknown> = {};
    for (const field of fields(bytesOf(value))) {
      const entry = schema[field.number];
      if (!entry) continue;
      const [name, decode, mode] = entry;
      if (mode === 'repeated') ((result[name] ??= []) as unknown[]).push(decode(field.value));
      else if (mode === 'map') {
        const pair = mapEntry(field.value, decode);
        ((result[name] ??= {}) as Record<string, unknown>)[pair.key] = pair.value;
      } else result[name] = decode(field.value);
    }
    return result;
  };
}

function mapEntry(value: bigint | Uint8Array, decode: Decoder): { key: string; value: unknown } {
  let key = '';
  let item: unknown = decode(new Uint8Array());
  for (const field of fields(bytesOf(value))) {
    if (field.number === 1) key = text(field.value);
    if (field.number === 2) item = decode(field.value);
  }
  return { key, value: item };
}

const str: Decoder = text;
const bool: Decoder = (v) => v === 1n;
const int: Decoder = (v) => Number(v);
const base64: Decoder = (v) => Buffer.from(bytesOf(v)).toString('base64');
const time: Decoder = (v) => {
  const t = message({ 1: ['seconds', int] })(v) as { seconds?: number };
  return new Date((t.seconds ?? 0) * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
};
const ownerReference = message({
  1: ['kind', str],
  3: ['name', str],
  4: ['uid', str],
  5: ['apiVersion', str],
  6: ['controller', bool],
  7: ['blockOwnerDeletion', bool],
});
const objectMeta = message({
  1: ['name', str],
  2: ['generateName', str],
  3: ['namespace', str],
  5: ['uid', str],
  6: ['resourceVersion', str],
  7: ['generation', int],
  8: ['creationTimestamp', time],
  11: ['labels', str, 'map'],
  12: ['annotations', str, 'map'],
  13: ['ownerReferences', ownerReference, 'repeated'],
  14: ['finalizers', str, 'repeated'],
});

const KINDS: Record<string, Decoder> = {
  Secret: message({ 1: ['metadata', objectMeta], 2: ['data', base64, 'map'], 3: ['type', str], 4: ['stringData', str, 'map'], 5: ['immutable', bool] }),
  ConfigMap: message({ 1: ['metadata', objectMeta], 2: ['data', str, 'map'], 3: ['binaryData', base64, 'map'], 4: ['immutable', bool] }),
  // `kubectl create namespace` builds a typed Namespace, so it arrives as protobuf too.
  Namespace: message({ 1: ['metadata', objectMeta], 2: ['spec', message({ 1: ['finalizers', str, 'repeated'] })] }),
  DeleteOptions: message({
    1: ['gracePeriodSeconds', int],
    2: ['preconditions', message({ 1: ['uid', str], 2: ['resourceVersion', str] })],
    3: ['orphanDependents', bool],
    4: ['propagationPolicy', str],
    5: ['dryRun', str, 'repeated'],
  }),
};

const MAGIC = [0x6b, 0x38, 0x73, 0x00];

/** Decodes a `application/vnd.kubernetes.protobuf` body into the JSON form of the object. */
export function decodeKubeProtobuf(body: Uint8Array): Record<string, unknown> {
  if (!MAGIC.every((byte, index) => body[index] === byte)) throw new UnsupportedProtobufError('missing the k8s\\0 prefix');
  const unknown = message({ 1: ['typeMeta', message({ 1: ['apiVersion', str], 2: ['kind', str] })], 2: ['raw', (v) => bytesOf(v)] })(body.subarray(4)) as {
    typeMeta?: { apiVersion?: string; kind?: string };
    raw?: Uint8Array;
  };
  const kind = unknown.typeMeta?.kind ?? '';
  const decode = KINDS[kind];
  if (!decode || !unknown.raw) throw new UnsupportedProtobufError(`protobuf bodies of kind ${kind || '(none)'} are not supported`);
  return { apiVersion: unknown.typeMeta?.apiVersion, kind, ...(decode(unknown.raw) as Record<string, unknown>) };
}

/**
 * Decodes the Kubernetes protobuf request bodies that client-go's typed clients send (helm's release
 * Secrets and their DeleteOptions, trap 1 of the research notes) into the JSON form of the object.
 *
 * The envelope is the 4-byte magic `k8s\0` followed by a `runtime.Unknown` message whose `raw` field
 * holds the object. Field numbers come from k8s.io/api core/v1/generated.proto and
 * k8s.io/apimachinery meta/v1 and runtime generated.proto (v0.35.1). Only the kinds client-go is
 * known to send as protobuf to this simulator are described; anything else is refused with
 * `UnsupportedProtobufError` so the server answers 415 instead of guessing.
 */
import { workloadMessageTypes } from './protobuf-workloads.js';

/** A protobuf body the simulator cannot decode: the server answers 415 Unsupported Media Type. */
export class UnsupportedProtobufError extends Error {
  override readonly name = 'UnsupportedProtobufError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const MAGIC = [0x6b, 0x38, 0x73, 0x00] as const; // "k8s\0"

const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

type RawField = { no: number; wire: number; varint?: bigint; bytes?: Uint8Array };

/** Splits one message into its fields, in wire order (repeated fields and map entries repeat). */
function readFields(buf: Uint8Array): RawField[] {
  const out: RawField[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (pos >= buf.length) throw new UnsupportedProtobufError('truncated varint');
      const byte = buf[pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      if (shift > 63n) throw new UnsupportedProtobufError('varint longer than 10 bytes');
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const no = key >>> 3;
    const wire = key & 7;
    if (wire === WIRE.varint) out.push({ no, wire, varint: varint() });
    else if (wire === WIRE.bytes) {
      const length = Number(varint());
      if (pos + length > buf.length) throw new UnsupportedProtobufError(`field ${no} runs past the end of the message`);
      out.push({ no, wire, bytes: buf.subarray(pos, pos + length) });
      pos += length;
    } else if (wire === WIRE.fixed64) pos += 8;
    else if (wire === WIRE.fixed32) pos += 4;
    else throw new UnsupportedProtobufError(`unsupported wire type ${wire} for field ${no}`);
  }
  return out;
}

/** How one field of a message turns into JSON. `repeated` fields become arrays, maps become objects. */
type Scalar = 'string' | 'bytes' | 'int64' | 'bool' | 'time' | 'quantity' | 'intOrString';
/**
 * `string` and `int64` are Go value fields with `omitempty`: gogo-protobuf always writes them, so an
 * empty one is left out of the JSON form, as encoding/json would. A `*` marks a Go pointer field,
 * whose presence is meaningful (`gracePeriodSeconds: 0`, `propagationPolicy`), so it is kept as sent.
 */
type FieldType =
  Scalar | 'string*' | 'int64*' | { message: MessageType } | { map: 'string' | 'bytes' | 'quantity' } | { repeated: Scalar | { message: MessageType } };
export type MessageType = Readonly<Record<number, readonly [name: string, type: FieldType]>>;

const text = new TextDecoder('utf-8', { fatal: true });

/** Go's zero time.Time as Unix seconds: metav1.Time encodes "unset" this way (or as an empty message). */
const ZERO_TIME_SECONDS = -62135596800n;

/** A `meta/v1.Time` (seconds, nanos) in the JSON form Kubernetes uses: RFC 3339 to the second. */
function decodeTime(buf: Uint8Array): string | undefined {
  const seconds = readFields(buf).find((f) => f.no === 1)?.varint ?? 0n;
  if (buf.length === 0 || BigInt.asIntN(64, seconds) === ZERO_TIME_SECONDS) return undefined;
  return new Date(Number(BigInt.asIntN(64, seconds)) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function scalar(type: Scalar, field: RawField): unknown {
  switch (type) {
    case 'string':
      return text.decode(field.bytes ?? new Uint8Array());
    case 'bytes':
      return Buffer.from(field.bytes ?? new Uint8Array()).toString('base64');
    case 'int64':
      return Number(BigInt.asIntN(64, field.varint ?? 0n));
    case 'bool':
      return (field.varint ?? 0n) !== 0n;
    case 'time':
      return decodeTime(field.bytes ?? new Uint8Array());
    // resource.Quantity is a message holding its string form.
    case 'quantity':
      return decodeMessage(field.bytes ?? new Uint8Array(), { 1: ['string', 'string'] }).string ?? '0';
    case 'intOrString': {
      // intstr.IntOrString {type = 1 (0 int, 1 string), intVal = 2, strVal = 3}: JSON has the number or the string.
      const value = decodeMessage(field.bytes ?? new Uint8Array(), { 1: ['type', 'int64'], 2: ['intVal', 'int64'], 3: ['strVal', 'string'] });
      return value.type === 1 ? (value.strVal ?? '') : (value.intVal ?? 0);
    }
  }
}

/** Decodes one message by its description; fields it does not describe are skipped, as proto3 does. */
function decodeMessage(buf: Uint8Array, type: MessageType): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of readFields(buf)) {
    const described = type[field.no];
    if (!described) continue;
    const [name, fieldType] = described;
    if (typeof fieldType === 'string') {
      const pointer = fieldType.endsWith('*');
      const value = scalar(fieldType.replace('*', '') as Scalar, field);
      const message = fieldType === 'quantity' || fieldType === 'intOrString';
      if (value !== undefined && (pointer || message || (value !== '' && value !== 0))) out[name] = value;
    } else if ('message' in fieldType) {
      out[name] = decodeMessage(field.bytes ?? new Uint8Array(), fieldType.message);
    } else if ('map' in fieldType) {
      const entry = decodeMessage(field.bytes ?? new Uint8Array(), { 1: ['key', 'string'], 2: ['value', fieldType.map] });
      const map = (out[name] ??= {}) as Record<string, unknown>;
      map[typeof entry.key === 'string' ? entry.key : ''] = entry.value ?? '';
    } else {
      const list = (out[name] ??= []) as unknown[];
      const item = fieldType.repeated;
      list.push(typeof item === 'string' ? scalar(item, field) : decodeMessage(field.bytes ?? new Uint8Array(), item.message));
    }
  }
  return out;
}

const OWNER_REFERENCE: MessageType = {
  1: ['kind', 'string'],
  3: ['name', 'string'],
  4: ['uid', 'string'],
  5: ['apiVersion', 'string'],
  6: ['controller', 'bool'],
  7: ['blockOwnerDeletion', 'bool'],
};

const MANAGED_FIELDS_ENTRY: MessageType = {
  1: ['manager', 'string'],
  2: ['operation', 'string'],
  3: ['apiVersion', 'string'],
  4: ['time', 'time'],
  6: ['fieldsType', 'string'],
  8: ['subresource', 'string'],
};

const OBJECT_META: MessageType = {
  1: ['name', 'string'],
  2: ['generateName', 'string'],
  3: ['namespace', 'string'],
  4: ['selfLink', 'string'],
  5: ['uid', 'string'],
  6: ['resourceVersion', 'string'],
  7: ['generation', 'int64'],
  8: ['creationTimestamp', 'time'],
  9: ['deletionTimestamp', 'time'],
  10: ['deletionGracePeriodSeconds', 'int64*'],
  11: ['labels', { map: 'string' }],
  12: ['annotations', { map: 'string' }],
  13: ['ownerReferences', { repeated: { message: OWNER_REFERENCE } }],
  14: ['finalizers', { repeated: 'string' }],
  17: ['managedFields', { repeated: { message: MANAGED_FIELDS_ENTRY } }],
};

const metadata = [1, ['metadata', { message: OBJECT_META }]] as const;

const NAMESPACE_CONDITION: MessageType = {
  1: ['type', 'string'],
  2: ['status', 'string'],
  4: ['lastTransitionTime', 'time'],
  5: ['reason', 'string'],
  6: ['message', 'string'],
};

const SERVICE_PORT: MessageType = {
  1: ['name', 'string'],
  2: ['protocol', 'string'],
  3: ['port', 'int64'],
  4: ['targetPort', 'intOrString'],
  5: ['nodePort', 'int64'],
  6: ['appProtocol', 'string*'],
};

// core/v1 ServiceSpec (`kubectl create service` sends Services from its typed client).
const SERVICE_SPEC: MessageType = {
  1: ['ports', { repeated: { message: SERVICE_PORT } }],
  2: ['selector', { map: 'string' }],
  3: ['clusterIP', 'string'],
  4: ['type', 'string'],
  5: ['externalIPs', { repeated: 'string' }],
  7: ['sessionAffinity', 'string'],
  8: ['loadBalancerIP', 'string'],
  9: ['loadBalancerSourceRanges', { repeated: 'string' }],
  10: ['externalName', 'string'],
  11: ['externalTrafficPolicy', 'string'],
  12: ['healthCheckNodePort', 'int64'],
  13: ['publishNotReadyAddresses', 'bool'],
  14: ['sessionAffinityConfig', { message: { 1: ['clientIP', { message: { 1: ['timeoutSeconds', 'int64*'] } }] } }],
  17: ['ipFamilyPolicy', 'string*'],
  18: ['clusterIPs', { repeated: 'string' }],
  19: ['ipFamilies', { repeated: 'string' }],
  20: ['allocateLoadBalancerNodePorts', 'bool'],
  21: ['loadBalancerClass', 'string*'],
  22: ['internalTrafficPolicy', 'string*'],
  23: ['trafficDistribution', 'string*'],
};

const DELETE_OPTIONS: MessageType = {
  1: ['gracePeriodSeconds', 'int64*'],
  2: ['preconditions', { message: { 1: ['uid', 'string*'], 2: ['resourceVersion', 'string*'] } }],
  3: ['orphanDependents', 'bool'],
  4: ['propagationPolicy', 'string*'],
  5: ['dryRun', { repeated: 'string' }],
  6: ['ignoreStoreReadErrorWithClusterBreakingPotential', 'bool'],
};

/** The kinds decoded, by kind; DeleteOptions arrives under whichever group the request addressed. */
const KINDS: Readonly<Record<string, MessageType>> = {
  Secret: { [metadata[0]]: metadata[1], 2: ['data', { map: 'bytes' }], 3: ['type', 'string'], 4: ['stringData', { map: 'string' }], 5: ['immutable', 'bool'] },
  ConfigMap: { [metadata[0]]: metadata[1], 2: ['data', { map: 'string' }], 3: ['binaryData', { map: 'bytes' }], 4: ['immutable', 'bool'] },
  Namespace: {
    [metadata[0]]: metadata[1],
    2: ['spec', { message: { 1: ['finalizers', { repeated: 'string' }] } }],
    3: ['status', { message: { 1: ['phase', 'string'], 2: ['conditions', { repeated: { message: NAMESPACE_CONDITION } }] } }],
  },
  Service: { [metadata[0]]: metadata[1], 2: ['spec', { message: SERVICE_SPEC }] },
  DeleteOptions: DELETE_OPTIONS,
  // policy/v1 Eviction, the body of POST pods/{name}/eviction (kubectl drain's typed client).
  Eviction: { [metadata[0]]: metadata[1], 2: ['deleteOptions', { message: DELETE_OPTIONS }] },
  // Job, CronJob, Deployment and ServiceAccount, from `kubectl create …` (protobuf-workloads.ts).
  ...workloadMessageTypes(OBJECT_META),
};

/** Kinds that exist in one group-version only; DeleteOptions is accepted under any. */
const ONLY_IN: Readonly<Record<string, readonly string[]>> = {
  Secret: ['v1'],
  ConfigMap: ['v1'],
  Namespace: ['v1'],
  Service: ['v1'],
  Eviction: ['policy/v1', 'policy/v1beta1'],
  Job: ['batch/v1'],
  CronJob: ['batch/v1'],
  Deployment: ['apps/v1'],
  ServiceAccount: ['v1'],
};

/** runtime.TypeMeta inside the runtime.Unknown envelope (typeMeta = 1, raw = 2, contentEncoding = 3, contentType = 4). */
const TYPE_META: MessageType = { 1: ['apiVersion', 'string'], 2: ['kind', 'string'] };

/**
 * Decodes a `application/vnd.kubernetes.protobuf` request body into the object's JSON form
 * (`apiVersion`, `kind`, then the object's fields; bytes fields as base64 strings).
 * @throws UnsupportedProtobufError when the body is not a Kubernetes protobuf envelope or its kind is not one this simulator decodes.
 */
export function decodeKubeProtobuf(body: Uint8Array): Record<string, unknown> {
  if (body.length < MAGIC.length || MAGIC.some((byte, i) => body[i] !== byte)) {
    throw new UnsupportedProtobufError('protobuf body does not start with the Kubernetes magic k8s\\0');
  }
  const envelope = readFields(body.subarray(MAGIC.length));
  const typeMeta = envelope.find((f) => f.no === 1)?.bytes;
  const raw = envelope.find((f) => f.no === 2)?.bytes ?? new Uint8Array();
  const contentEncoding = envelope.find((f) => f.no === 3)?.bytes;
  if (contentEncoding && contentEncoding.length > 0) {
    throw new UnsupportedProtobufError(`protobuf content encoding ${text.decode(contentEncoding)} is not supported`);
  }
  const meta = typeMeta ? decodeMessage(typeMeta, TYPE_META) : {};
  const apiVersion = typeof meta.apiVersion === 'string' ? meta.apiVersion : '';
  const kind = typeof meta.kind === 'string' ? meta.kind : '';
  const type = KINDS[kind];
  if (!type || (ONLY_IN[kind] && !ONLY_IN[kind].includes(apiVersion))) {
    throw new UnsupportedProtobufError(`protobuf bodies of ${apiVersion || '(no apiVersion)'} ${kind || '(no kind)'} are not supported; send JSON`);
  }
  return { apiVersion, kind, ...decodeMessage(raw, type) };
}

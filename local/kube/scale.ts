/**
 * The `scale` subresource of Deployments, ReplicaSets and StatefulSets: an autoscaling/v1 Scale
 * view of the owner's `spec.replicas` (what `kubectl scale` and the HPA read and write). Writing it
 * changes the owner's spec, so its generation moves and its controller reacts as to any spec edit.
 */
import * as z from 'zod';
import { badRequest, conflict, invalid, methodNotAllowed, unsupportedMediaType } from './errors.js';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.js';
import { PATCH_TYPES, type KubeRest, type WriteOptions } from './rest.js';
import type { ResourceType } from './resources.js';
import { labelSelectorString, type LabelSelector } from './selectors.js';
import type { KubeObject } from './store.js';

// A Scale as clients send it; only the name, the resourceVersion precondition and spec.replicas matter.
const ScaleSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string().optional(), resourceVersion: z.string().optional() }).optional(),
  spec: z.looseObject({ replicas: z.number().int().optional() }).optional(),
});

/** The Scale of a scalable object, as GET …/scale answers it. */
export function scaleOf(owner: KubeObject): Record<string, unknown> {
  const { name, namespace, uid, resourceVersion, creationTimestamp } = owner.metadata;
  const spec = (owner.spec ?? {}) as { replicas?: number; selector?: LabelSelector };
  const status = (owner.status ?? {}) as { replicas?: number };
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0, selector: labelSelectorString(spec.selector) },
  };
}

function patchScale(scale: Record<string, unknown>, contentType: string, body: unknown): unknown {
  const patchType = (contentType.split(';')[0] ?? '').trim();
  if (patchType === PATCH_TYPES.json) return jsonPatch(scale, body);
  if (patchType === PATCH_TYPES.merge || patchType === PATCH_TYPES.apply) return mergePatch(scale, body);
  if (patchType === PATCH_TYPES.strategic) return strategicMergePatch(scale, body);
  throw unsupportedMediaType(contentType);
}

/** GET, PUT or PATCH `…/{name}/scale`: answers the (new) Scale. */
export function serveScale(
  rest: KubeRest,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  request: { method: string; contentType: string; body: unknown },
  options: WriteOptions,
): Record<string, unknown> {
  const owner = rest.get(type, namespace, name);
  if (request.method === 'GET') return scaleOf(owner);
  if (request.method !== 'PUT' && request.method !== 'PATCH') throw methodNotAllowed(`the server does not allow ${request.method} on ${type.plural}/scale`);
  const desired = request.method === 'PUT' ? request.body : patchScale(scaleOf(owner), request.contentType, request.body);
  const parsed = ScaleSchema.safeParse(desired);
  if (!parsed.success) throw badRequest(`invalid Scale: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const { metadata, spec } = parsed.data;
  if (metadata?.name !== undefined && metadata.name !== name)
    throw badRequest(`the name of the object (${metadata.name}) does not match the name on the URL (${name})`);
  if (metadata?.resourceVersion && metadata.resourceVersion !== owner.metadata.resourceVersion)
    throw conflict(type.plural, type.group, name, 'the object has been modified; please apply your changes to the latest version and try again');
  const replicas = spec?.replicas ?? 0;
  if (replicas < 0)
    throw invalid('Scale.autoscaling', name, [{ field: 'spec.replicas', message: `Invalid value: ${replicas}: must be greater than or equal to 0` }]);
  const updated = rest.replace(
    type,
    owner,
    { ...owner, spec: { ...(owner.spec as object), replicas } },
    { dryRun: options.dryRun, fieldManager: options.fieldManager },
  );
  return scaleOf(updated);
}

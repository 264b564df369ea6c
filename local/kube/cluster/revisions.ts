import type { KubeObject } from '../store.js';
import type { ControllerHost } from './host.js';
import { ownerRef, templateHash, type Template } from './workload.js';

/** The label a ControllerRevision carries with its template hash (history.ControllerRevisionHashLabel). */
export const REVISION_HASH_LABEL = 'controller.kubernetes.io/hash';

type Revision = KubeObject & { revision?: number; data?: { spec?: { template?: Template & { $patch?: string } } } };

const numberOf = (r: KubeObject): number => Number((r as Revision).revision ?? 0);

/** The pod template a ControllerRevision stores (its `data` is the `$patch: replace` patch of `spec.template`). */
export function revisionTemplate(revision: KubeObject): Template {
  const { $patch: _replace, ...template } = (revision as Revision).data?.spec?.template ?? {};
  return template;
}

/** The ControllerRevisions owned by a StatefulSet or DaemonSet, oldest revision first. */
export const ownedRevisions = (host: ControllerHost, owner: KubeObject): KubeObject[] =>
  host.owned('apps', 'controllerrevisions', owner).sort((a, b) => numberOf(a) - numberOf(b));

/**
 * Finds or creates the ControllerRevision of an owner's current pod template, as the StatefulSet
 * and DaemonSet controllers do: named `<owner>-<hash>`, labelled with the template's labels and the
 * hash, `data` the template patch, `revision` one past the highest. Going back to an older template
 * (a rollback) re-numbers that revision instead of making a new one.
 */
export function syncUpdateRevision(host: ControllerHost, owner: KubeObject, template: Template): { revision: KubeObject; hash: string } {
  const hash = templateHash(template);
  const revisions = ownedRevisions(host, owner);
  const next = Math.max(0, ...revisions.map(numberOf)) + 1;
  const type = host.type('apps', 'controllerrevisions');
  const existing = revisions.find((r) => r.metadata.labels?.[REVISION_HASH_LABEL] === hash);
  if (existing) {
    const latest = revisions.at(-1)!;
    if (existing.metadata.uid === latest.metadata.uid) return { revision: existing, hash };
    return { revision: host.rest.replace(type, existing, { ...existing, revision: next }, {}), hash };
  }
  const revision = host.rest.create(type, owner.metadata.namespace, {
    metadata: {
      name: `${owner.metadata.name}-${hash}`,
      namespace: owner.metadata.namespace,
      labels: { ...template.metadata?.labels, [REVISION_HASH_LABEL]: hash },
      ownerReferences: [ownerRef(owner)],
    },
    data: { spec: { template: { ...structuredClone(template), $patch: 'replace' } } },
    revision: next,
  });
  return { revision, hash };
}

/** Deletes the oldest revisions no pod uses beyond `revisionHistoryLimit` (the live ones never count against it). */
export function pruneRevisions(host: ControllerHost, owner: KubeObject, inUse: Set<string>, limit: number): void {
  const idle = ownedRevisions(host, owner).filter((r) => !inUse.has(r.metadata.name));
  for (const revision of idle.slice(0, Math.max(0, idle.length - limit)))
    host.rest.deleter.delete(host.type('apps', 'controllerrevisions'), revision.metadata.namespace, revision.metadata.name);
}

/**
 * Helm application keys in the helm table.
 *
 *   app            pk = APPS#<cluster>#<namespace>   sk = <name>
 *                  gsi1pk = PROJECT#<cluster>#<project>   gsi1sk = <name>          (a project's apps, v3 list)
 *                  gsi2pk = APPS#<cluster>                gsi2sk = <namespace>#<name> (a cluster's apps: v1 list, monitoring)
 *   name claim     pk = PROJECT#<cluster>#<project>  sk = NAME#<name>   namespace (names are unique in a project)
 *   operation      pk = OPS#<cluster>#<namespace>#<name>  sk = <started_at>#<op id>   kind, request, who, result, revision
 *   operation id   pk = OPID#<op id>                 sk = OPID      cluster, namespace, name, started_at (an execution's end → its app)
 *
 * Access patterns: a v3 request names project and app → one consistent GetItem on the claim gives the
 * namespace, one on the app gives the record; a v1 request names namespace and app → one GetItem.
 * Lists are one Query (a namespace's partition, or gsi1/gsi2). A revision history is one Query on the
 * operations partition. Nothing scans.
 */
export const appKey = (cluster: string, namespace: string, name: string) => ({ pk: `APPS#${cluster}#${namespace}`, sk: name });
export const appIndexKeys = (cluster: string, project: string, namespace: string, name: string) => ({
  gsi1pk: `PROJECT#${cluster}#${project}`,
  gsi1sk: name,
  gsi2pk: `APPS#${cluster}`,
  gsi2sk: `${namespace}#${name}`,
});
export const claimKey = (cluster: string, project: string, name: string) => ({ pk: `PROJECT#${cluster}#${project}`, sk: `NAME#${name}` });
export const operationsPk = (cluster: string, namespace: string, name: string) => `OPS#${cluster}#${namespace}#${name}`;
export const operationKey = (cluster: string, namespace: string, name: string, startedAt: string, id: string) => ({
  pk: operationsPk(cluster, namespace, name),
  sk: `${startedAt}#${id}`,
});
export const operationIdKey = (id: string) => ({ pk: `OPID#${id}`, sk: 'OPID' });

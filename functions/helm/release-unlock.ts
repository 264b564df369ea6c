import { gzipSync, gunzipSync } from 'node:zlib';
import { CoreV1Api } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';

/**
 * Flux's unlock: a release left `pending-install`, `pending-upgrade` or `pending-rollback` by a helm
 * process that died (a Lambda timeout, a lost container) blocks every later helm operation with
 * "another operation is in progress". When no operation of ours is in flight, nobody will finish it,
 * so its latest revision is marked `failed` in helm's own storage, and helm proceeds as after any
 * failed revision.
 */
export const PENDING = ['pending-install', 'pending-upgrade', 'pending-rollback'] as const;

/** Marks revision `revision` of a release failed; returns what was done, in words. */
export async function unlockRelease(kc: KubeConfig, namespace: string, name: string, revision: number, was: string): Promise<string> {
  const core = kc.makeApiClient(CoreV1Api);
  const secretName = `sh.helm.release.v1.${name}.v${revision}`;
  const secret = await core.readNamespacedSecret({ name: secretName, namespace });
  const data = secret.data?.release;
  if (!data) throw new Error(`release secret ${namespace}/${secretName} has no release data`);
  let bytes = Buffer.from(Buffer.from(data, 'base64').toString('utf8'), 'base64');
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  const release = JSON.parse(bytes.toString('utf8')) as { info?: Record<string, unknown> };
  const description = `Release unlocked from stale state ${was} by the Helm API`;
  release.info = { ...release.info, status: 'failed', description };
  const encoded = Buffer.from(gzipSync(Buffer.from(JSON.stringify(release))).toString('base64')).toString('base64');
  secret.data = { ...secret.data, release: encoded };
  secret.metadata = { ...secret.metadata, labels: { ...secret.metadata?.labels, status: 'failed' } };
  await core.replaceNamespacedSecret({ name: secretName, namespace, body: secret });
  return `recovered release ${namespace}/${name} revision ${revision} from ${was}: marked failed so that helm can proceed`;
}

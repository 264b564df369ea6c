import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { NotFoundError } from '#shared/errors.js';
import { kubeConfig } from './cluster.js';

/** TEMPORARY (replaced by the admincfg branch): only the default cluster. */
export async function kubeConfigFor(clusterId?: string): Promise<KubeConfig> {
  if (clusterId && clusterId !== 'default') throw new NotFoundError(`cluster "${clusterId}" is not registered; register it with PUT /admin/config`);
  const kc = await kubeConfig();
  if (!kc) throw new NotFoundError('no cluster is configured: set KUBECONFIG (local) or EKS_CLUSTER_NAME (AWS)');
  return kc;
}

export async function writeKubeconfigFile(clusterId?: string): Promise<string> {
  const kc = await kubeConfigFor(clusterId);
  const dir = join(tmpdir(), 'control-plane-kube');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${clusterId ?? 'default'}.yaml`);
  writeFileSync(file, kc.exportConfig(), { mode: 0o600 });
  return file;
}

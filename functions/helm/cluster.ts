import { KubeConfig, VersionApi } from '@kubernetes/client-node';
import { config } from '#shared/config.js';
import { eksAccess } from './eks-auth.js';

/**
 * Access to the default Kubernetes cluster: a kubeconfig file when `KUBECONFIG` is set (a real
 * cluster, or the local simulator), else EKS — endpoint and CA from DescribeCluster, and an IAM
 * bearer token, both built once per container and the token renewed before it expires
 * (`eks-auth.ts`). Registered clusters are reached through `clusters.ts`.
 */
export async function kubeConfig(): Promise<KubeConfig | undefined> {
  if (config.kubeconfig) {
    const kc = new KubeConfig();
    kc.loadFromFile(config.kubeconfig);
    return kc;
  }
  if (!config.eksClusterName) return undefined;
  return (await eksAccess(config.region, config.eksClusterName)).kubeConfig;
}

/** Why there is no default cluster, for messages. */
export const NO_DEFAULT_CLUSTER = 'no cluster configured: set KUBECONFIG (local) or EKS_CLUSTER_NAME (AWS)';

/** The version of a cluster's API server (`/version`), or null with the reason it could not be read. */
export async function versionOf(kc: KubeConfig | undefined): Promise<{ version: string | null; reason?: string }> {
  if (!kc) return { version: null, reason: NO_DEFAULT_CLUSTER };
  try {
    const info = await kc.makeApiClient(VersionApi).getCode();
    return { version: info.gitVersion };
  } catch (error) {
    return { version: null, reason: `cluster unreachable: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The default cluster's version, or null with the reason it could not be read. */
export async function kubernetesVersion(): Promise<{ version: string | null; reason?: string }> {
  try {
    return await versionOf(await kubeConfig());
  } catch (error) {
    return { version: null, reason: `cluster unreachable: ${error instanceof Error ? error.message : String(error)}` };
  }
}

import { Sha256 } from '@aws-crypto/sha256-js';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { KubeConfig, VersionApi } from '@kubernetes/client-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { config } from '#shared/config.js';

/**
 * Access to the Kubernetes cluster: a kubeconfig file when `KUBECONFIG` is set (a real cluster, or
 * the local simulator), else EKS — endpoint and CA from DescribeCluster, and a bearer token that is
 * a presigned STS GetCallerIdentity URL (`k8s-aws-v1.` + base64url), as `aws eks get-token` makes.
 * EKS tokens live 15 minutes; we sign for 60 s and rebuild per call, which costs one local signature.
 */
export async function kubeConfig(): Promise<KubeConfig | undefined> {
  if (config.kubeconfig) {
    const kc = new KubeConfig();
    kc.loadFromFile(config.kubeconfig);
    return kc;
  }
  if (!config.eksClusterName) return undefined;
  const { cluster } = await new EKSClient({ region: config.region }).send(new DescribeClusterCommand({ name: config.eksClusterName }));
  if (!cluster?.endpoint || !cluster.certificateAuthority?.data) throw new Error(`EKS cluster ${config.eksClusterName} has no endpoint yet`);
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: config.eksClusterName, server: cluster.endpoint, caData: cluster.certificateAuthority.data, skipTLSVerify: false }],
    users: [{ name: 'lambda', token: await eksToken(config.eksClusterName) }],
    contexts: [{ name: 'eks', cluster: config.eksClusterName, user: 'lambda' }],
    currentContext: 'eks',
  });
  return kc;
}

async function eksToken(clusterName: string): Promise<string> {
  const hostname = `sts.${config.region}.amazonaws.com`;
  const signer = new SignatureV4({ credentials: defaultProvider(), region: config.region, service: 'sts', sha256: Sha256 });
  const signed = await signer.presign(
    new HttpRequest({
      method: 'GET',
      protocol: 'https:',
      hostname,
      path: '/',
      headers: { host: hostname, 'x-k8s-aws-id': clusterName },
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    }),
    { expiresIn: 60 },
  );
  const query = Object.entries(signed.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return `k8s-aws-v1.${Buffer.from(`https://${hostname}/?${query}`).toString('base64url')}`;
}

/** The cluster's version, or null with the reason it could not be read. */
export async function kubernetesVersion(): Promise<{ version: string | null; reason?: string }> {
  try {
    const kc = await kubeConfig();
    if (!kc) return { version: null, reason: 'no cluster configured: set KUBECONFIG (local) or EKS_CLUSTER_NAME (AWS)' };
    const info = await kc.makeApiClient(VersionApi).getCode();
    return { version: info.gitVersion };
  } catch (error) {
    return { version: null, reason: `cluster unreachable: ${error instanceof Error ? error.message : String(error)}` };
  }
}

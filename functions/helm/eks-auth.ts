import { Sha256 } from '@aws-crypto/sha256-js';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { KubeConfig } from '@kubernetes/client-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { onContainerReset } from '#shared/container-state.js';

/**
 * Access to an EKS cluster as `aws eks get-token` gives it: the endpoint and CA from DescribeCluster
 * (once per container), and a bearer token that is a presigned STS GetCallerIdentity URL
 * (`k8s-aws-v1.` + base64url) naming the cluster in `x-k8s-aws-id`. EKS accepts such a token for at
 * most 15 minutes, so it is signed for 900 s and rebuilt after 10: one signature per container per
 * ten minutes instead of one per call, and never a token within 5 minutes of expiry.
 */
export const TOKEN_LIFETIME_SECONDS = 900;
export const TOKEN_RENEW_AFTER_MS = 10 * 60 * 1000;

/** A kubeconfig for one EKS cluster, and when its token must be rebuilt (epoch ms). */
export type EksAccess = Readonly<{ kubeConfig: KubeConfig; renewAt: number }>;

type Endpoint = Readonly<{ endpoint: string; caData: string }>;

const credentials = defaultProvider();
const clients = new Map<string, EKSClient>();
const endpoints = new Map<string, Promise<Endpoint>>();
const access = new Map<string, EksAccess>();
onContainerReset('EKS endpoints and tokens', () => {
  endpoints.clear();
  access.clear();
});

function clientFor(region: string): EKSClient {
  let client = clients.get(region);
  if (!client) clients.set(region, (client = new EKSClient({ region, credentials })));
  return client;
}

async function describe(region: string, name: string): Promise<Endpoint> {
  const { cluster } = await clientFor(region).send(new DescribeClusterCommand({ name }));
  if (!cluster?.endpoint || !cluster.certificateAuthority?.data)
    throw new Error(`EKS cluster ${name} in ${region} has no endpoint yet (status ${cluster?.status})`);
  return { endpoint: cluster.endpoint, caData: cluster.certificateAuthority.data };
}

/** The cluster's endpoint, described once per container (a failed attempt is not remembered). */
function endpointOf(region: string, name: string): Promise<Endpoint> {
  const key = `${region}/${name}`;
  let found = endpoints.get(key);
  if (!found) {
    found = describe(region, name);
    endpoints.set(key, found);
    found.catch(() => endpoints.delete(key));
  }
  return found;
}

/** A presigned STS GetCallerIdentity URL for the cluster, as an EKS bearer token. */
export async function eksToken(region: string, clusterName: string, signingDate = new Date()): Promise<string> {
  const hostname = `sts.${region}.amazonaws.com`;
  const signer = new SignatureV4({ credentials, region, service: 'sts', sha256: Sha256 });
  const signed = await signer.presign(
    new HttpRequest({
      method: 'GET',
      protocol: 'https:',
      hostname,
      path: '/',
      headers: { host: hostname, 'x-k8s-aws-id': clusterName },
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    }),
    { expiresIn: TOKEN_LIFETIME_SECONDS, signingDate },
  );
  const query = Object.entries(signed.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return `k8s-aws-v1.${Buffer.from(`https://${hostname}/?${query}`).toString('base64url')}`;
}

/** A kubeconfig for the EKS cluster, reused until its token is 10 minutes old. */
export async function eksAccess(region: string, clusterName: string, now = Date.now()): Promise<EksAccess> {
  const key = `${region}/${clusterName}`;
  const known = access.get(key);
  if (known && known.renewAt > now) return known;
  const [{ endpoint, caData }, token] = await Promise.all([endpointOf(region, clusterName), eksToken(region, clusterName, new Date(now))]);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: clusterName, server: endpoint, caData, skipTLSVerify: false }],
    users: [{ name: 'lambda', token }],
    contexts: [{ name: 'eks', cluster: clusterName, user: 'lambda' }],
    currentContext: 'eks',
  });
  const fresh = { kubeConfig, renewAt: now + TOKEN_RENEW_AFTER_MS };
  access.set(key, fresh);
  return fresh;
}

/**
 * Where secrets live, shared by the functions (which name them) and the CDK app (which scopes IAM
 * to them): every secret name starts with the prefix (`SECRETS_PREFIX`, by default this one);
 * registered clusters' kubeconfigs sit under `clusters/`, repositories' credentials under `repos/`.
 */
export const DEFAULT_SECRETS_PREFIX = 'control-plane/';
export const CLUSTER_SECRETS_PATH = 'clusters/';
export const REPO_SECRETS_PATH = 'repos/';

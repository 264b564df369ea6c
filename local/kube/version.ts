/** The version kubectl from the same Lambda layer reports (`kubectl version --client`), so neither warns about skew. */
export const KUBE_VERSION = {
  major: '1',
  minor: '33',
  gitVersion: 'v1.33.9',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.24.13',
  compiler: 'gc',
  platform: 'linux/amd64',
} as const;

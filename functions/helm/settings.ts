/** TEMPORARY (replaced by the admincfg branch): the defaults only. */
export type HelmSettings = { defaultTimeoutSeconds: number; pollSeconds: number; imagePullGraceSeconds: number; readyStableSeconds: number };
export async function getSettings(): Promise<HelmSettings> {
  return { defaultTimeoutSeconds: 300, pollSeconds: 1, imagePullGraceSeconds: 10, readyStableSeconds: 1 };
}

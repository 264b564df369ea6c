import { kubernetesVersion } from '#functions/helm/cluster.js';
import { config } from '#shared/config.js';
import { helmVersion } from '#shared/helm-binary.js';
import { httpHandler } from '#shared/http.js';
import { SystemInfoSchema } from './user-schemas.js';

/** Versions of this API, the helm binary it runs, and the cluster; null with a reason when unknown. */
export const handler = httpHandler({ response: SystemInfoSchema }, async () => {
  const [helm, kube] = await Promise.all([helmVersion(), kubernetesVersion()]);
  const reasons = { ...(helm.reason ? { helm: helm.reason } : {}), ...(kube.reason ? { kubernetes: kube.reason } : {}) };
  return {
    data: {
      version: `v${config.version}`,
      kubernetes_version: kube.version,
      helm_version: helm.version,
      ...(Object.keys(reasons).length > 0 ? { unavailable: reasons } : {}),
    },
  };
});

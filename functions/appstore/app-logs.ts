import { CoreV1Api } from '@kubernetes/client-node';
import * as z from 'zod';
import { kubeConfigFor } from '#functions/helm/clusters.js';
import { releasePods } from '#functions/helm/release-objects.js';
import { httpHandler } from '#shared/http.js';
import { AppStoreError } from './messages.js';
import { AppIdQuerySchema, appIdOf, storeRequest } from './request.js';
import { requireStoreApp, storeError } from './store-service.js';

/** AppLogs: the last `lines` (default 100, at most 5,000) of every container of the app's pods, init containers included. */
export const handler = httpHandler(
  {
    query: AppIdQuerySchema.extend({ lines: z.string().optional() }),
    response: z.array(z.object({ pod: z.string(), container: z.string(), lines: z.array(z.string()) })),
  },
  async ({ event }) => {
    const request = storeRequest(event);
    const appId = appIdOf(request);
    const linesText = request.param('lines') ?? '100';
    const lines = /^\d{1,4}$/.test(linesText) ? Number(linesText) : NaN;
    if (!(lines >= 1 && lines <= 5000)) throw new AppStoreError('Param.Lines.FormatError', request.language, linesText.slice(0, 32));
    const { app } = await requireStoreApp(appId, request.language);
    try {
      const kc = await kubeConfigFor(app.cluster);
      const core = kc.makeApiClient(CoreV1Api);
      const pods = await releasePods(kc, app.namespace, app.name);
      const out: { pod: string; container: string; lines: string[] }[] = [];
      for (const pod of pods) {
        const spec = pod.spec as { initContainers?: { name: string }[]; containers?: { name: string }[] } | undefined;
        for (const container of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) {
          const name = pod.metadata?.name ?? '';
          const text = await core.readNamespacedPodLog({ name, namespace: app.namespace, container: container.name, tailLines: lines }).catch(() => '');
          out.push({
            pod: name,
            container: container.name,
            lines: String(text)
              .split('\n')
              .filter((l) => l !== ''),
          });
        }
      }
      return { data: out };
    } catch (error) {
      throw storeError(error, request.language);
    }
  },
);

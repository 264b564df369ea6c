import { parse } from 'yaml';
import * as z from 'zod';

/**
 * Checks a kubeconfig a user registers a cluster with (`PUT /admin/config`). Only self-contained
 * kubeconfigs are taken: a function must reach the cluster with nothing but this text, and must not
 * be made to run a program (`exec`, `auth-provider` plugins) or read a file of its own file system
 * (`certificate-authority`, `client-key`, `tokenFile` paths) because an admin pasted a kubeconfig.
 * The API server must be `https://`: the credentials inside would otherwise cross the network in
 * clear.
 */
const Fields = z.record(z.string(), z.unknown());
const KubeconfigShapeSchema = z.object({
  clusters: z.array(z.object({ name: z.string().min(1), cluster: Fields })).min(1),
  users: z.array(z.object({ name: z.string().min(1), user: Fields.nullable() })).default([]),
  contexts: z.array(z.object({ name: z.string().min(1), context: z.object({ cluster: z.string(), user: z.string().optional() }) })).min(1),
  'current-context': z.string().min(1),
});

/** Keys that point at files or run programs: refused wherever they appear in a cluster or user. */
const CLUSTER_REFUSED = ['certificate-authority'] as const;
const USER_REFUSED = ['exec', 'auth-provider', 'tokenFile', 'client-certificate', 'client-key'] as const;

export type KubeconfigSummary = Readonly<{ server: string; context: string }>;

/** What is wrong with a kubeconfig text, or its current context's server when nothing is. */
export function checkKubeconfig(text: string): { problem: string } | KubeconfigSummary {
  let document: unknown;
  try {
    document = parse(text, { maxAliasCount: 10 });
  } catch (error) {
    return { problem: `is not YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` };
  }
  const shape = KubeconfigShapeSchema.safeParse(document);
  if (!shape.success) {
    const issue = shape.error.issues[0];
    return { problem: `is not a kubeconfig: ${issue?.path.join('.') || 'document'}: ${issue?.message ?? 'invalid'}` };
  }
  const kubeconfig = shape.data;
  for (const { name, cluster } of kubeconfig.clusters) {
    const refused = CLUSTER_REFUSED.find((key) => key in cluster);
    if (refused) return { problem: `cluster "${name}" uses ${refused} (a file path): inline it as ${refused}-data` };
  }
  for (const { name, user } of kubeconfig.users) {
    const refused = USER_REFUSED.find((key) => user && key in user);
    if (refused)
      return {
        problem: `user "${name}" uses ${refused}: only inline credentials (token, client-certificate-data/client-key-data, username/password) are accepted`,
      };
  }
  const context = kubeconfig.contexts.find((c) => c.name === kubeconfig['current-context']);
  if (!context) return { problem: `current-context "${kubeconfig['current-context']}" names no context` };
  const cluster = kubeconfig.clusters.find((c) => c.name === context.context.cluster);
  if (!cluster) return { problem: `context "${context.name}" names cluster "${context.context.cluster}", which is not in clusters` };
  const server = cluster.cluster.server;
  if (typeof server !== 'string' || !/^https:\/\/[^\s/]+/.test(server))
    return { problem: `cluster "${cluster.name}" needs an https:// server, got ${JSON.stringify(server)}` };
  return { server, context: context.name };
}

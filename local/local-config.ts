import { z } from 'zod';

/** The local cloud's own settings (`npm start`), read from the environment in this one place. */
const LocalConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  ADMIN_TOKEN: z.string().min(16, 'ADMIN_TOKEN must be at least 16 characters').optional(),
  DATA_DIR: z.string().default('.data'),
  LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']).default('WARN'),
  KUBECONFIG: z.string().optional(),
  /** The Kubernetes simulator's HTTPS port (stable, so an exported KUBECONFIG survives restarts); 0 picks a free one. */
  KUBE_PORT: z.coerce.number().int().min(0).max(65535).default(6443),
  /** The simulated cluster (docs/kubernetes-simulator.md): node count, node size, and the factor on its simulated durations. */
  KUBE_NODES: z.coerce.number().int().min(1).max(100).default(3),
  KUBE_NODE_CPU: z
    .string()
    .regex(/^\d+(m)?$/, 'KUBE_NODE_CPU must be cores (4) or millicores (4000m)')
    .default('4'),
  KUBE_NODE_MEMORY: z
    .string()
    .regex(/^\d+(Ki|Mi|Gi|Ti)?$/, 'KUBE_NODE_MEMORY must be a quantity like 8Gi')
    .default('8Gi'),
  KUBE_NODE_PODS: z.coerce.number().int().min(1).max(1000).default(110),
  KUBE_TIME_SCALE: z.coerce.number().positive().max(100).default(1),
  ALLOW_LOOPBACK_HTTP: z.enum(['true', 'false']).default('true'),
  AGENT_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(300).default(10),
  PACKAGE_CA_FILE: z.string().optional(),
});

export type LocalConfig = z.infer<typeof LocalConfigSchema>;

export function loadLocalConfig(env: NodeJS.ProcessEnv): LocalConfig {
  const parsed = LocalConfigSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid environment variable ${String(issue?.path[0])}: ${issue?.message}`);
  }
  return parsed.data;
}

import * as z from 'zod';
import { OPERATION_KINDS } from './store/records.js';

/**
 * The input of a helm-operation execution (and so of each of its tasks): which app, which operation,
 * and its deadline. Everything else (the chart, the values) is read from the app's record, which is
 * the source of truth, so an execution's input stays small and holds no secret.
 */
export const OperationSchema = z.object({
  id: z.string(),
  kind: z.enum(OPERATION_KINDS),
  started_at: z.string(),
  cluster: z.string(),
  namespace: z.string(),
  name: z.string(),
  /** Epoch milliseconds by which every resource must be ready. */
  deadline: z.number(),
  /** Wait for readiness before the operation succeeds (the request's `wait`, default true). */
  wait: z.boolean(),
  /** Rollback: the revision asked for; null means the previous one. */
  target_revision: z.number().int().nullable(),
  /** Upgrade: replace resources that cannot be patched (Rancher's forceUpgrade → helm --force-replace). */
  force: z.boolean(),
  /** Delete: also delete the app's namespace, its volumes with it (the app store's uninstall without keeping data). */
  purge: z.boolean().default(false),
});
export type Operation = z.infer<typeof OperationSchema>;

export const ExecutionInputSchema = z.object({ operation: OperationSchema, pollSeconds: z.number().int() });
export type ExecutionInput = z.infer<typeof ExecutionInputSchema>;

/** A task's input: the execution input plus what earlier states added (a failed state's `error`). */
export const TaskInputSchema = ExecutionInputSchema.extend({
  readiness: z.object({ verdict: z.enum(['ready', 'pending', 'failed', 'timeout']), message: z.string() }).optional(),
  error: z.object({ Error: z.string(), Cause: z.string().optional() }).optional(),
}).loose();
export type TaskInput = z.infer<typeof TaskInputSchema>;

export const refOf = (op: Operation) => ({ cluster: op.cluster, namespace: op.namespace, name: op.name });

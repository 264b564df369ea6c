import * as z from 'zod';

/** Inputs of the release-operation workflow's tasks (statemachines/release-operation.asl.json). */
export const OperationInputSchema = z.object({
  operation_id: z.string(),
  kind: z.enum(['deploy', 'rollback']),
  service: z.string(),
  version: z.string(),
  timeout: z.number().int(),
  heartbeat_seconds: z.number().int(),
  retry_count: z.number().int(),
  max_concurrency: z.number().int(),
  stop_on_failure: z.boolean(),
});

export const InstanceStepSchema = z.object({ operation: OperationInputSchema, instance_id: z.string(), attempt: z.number().int().min(1) });

import * as z from 'zod';

/** Inputs of the fleet-operation workflow's tasks (statemachines/fleet-operation.asl.json). */
export const OperationInputSchema = z.object({
  operation_id: z.string(),
  kind: z.enum(['deploy', 'rollback']),
  service: z.string(),
  version: z.string(),
  package_url: z.string(),
  sha256: z.string().nullable(),
  timeout: z.number().int(),
  heartbeat_seconds: z.number().int(),
  retry_count: z.number().int(),
  max_concurrency: z.number().int(),
  stop_on_failure: z.boolean(),
});

export const InstanceStepSchema = z.object({ operation: OperationInputSchema, instance_id: z.string(), attempt: z.number().int().min(1) });

/** The operation as the instance steps use it, from the workflow input (no read needed). */
export function operationRefOf(input: z.infer<typeof OperationInputSchema>) {
  return {
    id: input.operation_id,
    kind: input.kind,
    service: input.service,
    version: input.version,
    package_url: input.package_url,
    sha256: input.sha256,
    timeout: input.timeout,
  };
}

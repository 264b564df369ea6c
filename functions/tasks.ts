/**
 * Functions that are not HTTP routes: Step Functions task handlers, event consumers and custom
 * resources. Like the route table, both the CDK app and the local cloud are built from it.
 *
 * A task named `RecordDeployStart` is referenced in ASL as `${RecordDeployStartFunctionArn}`; the CDK
 * workflow construct substitutes the function's ARN, and the local workflow runner binds the same
 * placeholder to the in-process handler.
 */
/** `http-fallback` answers what no route serves (API Gateway's ANY methods and `{proxy+}`). */
export type FunctionKind = 'task' | 'event' | 'custom-resource' | 'http-fallback';

export type FunctionDef = Readonly<{
  /** Stable name: construct id in CDK, placeholder base in ASL. */
  name: string;
  kind: FunctionKind;
  /** Handler module under `functions/`, without extension; it exports `handler`. */
  entry: string;
  /** @default 60 */
  timeoutSeconds?: number;
  /** Needs the helm/kubectl layer (x86_64, see infra/house-function.ts). */
  helm?: boolean;
}>;

export const FUNCTIONS: readonly FunctionDef[] = [
  // Makes the generated admin token in Secrets Manager an admin's token at deploy time (infra/admin-stack.ts).
  { name: 'BootstrapAdmin', kind: 'custom-resource', entry: 'admin/bootstrap-admin', timeoutSeconds: 60 },
  // Writes the app store catalog's absent seed entries at deploy time (infra/admin-stack.ts), as local/runtime.ts does at start.
  { name: 'SeedAppCatalog', kind: 'custom-resource', entry: 'appstore/seed-catalog', timeoutSeconds: 60 },
  { name: 'Unmatched', kind: 'http-fallback', entry: 'health/unmatched', timeoutSeconds: 10 },
  // Release system: the fleet-operation workflow's tasks, and the owner of its executions' ends.
  { name: 'BeginAttempt', kind: 'task', entry: 'fleet/task-begin-attempt', timeoutSeconds: 30 },
  { name: 'DispatchToAgent', kind: 'task', entry: 'fleet/task-dispatch-to-agent', timeoutSeconds: 30 },
  { name: 'RecordInstanceSuccess', kind: 'task', entry: 'fleet/task-record-success', timeoutSeconds: 30 },
  { name: 'RecordAttemptFailure', kind: 'task', entry: 'fleet/task-record-attempt-failure', timeoutSeconds: 30 },
  { name: 'RecordInstanceFailed', kind: 'task', entry: 'fleet/task-record-instance-failed', timeoutSeconds: 30 },
  { name: 'SummariseOperation', kind: 'task', entry: 'fleet/task-summarise', timeoutSeconds: 60 },
  { name: 'FleetOperationEnded', kind: 'event', entry: 'fleet/workflow-ended', timeoutSeconds: 60 },
  // Helm application API: the helm-operation workflow's tasks (helm and the cluster), and the owner of its ends.
  { name: 'BeginHelmOperation', kind: 'task', entry: 'helm/task-begin-operation', timeoutSeconds: 60, helm: true },
  // helm runs with --timeout 240s at most (helm-release.ts), under this function's timeout and the state's 290 s.
  { name: 'RunHelmOperation', kind: 'task', entry: 'helm/task-run-operation', timeoutSeconds: 300, helm: true },
  { name: 'CheckHelmReadiness', kind: 'task', entry: 'helm/task-check-readiness', timeoutSeconds: 60, helm: true },
  { name: 'RecordHelmResult', kind: 'task', entry: 'helm/task-record-result', timeoutSeconds: 60, helm: true },
  { name: 'HelmOperationEnded', kind: 'event', entry: 'helm/operation-ended', timeoutSeconds: 60, helm: true },
];

/**
 * A state machine: its ASL file under `statemachines/`, the functions its placeholders name, and
 * `endedBy`, the owning domain's event function that every end of its executions is routed to
 * (functions/shared/workflow-ends.ts): an EventBridge rule in AWS, the workflow host locally.
 */
export type WorkflowDef = Readonly<{ name: string; file: string; tasks: readonly string[]; endedBy?: string }>;

export const WORKFLOWS: readonly WorkflowDef[] = [
  {
    name: 'fleet-operation',
    file: 'fleet-operation.asl.json',
    tasks: ['BeginAttempt', 'DispatchToAgent', 'RecordInstanceSuccess', 'RecordAttemptFailure', 'RecordInstanceFailed', 'SummariseOperation'],
    endedBy: 'FleetOperationEnded',
  },
  {
    name: 'helm-operation',
    file: 'helm-operation.asl.json',
    tasks: ['BeginHelmOperation', 'RunHelmOperation', 'CheckHelmReadiness', 'RecordHelmResult'],
    endedBy: 'HelmOperationEnded',
  },
];

/** The ASL placeholder for a task function's ARN. */
export function placeholderOf(name: string): string {
  return `${name}FunctionArn`;
}

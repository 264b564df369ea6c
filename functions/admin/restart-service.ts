import { config } from '#shared/config.js';
import { resetContainerState } from '#shared/container-state.js';
import { logger } from '#shared/observability.js';
import { restartFunctions } from './lambda-functions.js';

/**
 * `POST /admin/system/restart`. In AWS: every function of the deployment gets new containers
 * (a configuration update retires the old ones), so caches, tokens and connections start afresh;
 * requests and task invocations already running finish in their old container, and Step Functions
 * executions carry on (their next task runs in a new container). Locally all functions share one
 * process: what a new container would not have — the token cache, the Helm settings cache, cluster
 * connections, EKS tokens and kubeconfig files — is dropped, while the gateway, DynamoDB Local,
 * the workflow runner (executions in flight) and the Kubernetes simulator keep running.
 */
export type RestartAnswer = Readonly<{
  mode: 'lambda' | 'local';
  requested_at: string;
  /** Functions given new containers (AWS), or the per-container state dropped (local). */
  restarted: string[];
  failed: { name: string; reason: string }[];
  /** What keeps running and why no operation is lost. */
  kept_running: string[];
}>;

export async function restartServices(requestedBy: string): Promise<RestartAnswer> {
  const requestedAt = new Date().toISOString();
  let answer: RestartAnswer;
  if (config.deploymentName) {
    const { restarted, failed } = await restartFunctions(config.deploymentName, requestedAt);
    answer = {
      mode: 'lambda',
      requested_at: requestedAt,
      restarted,
      failed,
      kept_running: [
        'invocations already running (they finish in their old containers)',
        'Step Functions executions (their next tasks start in new containers)',
      ],
    };
  } else {
    answer = {
      mode: 'local',
      requested_at: requestedAt,
      restarted: resetContainerState(),
      failed: [],
      kept_running: ['the gateway and requests in flight', 'workflow executions', 'DynamoDB Local', 'the Kubernetes simulator'],
    };
  }
  logger.info('restart requested', { requested_by: requestedBy, mode: answer.mode, restarted: answer.restarted.length, failed: answer.failed.length });
  return answer;
}

import { randomUUID } from 'node:crypto';
import { nowIso } from '../../functions/shared/ids.js';
import type { ArnScope } from './arns.js';
import type { ExecutionStatusChangeEvent, StoredExecution } from './types.js';

/**
 * The "Step Functions Execution Status Change" event AWS puts on the default event bus when an
 * execution ends, built from the stored record; an EventBridge rule → Lambda in AWS and the
 * runner's `onExecutionEnded` locally therefore hand the same event to the same domain code.
 */
export function statusChangeEvent(record: StoredExecution, scope: ArnScope): ExecutionStatusChangeEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: scope.accountId,
    time: nowIso(new Date(record.stopDate ?? Date.now())),
    region: scope.region,
    resources: [record.executionArn],
    detail: {
      executionArn: record.executionArn,
      stateMachineArn: record.stateMachineArn,
      name: record.name,
      status: record.status,
      startDate: Date.parse(record.startDate),
      stopDate: record.stopDate === undefined ? null : Date.parse(record.stopDate),
      input: record.input,
      output: record.output ?? null,
      error: record.error ?? null,
      cause: record.cause ?? null,
    },
  };
}

import type { DescribeExecutionOutput, ExecutionListItem, HistoryEvent } from '@aws-sdk/client-sfn';
import { InvalidToken, ValidationException } from './errors.js';
import type { StoredExecution, StoredHistoryEvent } from './types.js';

/** A stored execution as ListExecutions returns it. */
export function listItem(record: StoredExecution): ExecutionListItem {
  return {
    executionArn: record.executionArn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: new Date(record.startDate),
    stopDate: record.stopDate === undefined ? undefined : new Date(record.stopDate),
    mapRunArn: record.mapRunArn,
    redriveCount: 0,
  };
}

/** A stored execution as DescribeExecution returns it: the list item and its details. */
export function describeOutput(record: StoredExecution): DescribeExecutionOutput {
  return {
    ...listItem(record),
    input: record.input,
    inputDetails: { included: true },
    output: record.output,
    outputDetails: record.output === undefined ? undefined : { included: true },
    error: record.error,
    cause: record.cause,
    redriveStatus: 'NOT_REDRIVABLE',
  };
}

export function historyEvent(event: StoredHistoryEvent): HistoryEvent {
  return { ...event, timestamp: new Date(event.timestamp) };
}

/** AWS's page sizes: `maxResults` 0 or absent means 100, at most 1000. */
const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

/** One page of a list, with an opaque `nextToken` for the next one, as the AWS list APIs page. */
export function page<T>(items: readonly T[], maxResults: number | undefined, nextToken: string | undefined): { items: T[]; nextToken: string | undefined } {
  if (maxResults !== undefined && (!Number.isInteger(maxResults) || maxResults < 0 || maxResults > MAX_PAGE)) {
    throw new ValidationException(`maxResults must be an integer from 0 to ${MAX_PAGE}, got ${maxResults}`);
  }
  const size = maxResults || DEFAULT_PAGE;
  const start = nextToken === undefined ? 0 : offsetOf(nextToken);
  const end = start + size;
  return { items: items.slice(start, end), nextToken: end < items.length ? Buffer.from(JSON.stringify({ offset: end })).toString('base64url') : undefined };
}

function offsetOf(token: string): number {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'offset' in parsed && typeof parsed.offset === 'number') return parsed.offset;
  } catch {
    // falls through to the error below
  }
  // AWS answers a bad pagination token with the same error as a bad task token.
  throw new InvalidToken(`Invalid Token: '${token.slice(0, 40)}' is not a nextToken of this list`);
}

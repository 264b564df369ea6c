import { randomBytes } from 'node:crypto';
import { InvalidOutput, InvalidToken, TaskTimedOut } from './errors.js';
import type { JsonValue } from './json.js';
import { parseJson } from './json.js';

/** What a waiting task does when its token is answered. */
export type TokenWaiter = Readonly<{
  executionArn: string;
  succeed: (output: JsonValue) => void;
  fail: (error: string, cause: string) => void;
  heartbeat: () => void;
}>;

/** AWS limits on the API's fields. */
const MAX_TOKEN_LENGTH = 1024;
const MAX_OUTPUT_BYTES = 256 * 1024;
/** Closed tokens remembered so a late answer gets TaskTimedOut rather than InvalidToken. */
const MAX_REMEMBERED_CLOSED = 100_000;

/**
 * The task tokens of `.waitForTaskToken` tasks. Each task attempt gets its own random token; it is
 * open until answered, timed out or its execution ends, and then remembered as closed, so a late
 * SendTaskSuccess is an error to its caller (TaskTimedOut, as in AWS) and changes nothing.
 */
export class TaskTokenRegistry {
  private readonly open = new Map<string, TokenWaiter>();
  private readonly closed = new Set<string>();

  issue(waiter: TokenWaiter): string {
    // Opaque and unguessable like AWS's; the size is in AWS's range (a few hundred characters).
    const token = `AQ${randomBytes(192).toString('base64url')}`;
    this.open.set(token, waiter);
    return token;
  }

  /** Ends a token's life; answering it afterwards fails with TaskTimedOut. */
  close(token: string): void {
    if (!this.open.delete(token)) return;
    this.closed.add(token);
    if (this.closed.size > MAX_REMEMBERED_CLOSED) {
      const oldest = this.closed.values().next();
      if (!oldest.done) this.closed.delete(oldest.value);
    }
  }

  closeExecution(executionArn: string): void {
    for (const [token, waiter] of this.open) if (waiter.executionArn === executionArn) this.close(token);
  }

  /** Forgets every open token without closing it (the runner is shutting down). */
  clear(): void {
    this.open.clear();
  }

  sendSuccess(token: string, output: string): void {
    if (Buffer.byteLength(output) > MAX_OUTPUT_BYTES) throw new InvalidOutput('Invalid Output: the output exceeds 262144 bytes');
    let parsed: JsonValue;
    try {
      parsed = parseJson(output);
    } catch {
      throw new InvalidOutput(`Invalid Output: '${output.slice(0, 100)}' is not valid JSON`);
    }
    const waiter = this.take(token);
    waiter.succeed(parsed);
  }

  sendFailure(token: string, error = '', cause = ''): void {
    this.take(token).fail(error, cause);
  }

  sendHeartbeat(token: string): void {
    this.waiterOf(token).heartbeat();
  }

  private take(token: string): TokenWaiter {
    const waiter = this.waiterOf(token);
    this.close(token);
    return waiter;
  }

  private waiterOf(token: string): TokenWaiter {
    const waiter = this.open.get(token);
    if (waiter) return waiter;
    if (this.closed.has(token)) throw new TaskTimedOut("Task Timed Out: 'Provided task does not exist anymore'");
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw new InvalidToken('Invalid Token: the token must have between 1 and 1024 characters');
    throw new InvalidToken("Invalid Token: 'Invalid token'");
  }
}

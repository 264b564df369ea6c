import { describe, expect, it } from 'vitest';
import { ReleaseContendedError } from '../../functions/kvconfig/errors.js';
import type { Attempt } from '../../functions/kvconfig/release-turns.js';
import { inTurn } from '../../functions/kvconfig/release-turns.js';

describe('inTurn (how releases of one namespace take turns)', () => {
  it('runs the writers of one namespace one at a time, first come first served', async () => {
    const order: number[] = [];
    let running = 0;
    let most = 0;
    const writer = (i: number) => async (): Promise<Attempt<number>> => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      order.push(i);
      running -= 1;
      return { committed: i };
    };
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => inTurn('ns-fifo', writer(i))));
    expect(results).toEqual(order);
    expect(order).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(most).toBe(1);
  });

  it('retries a writer that lost to another process until it commits', async () => {
    let calls = 0;
    const result = await inTurn('ns-retry', async (): Promise<Attempt<string>> => (++calls < 4 ? 'lost' : { committed: 'mine' }), { maxPauseMs: 1 });
    expect(result).toBe('mine');
    expect(calls).toBe(4);
  });

  it('answers a 409 that says to retry when other processes keep winning past the budget', async () => {
    const refused = inTurn('ns-lost', async (): Promise<Attempt<never>> => 'lost', { budgetMs: 50, maxPauseMs: 5, what: 'application' });
    await expect(refused).rejects.toBeInstanceOf(ReleaseContendedError);
    await expect(refused).rejects.toMatchObject({ statusCode: 409, message: expect.stringContaining('retry') });
  });

  it('answers a 409 to a writer whose turn does not come within the budget, and lets the next one run', async () => {
    let finish!: () => void;
    const blocker = inTurn('ns-queue', () => new Promise<Attempt<string>>((resolve) => (finish = () => resolve({ committed: 'first' }))));
    const late = inTurn('ns-queue', async (): Promise<Attempt<string>> => ({ committed: 'never' }), { budgetMs: 20 });
    await expect(late).rejects.toBeInstanceOf(ReleaseContendedError);
    const next = inTurn('ns-queue', async (): Promise<Attempt<string>> => ({ committed: 'next' }));
    finish();
    expect(await blocker).toBe('first');
    expect(await next).toBe('next');
  });

  it('lets a writer that throws hand the turn on', async () => {
    const failing = inTurn('ns-throw', () => Promise.reject(new Error('boom')));
    const after = inTurn('ns-throw', async (): Promise<Attempt<number>> => ({ committed: 1 }));
    await expect(failing).rejects.toThrow('boom');
    expect(await after).toBe(1);
  });
});

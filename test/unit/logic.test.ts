import { describe, expect, it } from 'vitest';
import { diffManifests } from '../../functions/kvconfig/releases-service.js';
import { makeReleaseId, seqOfReleaseId } from '../../functions/kvconfig/release-id.js';
import { describeFailure } from '../../functions/fleet/instance-flow.js';
import { outcomeOf } from '../../functions/fleet/operation-end.js';
import { heartbeatSecondsOf } from '../../functions/fleet/operations-service.js';
import type { OperationRecord, RowRecord } from '../../functions/fleet/store/records.js';
import { compileRoutes, splitPath } from '../../functions/shared/router.js';

describe('diffManifests', () => {
  it('reports adds, updates by hash and deletes, each in key order', () => {
    const before = [
      ['a', 'v1', 'h1'],
      ['b', 'v1', 'h2'],
      ['c', 'v1', 'h3'],
    ] as const;
    const after = [
      ['a', 'v2', 'h1'],
      ['b', 'v2', 'hX'],
      ['d', 'v1', 'h4'],
    ] as const;
    expect(diffManifests([...before.map((e) => [...e] as [string, string, string])], [...after.map((e) => [...e] as [string, string, string])])).toEqual({
      added: ['d'],
      updated: ['b'],
      deleted: ['c'],
    });
  });
});

describe('release ids', () => {
  it('carry their sequence number and refuse anything else', () => {
    const id = makeReleaseId(1234, new Date('2025-08-05T12:00:00Z'));
    expect(id).toMatch(/^r-20250805120000/);
    expect(seqOfReleaseId(id)).toBe(1234);
    for (const bad of ['', 'r-x', 'rel-20250805120000', `${id}0`, id.toUpperCase()]) expect(seqOfReleaseId(bad)).toBeUndefined();
  });
});

describe('attempt failures', () => {
  it('reads the agent message and output from an AgentFailed cause', () => {
    expect(describeFailure({ Error: 'AgentFailed', Cause: JSON.stringify({ error_message: 'hook validate exited 7', output_tail: 'boom' }) }, 30)).toEqual({
      message: 'hook validate exited 7',
      output: 'boom',
      cancelled: false,
    });
  });
  it('names timeouts and heartbeat timeouts, and recognises a cancel', () => {
    expect(describeFailure({ Error: 'States.Timeout' }, 30).message).toContain('within 30 s');
    expect(describeFailure({ Error: 'States.HeartbeatTimeout' }, 30).message).toContain('heartbeat');
    expect(describeFailure({ Error: 'AgentCancelled', Cause: '{"error_message":"cancelled"}' }, 30).cancelled).toBe(true);
    expect(describeFailure({ Error: 'Lambda.Unknown', Cause: 'not json' }, 30).message).toBe('not json');
  });
  it('keeps the heartbeat window within the attempt timeout and a minute', () => {
    expect([heartbeatSecondsOf(5), heartbeatSecondsOf(300), heartbeatSecondsOf(1)]).toEqual([5, 60, 1]);
  });
  it('derives the operation outcome from its rows', () => {
    const op = { status: 'in_progress' } as OperationRecord;
    const row = (status: RowRecord['status']) => ({ status }) as RowRecord;
    expect(outcomeOf(op, [row('completed'), row('completed')])).toBe('completed');
    expect(outcomeOf(op, [row('completed'), row('failed')])).toBe('failed');
    expect(outcomeOf({ ...op, status: 'cancelled' }, [row('completed')])).toBe('cancelled');
    // A row never recorded is not a success.
    expect(outcomeOf(op, [row('completed'), row('in_progress')])).toBe('failed');
    expect(outcomeOf(op, [row('completed'), row('pending')])).toBe('failed');
  });
});

describe('the router', () => {
  const route = (method: 'GET' | 'POST', path: string) => ({ method, path, entry: path, access: 'public' as const, family: 'helm' as const, summary: '' });
  const resolve = compileRoutes([route('GET', '/a/{id}'), route('GET', '/a/special'), route('POST', '/a/{id}/run')]);

  it('prefers static segments and decodes parameters', () => {
    expect(resolve('GET', '/a/special')).toMatchObject({ kind: 'match', match: { route: { path: '/a/special' } } });
    expect(resolve('GET', '/a/x%2Fy')).toMatchObject({ kind: 'match', match: { pathParameters: { id: 'x/y' } } });
  });
  it('tells 405 from 404 and refuses traversal', () => {
    expect(resolve('DELETE', '/a/1')).toEqual({ kind: 'method-not-allowed', allowed: ['GET'] });
    expect(resolve('GET', '/b')).toEqual({ kind: 'not-found' });
    expect(splitPath('/a/%2e%2e')).toEqual({ error: 'path traversal segments are not allowed' });
    expect(resolve('GET', '/a/%zz').kind).toBe('bad-path');
  });
});

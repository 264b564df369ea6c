import { describe, expect, it } from 'vitest';
import { humanDuration } from '../../local/kube/human-duration.js';
import { podCells } from '../../local/kube/pod-printing.js';
import { podObject, running, terminated, waiting } from './fixtures.js';

// READY, STATUS and RESTARTS of `kubectl get pods`, for states the kubelet stand-in passes through too quickly to catch.
describe("the pod row (kubectl's printPod rules)", () => {
  const cells = (...args: Parameters<typeof podObject>): unknown[] => podCells(podObject(...args)).slice(1, 4);

  it('shows Init:N/M while init containers run, and Init:<reason> when one fails', () => {
    const init = [
      { name: 'a', state: terminated('Completed', 0) },
      { name: 'b', state: running() },
    ];
    expect(cells('p', [{ name: 'app', state: waiting('PodInitializing') }], { phase: 'Pending', init })).toEqual(['0/1', 'Init:1/2', '0']);
    const failing = [{ name: 'a', state: waiting('CrashLoopBackOff'), restartCount: 2, lastState: terminated('Error', 1, 60_000) }];
    expect(cells('p', [{ name: 'app', state: waiting('PodInitializing') }], { phase: 'Pending', init: failing })).toEqual([
      '0/1',
      'Init:CrashLoopBackOff',
      '2 (60s ago)',
    ]);
  });

  it('shows the last container with a reason, ExitCode:N without one, and Running when ready', () => {
    expect(
      cells(
        'p',
        [
          { name: 'a', state: running(), ready: true },
          { name: 'b', state: waiting('ContainerCreating') },
        ],
        { phase: 'Pending' },
      ),
    ).toEqual(['1/2', 'ContainerCreating', '0']);
    expect(cells('p', [{ name: 'a', state: { terminated: { exitCode: 3 } } }], { phase: 'Failed' })).toEqual(['0/1', 'ExitCode:3', '0']);
    expect(cells('p', [{ name: 'a', state: running(), ready: true }], { conditions: [{ type: 'Ready', status: 'True' }] })).toEqual(['1/1', 'Running', '0']);
  });

  it('shows Running, not Completed, while another container still runs', () => {
    const containers = [
      { name: 'a', state: running(), ready: true },
      { name: 'b', state: terminated('Completed', 0) },
    ];
    expect(cells('p', containers, { conditions: [{ type: 'Ready', status: 'True' }] })[1]).toBe('Running');
    expect(cells('p', containers, { conditions: [{ type: 'Ready', status: 'False' }] })[1]).toBe('NotReady');
  });

  it('shows Terminating for a running pod with a deletionTimestamp, but not for a finished one', () => {
    const deletionTimestamp = new Date().toISOString();
    expect(cells('p', [{ name: 'a', state: running(), ready: true }], { deletionTimestamp })[1]).toBe('Terminating');
    expect(cells('p', [{ name: 'a', state: terminated('Completed', 0) }], { phase: 'Succeeded', deletionTimestamp })[1]).toBe('Completed');
  });

  it('formats durations as apimachinery HumanDuration does', () => {
    expect([5e3, 119e3, 125e3, 600e3, 3 * 3600e3 + 60e3, 30 * 3600e3, 50 * 3600e3, 72 * 3600e3, 400 * 86400e3].map(humanDuration)).toEqual([
      '5s',
      '119s',
      '2m5s',
      '10m',
      '3h1m',
      '30h',
      '2d2h',
      '3d',
      '400d',
    ]);
  });
});

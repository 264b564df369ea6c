import { describe, expect, it } from 'vitest';
import { appStatus } from '../../functions/appstore/status.js';
import type { KubeObject } from '../../functions/helm/readiness.js';
import type { AppRecord } from '../../functions/helm/store/records.js';

const options = { now: Date.parse('2026-01-01T00:01:00Z'), imagePullGraceSeconds: 10 };
const app = (fields: Partial<AppRecord> = {}) =>
  ({ state: 'active', operation: null, paused: null, transitioning_message: '', ...fields }) as unknown as AppRecord;
const installing = app({ state: 'installing', operation: { id: 'op-1', kind: 'install', started_at: '2026-01-01T00:00:00Z', fingerprint: 'x' } });
const pod = (status: Record<string, unknown>, name = 'web-1'): KubeObject => ({
  kind: 'Pod',
  metadata: { name, namespace: 'app-web', creationTimestamp: '2026-01-01T00:00:00Z' },
  status,
});
const scheduled = { type: 'PodScheduled', status: 'True' };
const creating = pod({
  phase: 'Pending',
  conditions: [scheduled],
  containerStatuses: [{ name: 'web', ready: false, state: { waiting: { reason: 'ContainerCreating' } } }],
});
const ready = pod({
  phase: 'Running',
  conditions: [scheduled, { type: 'Ready', status: 'True' }],
  containerStatuses: [{ name: 'web', ready: true, state: { running: { startedAt: '2026-01-01T00:00:10Z' } } }],
});
const event = (reason: string, at: string, message = '') => ({ reason, message, involvedObject: { name: 'web-1' }, lastTimestamp: at });

describe('appStatus', () => {
  it('is 00 while the install is queued and no pod exists, and for a pod the scheduler cannot place', () => {
    expect(appStatus(installing, [], [], options)).toMatchObject({ status_code: '00', status: 'queuing' });
    const unschedulable = pod({
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient memory.' }],
    });
    expect(appStatus(installing, [unschedulable], [], options)).toEqual({
      status: 'queuing',
      status_code: '00',
      reason: 'pod web-1 Unschedulable: 0/3 nodes are available: 3 Insufficient memory.',
    });
  });

  it('is 10 while the latest pull event is Pulling, and 11 once Pulled', () => {
    const pulling = [event('Pulling', '2026-01-01T00:00:01Z', 'Pulling image "podinfo:6.5.4"')];
    expect(appStatus(installing, [creating], pulling, options)).toMatchObject({ status_code: '10', reason: 'pod web-1: Pulling image "podinfo:6.5.4"' });
    const pulled = [...pulling, event('Pulled', '2026-01-01T00:00:03Z')];
    expect(appStatus(installing, [creating], pulled, options)).toMatchObject({ status_code: '11', reason: 'pod web-1: ContainerCreating' });
  });

  it('is 12 while an init container runs or the containers are not ready yet', () => {
    const init = pod({ phase: 'Pending', conditions: [scheduled], initContainerStatuses: [{ name: 'init-db', state: { running: {} } }] });
    expect(appStatus(installing, [init], [], options)).toMatchObject({ status_code: '12', reason: 'pod web-1: init container init-db is running' });
    const notReady = pod({
      phase: 'Running',
      conditions: [scheduled, { type: 'Ready', status: 'False' }],
      containerStatuses: [{ name: 'web', ready: false, state: { running: {} } }],
    });
    expect(appStatus(installing, [notReady], [], options).status_code).toBe('12');
  });

  it('is 30 when every pod is ready and nothing is in flight, 12 while the operation still runs', () => {
    expect(appStatus(app(), [ready], [], options)).toEqual({ status: 'running', status_code: '30', reason: '1 of 1 pods ready' });
    expect(appStatus(installing, [ready], [], options).status_code).toBe('12');
  });

  it('is 40 when stopped or stopping, and while uninstalling', () => {
    expect(appStatus(app({ paused: { 'Deployment/web': 1 } }), [], [], options)).toMatchObject({
      status_code: '40',
      reason: 'stopped: scaled to zero, data kept',
    });
    expect(appStatus(app({ operation: { id: 'op', kind: 'pause', started_at: '', fingerprint: '' } }), [ready], [], options).status_code).toBe('40');
    expect(appStatus(app({ state: 'removing' }), [ready], [], options).status_code).toBe('40');
  });

  it('is 50 for a pod that will not heal, and for a failed operation', () => {
    const backoff = pod({
      phase: 'Pending',
      conditions: [scheduled],
      containerStatuses: [{ name: 'web', image: 'registry.invalid/web:1', ready: false, state: { waiting: { reason: 'ImagePullBackOff' } } }],
    });
    expect(appStatus(installing, [backoff], [], options)).toEqual({
      status: 'error',
      status_code: '50',
      reason: 'pod web-1 ImagePullBackOff: registry.invalid/web:1',
    });
    expect(appStatus(app({ state: 'error', transitioning_message: 'helm refused' }), [], [], options)).toMatchObject({
      status_code: '50',
      reason: 'helm refused',
    });
  });
});

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SpawnedAgent } from '../helpers/agents.js';
import { waitFor } from './fake-api.js';
import { markerHooks, readMarkers, useAgentHarness } from './support.js';

/** A hook that records its shell's pid, says it started, then blocks for `seconds`. */
const blockingHook = (seconds: number) => ({ command: `echo $$ > "$DEPLOY_DIR/hook.pid"; echo "hook running"; sleep ${seconds}`, timeout_seconds: 60 });

describe('agent interruptions', () => {
  const h = useAgentHarness('orders');
  const { agentFor } = h;

  async function agentWithV1(instance: string): Promise<SpawnedAgent> {
    const agent = await agentFor(instance);
    const v1 = h.packages.addPackage('1.0.0', { 'app.txt': 'one' }, markerHooks('1.0.0'));
    const command = h.api.send(instance, { type: 'deploy', version: '1.0.0', package_url: v1.url, sha256: v1.sha256 });
    expect(await h.api.waitForResult(command.command_id)).toMatchObject({ status: 'completed' });
    return agent;
  }

  async function hookPid(agent: SpawnedAgent): Promise<number> {
    return waitFor('the hook to start', async () => Number((await readFile(join(agent.dir, 'hook.pid'), 'utf8').catch(() => '')).trim()) || 0);
  }

  function isAlive(pid: number): boolean {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  it('cancels a command mid-hook: kills the hook, reverts current, reports cancelled', async () => {
    const agent = await agentWithV1('cancel-1');
    const v2 = h.packages.addPackage('2.0.0', { 'app.txt': 'two' }, markerHooks('2.0.0', { start: blockingHook(30) }));
    const deploy = h.api.send('cancel-1', { type: 'deploy', version: '2.0.0', package_url: v2.url, sha256: v2.sha256 });
    const pid = await hookPid(agent);
    expect(agent.currentTarget()).toBe('releases/2.0.0'); // start runs after the switch

    const cancel = h.api.send('cancel-1', { type: 'cancel', operation_id: deploy.operation_id, target_command_id: deploy.command_id });
    const result = await h.api.waitForResult(deploy.command_id);

    expect(result).toMatchObject({ status: 'cancelled', version: '1.0.0' });
    expect(result.error_message).toContain(`cancelled by command ${cancel.command_id}`);
    expect(result.output_tail).toContain('hook running');
    expect(agent.currentTarget()).toBe('releases/1.0.0');
    expect(isAlive(pid)).toBe(false);
    expect((await readMarkers(agent.dir)).at(-1)).toBe('start 1.0.0');
    expect(h.api.acks()).toContain(cancel.command_id);
    expect(h.api.results.get(cancel.command_id)).toMatchObject({ status: 'completed', error_message: null });
  });

  it('reports the command failed after being SIGKILLed mid-deploy and restarted', async () => {
    const agent = await agentWithV1('crash-1');
    const v2 = h.packages.addPackage('2.0.1', { 'app.txt': 'two' }, { hooks: { before_install: blockingHook(5) } });
    const deploy = h.api.send('crash-1', { type: 'deploy', version: '2.0.1', package_url: v2.url, sha256: v2.sha256 });
    await hookPid(agent);

    await agent.kill();
    expect(h.api.results.has(deploy.command_id)).toBe(false);
    await agent.restart();
    const result = await h.api.waitForResult(deploy.command_id);

    expect(result).toMatchObject({ status: 'failed', version: '1.0.0' });
    expect(result.error_message).toContain('agent restarted while the command was running');
    expect(agent.currentTarget()).toBe('releases/1.0.0');
    const state = JSON.parse(await readFile(join(agent.dir, 'state.json'), 'utf8'));
    expect(state.in_flight).toBeNull();
    await waitFor(
      'the pending result cleared from state.json',
      async () => JSON.parse(await readFile(join(agent.dir, 'state.json'), 'utf8')).pending_results.length === 0,
    );
  });

  it('on SIGTERM interrupts the running command, reverts it and reports it failed before exiting', async () => {
    const agent = await agentWithV1('sigterm-1');
    const v2 = h.packages.addPackage('2.0.4', { 'app.txt': 'two' }, markerHooks('2.0.4', { validate: blockingHook(30) }));
    const deploy = h.api.send('sigterm-1', { type: 'deploy', version: '2.0.4', package_url: v2.url, sha256: v2.sha256 });
    const pid = await hookPid(agent);

    expect(await agent.stop()).toBe(0);

    expect(h.api.results.get(deploy.command_id)).toMatchObject({
      status: 'failed',
      version: '1.0.0',
      error_message: expect.stringContaining('agent stopped while the command was running'),
    });
    expect(isAlive(pid)).toBe(false);
    expect(agent.currentTarget()).toBe('releases/1.0.0');
    expect(h.api.heartbeats('sigterm-1').at(-1)).toMatchObject({ state: 'stopped', version: '1.0.0' });
  });

  it('delivers the result once the API comes back from an outage', async () => {
    const agent = await agentWithV1('outage-1');
    const v2 = h.packages.addPackage(
      '2.0.2',
      { 'app.txt': 'two' },
      { hooks: { start: { command: `while [ ! -f "$DEPLOY_DIR/go" ]; do sleep 0.05; done; echo started` } } },
    );
    const deploy = h.api.send('outage-1', { type: 'deploy', version: '2.0.2', package_url: v2.url, sha256: v2.sha256 });
    await waitFor('the ack', () => h.api.acks().includes(deploy.command_id));

    h.api.setDown(true);
    await writeFile(join(agent.dir, 'go'), '');
    await agent.waitForLog('command.finished');
    await agent.waitForLog((line) => line.event === 'agent.call_retrying' && String(line.path).endsWith('/result'));
    expect(h.api.results.has(deploy.command_id)).toBe(false);
    h.api.setDown(false);

    expect(await h.api.waitForResult(deploy.command_id, 30_000)).toMatchObject({ status: 'completed', version: '2.0.2' });
  });

  it('stops working on a command the API no longer wants (409 on progress)', async () => {
    const agent = await agentWithV1('gone-1');
    const v2 = h.packages.addPackage('2.0.3', { 'app.txt': 'two' }, markerHooks('2.0.3', { after_install: blockingHook(30) }));
    const deploy = h.api.send('gone-1', { type: 'deploy', version: '2.0.3', package_url: v2.url, sha256: v2.sha256, progress_interval_seconds: 0.5 });
    const pid = await hookPid(agent);

    h.api.stopWanting(deploy.command_id);

    await agent.waitForLog((line) => line.event === 'result.not_wanted' && line.command_id === deploy.command_id);
    expect(isAlive(pid)).toBe(false);
    expect(agent.currentTarget()).toBe('releases/1.0.0');
  });
});

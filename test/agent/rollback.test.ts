import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { markerHooks, readMarkers, useAgentHarness } from './support.js';

describe('agent rollback and kept releases', () => {
  const h = useAgentHarness('billing');
  const { agentFor } = h;

  it('rolls back to a kept release without downloading it', async () => {
    const agent = await agentFor('rollback-kept');
    const v1 = h.packages.addPackage('r1.0.0', { 'app.txt': 'one' }, markerHooks('r1.0.0'));
    const v2 = h.packages.addPackage('r2.0.0', { 'app.txt': 'two' }, markerHooks('r2.0.0'));
    for (const [version, published] of [
      ['r1.0.0', v1],
      ['r2.0.0', v2],
    ] as const) {
      const command = h.api.send('rollback-kept', { type: 'deploy', version, package_url: published.url, sha256: published.sha256 });
      expect(await h.api.waitForResult(command.command_id)).toMatchObject({ status: 'completed', version });
    }
    expect(h.packages.requestCount('r1.0.0')).toBe(1);

    const rollback = h.api.send('rollback-kept', { type: 'rollback', version: 'r1.0.0', package_url: v1.url, sha256: v1.sha256 });
    const result = await h.api.waitForResult(rollback.command_id);

    expect(result).toMatchObject({ status: 'completed', version: 'r1.0.0', error_message: null });
    expect(h.packages.requestCount('r1.0.0')).toBe(1);
    expect(agent.currentTarget()).toBe('releases/r1.0.0');
    expect((await readMarkers(agent.dir)).slice(-5)).toEqual([
      'stop r2.0.0',
      'before_install r1.0.0',
      'after_install r1.0.0',
      'start r1.0.0',
      'validate r1.0.0',
    ]);
  });

  it('runs queued deploys one at a time, keeps the last five releases and downloads a pruned one again', async () => {
    const agent = await agentFor('rollback-prune');
    const versions = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7'];
    const published = Object.fromEntries(
      versions.map((version) => [
        version,
        h.packages.addPackage(version, { 'app.txt': version }, { hooks: { before_install: { command: `echo "${version}" >> "$DEPLOY_DIR/installs.log"` } } }),
      ]),
    );
    // All at once: the agent queues them and works through them in order.
    const commands = versions.map((version) =>
      h.api.send('rollback-prune', { type: 'deploy', version, package_url: published[version]!.url, sha256: published[version]!.sha256 }),
    );
    for (const command of commands) expect(await h.api.waitForResult(command.command_id)).toMatchObject({ status: 'completed', version: command.version });

    expect([...h.api.results.keys()].filter((id) => commands.some((command) => command.command_id === id))).toEqual(
      commands.map((command) => command.command_id),
    );
    expect((await readFile(join(agent.dir, 'installs.log'), 'utf8')).split('\n').filter(Boolean)).toEqual(versions);
    expect((await readdir(join(agent.dir, 'releases'))).sort()).toEqual(['p3', 'p4', 'p5', 'p6', 'p7']);
    expect(agent.currentTarget()).toBe('releases/p7');
    const state = JSON.parse(await readFile(join(agent.dir, 'state.json'), 'utf8'));
    expect(state.releases.map((release: { version: string }) => release.version)).toEqual(['p7', 'p6', 'p5', 'p4', 'p3']);
    expect(state.releases[0]).toMatchObject({ package_url: published.p7!.url, sha256: published.p7!.sha256 });

    const rollback = h.api.send('rollback-prune', { type: 'rollback', version: 'p1', package_url: published.p1!.url, sha256: published.p1!.sha256 });
    expect(await h.api.waitForResult(rollback.command_id)).toMatchObject({ status: 'completed', version: 'p1' });
    expect(h.packages.requestCount('p1')).toBe(2);
    expect((await readdir(join(agent.dir, 'releases'))).sort()).toEqual(['p1', 'p4', 'p5', 'p6', 'p7']);
  });
});

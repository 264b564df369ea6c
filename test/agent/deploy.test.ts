import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTarGz } from '../helpers/packages.js';
import { waitFor } from './fake-api.js';
import { markerHooks, readMarkers, useAgentHarness } from './support.js';

describe('agent deploy', () => {
  const h = useAgentHarness('shop', '0.9.0');
  const { agentFor } = h;

  /** Deploys `version` (already added to the package server) and waits for the result. */
  async function deploy(instance: string, version: string, published: { url: string; sha256: string | null }) {
    const command = h.api.send(instance, { type: 'deploy', version, package_url: published.url, sha256: published.sha256 });
    return { command, result: await h.api.waitForResult(command.command_id) };
  }

  it('unpacks the package, runs the hooks in order, switches current and reports completed', async () => {
    const agent = await agentFor('deploy-ok');
    const v1 = h.packages.addPackage('1.0.0', { 'app.txt': 'one' }, markerHooks('1.0.0'));
    const first = await deploy('deploy-ok', '1.0.0', v1);
    expect(first.result).toMatchObject({ status: 'completed', version: '1.0.0', error_message: null });

    const v2 = h.packages.addPackage(
      '2.0.0',
      { 'app.txt': 'two', 'lib/util.sh': 'echo util' },
      markerHooks('2.0.0', { start: { command: 'env | grep ^DEPLOY_ | sort > "$DEPLOY_DIR/start-env" && echo "start output for $DEPLOY_VERSION"' } }),
    );
    const { command, result } = await deploy('deploy-ok', '2.0.0', v2);

    expect(result).toMatchObject({ status: 'completed', version: '2.0.0', error_message: null });
    expect(result.output_tail).toContain('validate output for 2.0.0');
    expect(agent.currentTarget()).toBe('releases/2.0.0');
    expect(await readFile(join(agent.dir, 'releases/2.0.0/app.txt'), 'utf8')).toBe('two');
    expect(await readFile(join(agent.dir, 'releases/2.0.0/lib/util.sh'), 'utf8')).toBe('echo util');
    expect(await readMarkers(agent.dir)).toEqual([
      'before_install 1.0.0',
      'after_install 1.0.0',
      'start 1.0.0',
      'validate 1.0.0',
      'stop 1.0.0',
      'before_install 2.0.0',
      'after_install 2.0.0',
      'validate 2.0.0',
    ]);
    const env = await readFile(join(agent.dir, 'start-env'), 'utf8');
    expect(env).toContain('DEPLOY_VERSION=2.0.0\n');
    expect(env).toContain('DEPLOY_PREVIOUS_VERSION=1.0.0\n');
    expect(env).toContain(`DEPLOY_RELEASE_DIR=${join(agent.dir, 'releases/2.0.0')}\n`);
    expect(env).toContain(`DEPLOY_DIR=${agent.dir}\n`);
    expect(env).toContain(`DEPLOY_OPERATION_ID=${command.operation_id}\n`);
    expect(h.api.acks()).toContain(command.command_id);
    expect(h.api.progress(command.command_id).length).toBeGreaterThan(0);
    await waitFor('a heartbeat reporting 2.0.0', () => h.api.heartbeats('deploy-ok').some((beat) => beat.version === '2.0.0' && beat.state === 'running'));
  });

  it('completes when a start hook leaves a daemon running, and the daemon keeps running', async () => {
    const agent = await agentFor('deploy-daemon');
    // The daemon inherits the hook's stdout: the agent must not wait for that pipe to close.
    const published = h.packages.addPackage(
      '1.5.0',
      { 'app.txt': 'daemon' },
      { hooks: { start: { command: 'sleep 120 & echo $! > "$DEPLOY_DIR/daemon.pid"; echo started' } } },
    );
    const { result } = await deploy('deploy-daemon', '1.5.0', published);
    const daemon = Number(await readFile(join(agent.dir, 'daemon.pid'), 'utf8'));
    try {
      expect(result).toMatchObject({ status: 'completed', version: '1.5.0' });
      expect(result.output_tail).toContain('started');
      expect(() => process.kill(daemon, 0)).not.toThrow();
    } finally {
      process.kill(daemon, 'SIGKILL');
    }
  });

  it('fails on a sha256 mismatch and leaves current alone', async () => {
    const agent = await agentFor('deploy-sha');
    const published = h.packages.addPackage('3.0.0', { 'app.txt': 'three' }, markerHooks('3.0.0'));
    const { result } = await deploy('deploy-sha', '3.0.0', { url: published.url, sha256: 'a'.repeat(64) });

    expect(result).toMatchObject({ status: 'failed', version: '0.9.0' });
    expect(result.error_message).toContain('sha256 mismatch');
    expect(agent.currentTarget()).toBeNull();
    expect(await readMarkers(agent.dir)).toEqual([]);
    expect(await readdir(join(agent.dir, 'releases'))).toEqual([]);
  });

  it('reverts current and restarts the previous release when validate fails', async () => {
    const agent = await agentFor('deploy-validate');
    await deploy('deploy-validate', '1.0.0', h.packages.addPackage('1.0.0', { 'app.txt': 'one' }, markerHooks('1.0.0')));
    const bad = h.packages.addPackage(
      '4.0.0',
      { 'app.txt': 'four' },
      markerHooks('4.0.0', { validate: { command: 'echo "health check said no" >&2; exit 3' } }),
    );
    const { result } = await deploy('deploy-validate', '4.0.0', bad);

    expect(result).toMatchObject({ status: 'failed', version: '1.0.0' });
    expect(result.error_message).toContain('hook "validate" failed with exit code 3');
    expect(result.output_tail).toContain('health check said no');
    expect(agent.currentTarget()).toBe('releases/1.0.0');
    expect((await readMarkers(agent.dir)).slice(4)).toEqual(['stop 1.0.0', 'before_install 4.0.0', 'after_install 4.0.0', 'start 4.0.0', 'start 1.0.0']);
  });

  it('kills a hook that passes its timeout and names the timeout', async () => {
    const agent = await agentFor('deploy-timeout');
    const slow = h.packages.addPackage(
      '5.0.0',
      { 'app.txt': 'five' },
      { hooks: { before_install: { command: 'echo waiting; sleep 30', timeout_seconds: 1 } } },
    );
    const { result } = await deploy('deploy-timeout', '5.0.0', slow);

    expect(result).toMatchObject({ status: 'failed', version: '0.9.0' });
    expect(result.error_message).toContain('hook "before_install" timed out after 1 s');
    expect(result.output_tail).toContain('waiting');
    expect(agent.currentTarget()).toBeNull();
  });

  it('fails when the package URL answers 404', async () => {
    await agentFor('deploy-404');
    const gone = h.packages.addPackage('6.0.0', { 'app.txt': 'six' });
    h.packages.makeMissing('6.0.0');
    const { result } = await deploy('deploy-404', '6.0.0', gone);

    expect(result.status).toBe('failed');
    expect(result.error_message).toContain('HTTP 404');
  });

  it('refuses a package with an entry escaping the release folder', async () => {
    const agent = await agentFor('deploy-escape');
    const evil = h.packages.addTarball(
      'evil.tar.gz',
      buildTarGz([
        { path: 'app.txt', content: 'ok' },
        { path: '../../escaped.txt', content: 'gotcha' },
      ]),
    );
    const { result } = await deploy('deploy-escape', '7.0.0', evil);

    expect(result.status).toBe('failed');
    expect(result.error_message).toContain('escapes the release folder');
    expect(await readdir(join(agent.dir, 'releases'))).toEqual([]);
  });
});

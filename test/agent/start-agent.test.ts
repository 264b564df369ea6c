import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent } from '../../agent/agent.js';
import { parseAgentOptions } from '../../agent/options.js';
import { createDispatcher } from '../../agent/transport.js';
import { type PackageServer, startPackageServer } from '../helpers/packages.js';
import { type FakeApi, startFakeApi, waitFor } from './fake-api.js';

describe('startAgent (in-process agents)', () => {
  let api: FakeApi;
  let packages: PackageServer;
  let root: string;

  beforeAll(async () => {
    [api, packages] = await Promise.all([startFakeApi({ heartbeatIntervalSeconds: 1 }), startPackageServer()]);
    root = await mkdtemp(join(tmpdir(), 'agents-'));
  });
  afterAll(async () => {
    await Promise.all([api.stop(), packages.stop(), rm(root, { recursive: true, force: true })]);
  });

  it('runs many light agents in one process on a shared connection pool', async () => {
    const dispatcher = createDispatcher(packages.caPem);
    const instances = Array.from({ length: 25 }, (_, index) => `light-${index}`);
    const agents = await Promise.all(
      instances.map((instance) =>
        startAgent({ api: api.url, token: api.token, service: 'fleet', instanceId: instance, dir: join(root, instance), dispatcher, logLevel: 'silent' }),
      ),
    );
    try {
      await Promise.all(agents.map((agent) => agent.registered));
      expect(new Set(api.registrations().map((registration) => registration.instance_id))).toEqual(new Set(instances));

      const published = packages.addPackage('9.0.0', { 'app.txt': 'nine' });
      const command = api.send('light-3', { type: 'deploy', version: '9.0.0', package_url: published.url, sha256: published.sha256 });
      expect(await api.waitForResult(command.command_id)).toMatchObject({ status: 'completed', version: '9.0.0' });
    } finally {
      await Promise.all(agents.map((agent) => agent.stop()));
      await dispatcher.close();
    }
    await waitFor('every agent to heartbeat "stopped"', () => instances.every((instance) => api.heartbeats(instance).at(-1)?.state === 'stopped'));
  });
});

describe('startAgent against an API that does not hold polls (as in AWS)', () => {
  it('polls every poll_interval_seconds and still gets its commands', async () => {
    const [api, packages] = await Promise.all([startFakeApi({ commandWaitSeconds: 0, pollIntervalSeconds: 0.2 }), startPackageServer()]);
    const dir = await mkdtemp(join(tmpdir(), 'agent-nowait-'));
    const agent = await startAgent({ api: api.url, token: api.token, service: 'fleet', instanceId: 'no-wait', dir, caPem: packages.caPem, logLevel: 'silent' });
    try {
      await agent.registered;
      await waitFor('a few polls', () => api.calls.filter((call) => call.path === '/v1/agent/commands').length >= 3);
      const published = packages.addPackage('1.0.0', { 'app.txt': 'one' });
      const command = api.send('no-wait', { type: 'deploy', version: '1.0.0', package_url: published.url, sha256: published.sha256 });
      expect(await api.waitForResult(command.command_id)).toMatchObject({ status: 'completed', version: '1.0.0' });
    } finally {
      await agent.stop();
      await Promise.all([api.stop(), packages.stop(), rm(dir, { recursive: true, force: true })]);
    }
  });
});

describe('parseAgentOptions', () => {
  it('takes every flag from the environment when absent, flags winning', async () => {
    const options = await parseAgentOptions(['--service', 'from-flag'], {
      AGENT_API: 'https://api.example.com/prod',
      AGENT_TOKEN: 'secret',
      AGENT_SERVICE: 'from-env',
      AGENT_INSTANCE: 'i-1',
      AGENT_DIR: '/srv/agent',
      AGENT_PORT: '8080',
      AGENT_VERSION: 'v1.2.3',
      AGENT_METADATA: 'region=us-west-1, zone=us-west-1a',
    });

    expect(options).toMatchObject({
      api: 'https://api.example.com/prod',
      token: 'secret',
      service: 'from-flag',
      instanceId: 'i-1',
      dir: '/srv/agent',
      port: 8080,
      version: 'v1.2.3',
      metadata: { region: 'us-west-1', zone: 'us-west-1a' },
    });
  });

  it('names every bad flag and its variable', async () => {
    await expect(parseAgentOptions(['--api', 'ftp://x', '--port', '70000', '--metadata', 'novalue'], {})).rejects.toThrow(
      /--api \(or AGENT_API\)[\s\S]*--port \(or AGENT_PORT\)[\s\S]*--metadata \(or AGENT_METADATA\)/,
    );
  });
});

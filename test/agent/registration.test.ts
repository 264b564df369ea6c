import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type SpawnedAgent, spawnAgent } from '../helpers/agents.js';
import { type FakeApi, startFakeApi, waitFor } from './fake-api.js';

describe('agent registration and heartbeats', () => {
  let api: FakeApi;
  const agents: SpawnedAgent[] = [];

  beforeAll(async () => {
    api = await startFakeApi();
  });
  afterEach(async () => {
    await Promise.all(agents.splice(0).map((agent) => agent.dispose()));
  });
  afterAll(async () => {
    await api.stop();
  });

  async function agentFor(instance: string, extra: Partial<Parameters<typeof spawnAgent>[0]> = {}): Promise<SpawnedAgent> {
    const agent = await spawnAgent({ api: api.url, token: api.token, service: 'search', instance, ...extra });
    agents.push(agent);
    return agent;
  }

  it('registers with its identity and metadata, then heartbeats', async () => {
    await agentFor('reg-1', { host: '10.0.0.7', port: 8080, version: 'v1.2.2', metadata: { region: 'us-west-1', zone: 'us-west-1a' } });

    const registration = await waitFor('a registration', () => api.registrations('reg-1')[0]);
    expect(registration).toEqual({
      service: 'search',
      instance_id: 'reg-1',
      host: '10.0.0.7',
      port: 8080,
      version: 'v1.2.2',
      state: 'running',
      metadata: { region: 'us-west-1', zone: 'us-west-1a' },
    });
    await waitFor('two heartbeats', () => api.heartbeats('reg-1').length >= 2);
    expect(api.heartbeats('reg-1')[0]).toEqual({ service: 'search', instance_id: 'reg-1', version: 'v1.2.2', state: 'running' });
    expect(api.calls.some((call) => call.path === '/v1/agent/commands')).toBe(true);
  });

  it('registers again when the API answers 40003 (instance unknown)', async () => {
    await agentFor('reg-2');
    await waitFor('a heartbeat', () => api.heartbeats('reg-2').length >= 1);

    api.forgetInstances();

    await waitFor('a second registration', () => api.registrations('reg-2').length >= 2);
  });

  it('heartbeats "stopped" and exits 0 on SIGTERM', async () => {
    const agent = await agentFor('reg-3');
    await waitFor('a heartbeat', () => api.heartbeats('reg-3').length >= 1);

    expect(await agent.stop()).toBe(0);

    expect(api.heartbeats('reg-3').at(-1)).toMatchObject({ state: 'stopped' });
    await agent.waitForLog('agent.stopped');
  });

  it('answers a malformed command failed instead of leaving it hanging', async () => {
    await agentFor('reg-4');
    await waitFor('registration', () => api.registrations('reg-4').length >= 1);

    const command = api.send('reg-4', { type: 'deploy', version: '../../etc', package_url: 'https://example.com/x.tar.gz' });
    const result = await api.waitForResult(command.command_id);

    expect(api.acks()).toContain(command.command_id);
    expect(result.status).toBe('failed');
    expect(result.error_message).toContain('invalid command');
  });

  it('exits 2 with the usage when a required flag is missing', async () => {
    const agent = await agentFor('reg-5', { token: '' });

    expect(await agent.waitForExit()).toBe(2);
    expect(agent.stderr()).toContain('--token (or AGENT_TOKEN): required');
  });
});

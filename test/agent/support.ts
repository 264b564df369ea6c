import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type SpawnedAgent, spawnAgent } from '../helpers/agents.js';
import { type DeployJsonSpec, type HookSpec, type PackageServer, startPackageServer } from '../helpers/packages.js';
import { type FakeApi, startFakeApi, waitFor } from './fake-api.js';

export type AgentHarness = {
  api: FakeApi;
  packages: PackageServer;
  /** Spawns a real agent of `service` against the fake API and waits for its registration. */
  agentFor: (instance: string) => Promise<SpawnedAgent>;
};

/**
 * For a describe block: the fake API and an HTTPS package server for the whole block, and the
 * agents spawned by `agentFor` disposed after each test.
 */
export function useAgentHarness(service: string, version?: string): AgentHarness {
  const agents: SpawnedAgent[] = [];
  const harness = {
    agentFor: async (instance: string) => {
      const agent = await spawnAgent({
        api: harness.api.url,
        token: harness.api.token,
        service,
        instance,
        caFile: harness.packages.caFile,
        ...(version ? { version } : {}),
      });
      agents.push(agent);
      await waitFor(`${instance} registered`, () => harness.api.registrations(instance).length > 0);
      return agent;
    },
  } as AgentHarness;
  beforeAll(async () => {
    [harness.api, harness.packages] = await Promise.all([startFakeApi(), startPackageServer()]);
  });
  afterEach(async () => {
    await Promise.all(agents.splice(0).map((agent) => agent.dispose()));
  });
  afterAll(async () => {
    await Promise.all([harness.api.stop(), harness.packages.stop()]);
  });
  return harness;
}

/**
 * deploy.json whose every hook appends `<hook> <version>` to `<dir>/markers.log` and prints a line,
 * so a test can read back which hooks ran, in which order, for which release. `overrides` replace
 * single hooks.
 */
export function markerHooks(version: string, overrides: DeployJsonSpec['hooks'] = {}): DeployJsonSpec {
  const marker = (hook: string): HookSpec => ({
    command: `echo "${hook} ${version}" >> "$DEPLOY_DIR/markers.log" && echo "${hook} output for $DEPLOY_VERSION"`,
  });
  return {
    hooks: {
      stop: marker('stop'),
      before_install: marker('before_install'),
      after_install: marker('after_install'),
      start: marker('start'),
      validate: marker('validate'),
      ...overrides,
    },
  };
}

/** The lines of `<dir>/markers.log` (empty when no hook ran yet). */
export async function readMarkers(dir: string): Promise<string[]> {
  try {
    return (await readFile(join(dir, 'markers.log'), 'utf8')).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

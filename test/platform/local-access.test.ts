import { SendTaskFailureCommand, SFNClient } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { until, untilEnded, useFleet } from '../fleet/helpers.js';

/** A task token of the local runner (`AQ` + 192 random bytes); none may appear in an answer to a stranger. */
const TASK_TOKEN = /AQ[A-Za-z0-9_-]{200,}/;

let viewerToken = '';
const fleet = useFleet('local-svc', 1, async ({ rt }) => {
  viewerToken = (await rt.call('POST', '/admin/users', { body: { name: 'local-viewer', role: 'viewer' } })).body.data.token as string;
});

/** Deploys with a start hook slow enough that the instance waits on a task token; returns that token (read with the admin token). */
async function deploymentWaitingOnAgent(deployId: string): Promise<string> {
  const { rt, pkg } = fleet;
  const slow = pkg.addPackage(`v-${deployId}`, { 'app.txt': deployId }, { hooks: { start: { command: 'sleep 4', timeout_seconds: 60 } } });
  const started = await rt.call('POST', '/v1/deploy/execute', {
    body: { service: 'local-svc', version: `v-${deployId}`, instances: ['local-svc-1'], package_url: slow.url, deploy_id: deployId, timeout: 60 },
  });
  expect(started.status, started.text).toBe(200);
  const parent = await until(
    () => rt.call('GET', `/local/executions/${deployId}`),
    (reply) => reply.status === 200 && Array.isArray(reply.body.children) && reply.body.children.length > 0,
  );
  const child = await until(
    () => rt.call('GET', `/local/executions/${encodeURIComponent(String(parent.body.children[0]))}`),
    (reply) => reply.status === 200 && TASK_TOKEN.test(reply.text),
  );
  return TASK_TOKEN.exec(child.text)?.[0] ?? '';
}

describe('the local runtime /local/* endpoints', () => {
  it('answers 401 in a JSON envelope without a token, and leaks no execution or task token', async () => {
    const { rt } = fleet;
    const token = await deploymentWaitingOnAgent('deploy-local-401');
    const children = ((await rt.call('GET', '/local/executions/deploy-local-401')).body.children as string[]).map(
      (name) => `/local/executions/${encodeURIComponent(name)}`,
    );
    expect(token).toMatch(TASK_TOKEN);
    for (const path of ['/local/executions', '/local/executions/deploy-local-401', ...children, '/local/capacity', '/local/anything']) {
      const reply = await rt.call('GET', path, { token: null });
      expect(reply.status, path).toBe(401);
      expect(reply.body.success, path).toBe(false);
      expect(reply.text).not.toMatch(TASK_TOKEN);
      expect(reply.text).not.toContain('deploy-local-401');
    }
    expect((await untilEnded(rt, '/v1/deploy/status/deploy-local-401')).status).toBe('completed');
  });

  it('answers 403 to a viewer token and the execution views to an admin token', async () => {
    const { rt } = fleet;
    const viewer = await rt.call('GET', '/local/executions', { token: viewerToken });
    expect(viewer.status).toBe(403);
    expect(viewer.body.error.message).toContain('admin');
    const admin = await rt.call('GET', '/local/executions');
    expect(admin.status).toBe(200);
    expect(JSON.stringify(admin.body)).toContain('deploy-local-401');
    expect((await rt.call('GET', '/local/capacity')).status).toBe(200);
  });

  it('refuses a forged SendTaskFailure (no credentials, a viewer token, other credentials) and the deployment still completes', async () => {
    const { rt } = fleet;
    const taskToken = await deploymentWaitingOnAgent('deploy-local-forged');
    const forged = JSON.stringify({ taskToken, error: 'Forged', cause: 'an attacker on the network' });
    const headers = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.SendTaskFailure' };
    const anonymous = await rt.call('POST', '/local/sfn/', { token: null, rawBody: forged, headers });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.__type).toBe('UnrecognizedClientException');
    const viewer = await rt.call('POST', '/local/sfn/', { token: viewerToken, rawBody: forged, headers });
    expect(viewer.status).toBe(403);
    const stranger = new SFNClient({
      endpoint: `${rt.url}/local/sfn`,
      region: 'us-east-1',
      credentials: { accessKeyId: rt.localCredentials.accessKeyId, secretAccessKey: 'guessed-secret' },
      maxAttempts: 1,
    });
    await expect(stranger.send(new SendTaskFailureCommand({ taskToken, error: 'Forged', cause: 'guessed secret' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 403 },
    });
    stranger.destroy();

    const status = await untilEnded(rt, '/v1/deploy/status/deploy-local-forged');
    expect(status.status).toBe('completed');
    expect(JSON.stringify(status)).not.toContain('Forged');
    // The deployment records its end in its last task; the execution ends a moment after.
    const execution = await until(
      () => rt.call('GET', '/local/executions/deploy-local-forged'),
      (r) => r.body?.status !== 'RUNNING',
      30_000,
    );
    expect(execution.body.status).toBe('SUCCEEDED');
  });

  it('accepts the SFN API with an admin bearer token', async () => {
    const { rt } = fleet;
    const reply = await rt.call('POST', '/local/sfn/', {
      rawBody: JSON.stringify({ taskToken: 'not-a-real-token' }),
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.SendTaskHeartbeat' },
    });
    // Past the guard: the runner itself answers (the token is unknown).
    expect(reply.status).toBe(400);
    expect(reply.body.__type).toMatch(/TaskDoesNotExist|InvalidToken/);
  });
});

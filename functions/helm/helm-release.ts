import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getSecret } from '#shared/secrets.js';
import { chartSource } from './chart-source.js';
import { HelmCommandError, runHelm } from './helm-cli.js';
import type { Operation } from './operation-input.js';
import type { AppRecord } from './store/records.js';

/**
 * The helm commands of the operations, built from the app's record. helm waits for hooks only (its
 * default `--wait=hookOnly`); readiness of the resources is the state machine's job, so no Lambda
 * waits for pods. `--timeout` stays under the task's Lambda timeout.
 */
export const HELM_TIMEOUT_SECONDS = 240;

/** `--set` value escaping: helm's strvals parser splits on `,` and reads `\` as an escape. */
export function setPair(key: string, value: string): string {
  return `${key}=${value.replaceAll('\\', '\\\\').replaceAll(',', '\\,')}`;
}

function timeoutSeconds(op: Operation): number {
  return Math.max(10, Math.min(HELM_TIMEOUT_SECONDS, Math.ceil((op.deadline - Date.now()) / 1000)));
}

/** `helm upgrade --install` (install, and a retried install) or `helm upgrade`, with the app's chart and values. */
export async function applyChart(app: AppRecord, op: Operation, kubeconfig: string): Promise<void> {
  const source = await chartSource(app.spec.repo, app.spec.chart, app.spec.version);
  const dir = mkdtempSync(join(tmpdir(), 'helm-values-'));
  try {
    const files: string[] = [];
    if (app.spec.values_yaml.trim() !== '') {
      writeFileSync(join(dir, 'values.yaml'), app.spec.values_yaml, { mode: 0o600 });
      files.push('--values', join(dir, 'values.yaml'));
    }
    if (Object.keys(app.spec.values).length > 0) {
      writeFileSync(join(dir, 'values.json'), JSON.stringify(app.spec.values), { mode: 0o600 });
      files.push('--values', join(dir, 'values.json'));
    }
    if (Object.keys(app.spec.secret_values).length > 0) {
      writeFileSync(join(dir, 'secrets.json'), JSON.stringify(await secretValues(app.spec.secret_values)), { mode: 0o600 });
      files.push('--values', join(dir, 'secrets.json'));
    }
    const sets = Object.entries(app.spec.answers).flatMap(([k, v]) => ['--set', setPair(k, v)]);
    const args = [
      'upgrade',
      app.name,
      source.ref,
      ...(op.kind === 'install' ? ['--install', '--create-namespace'] : []),
      '--namespace',
      app.namespace,
      ...source.args,
      ...files,
      ...sets,
      ...(op.force ? ['--force-replace'] : []),
      '--timeout',
      `${timeoutSeconds(op)}s`,
    ];
    await runHelm(args, { kubeconfig, secretArgs: source.secretArgs, timeoutMs: (timeoutSeconds(op) + 15) * 1000 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Nested values from the secrets store: `{"auth.password": {secret, field}}` → `{auth: {password: "…"}}`. */
async function secretValues(refs: AppRecord['spec']['secret_values']): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [key, ref] of Object.entries(refs)) {
    const stored = await getSecret(ref.secret);
    if (stored === undefined) throw new HelmCommandError(`secret ${ref.secret} for value ${key} is missing from the secrets store`);
    const value = (JSON.parse(stored) as Record<string, unknown>)[ref.field];
    const path = key.split('.');
    let node = out;
    for (const part of path.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[path.at(-1) ?? key] = value;
  }
  return out;
}

export async function rollbackRelease(app: AppRecord, op: Operation, revision: number, kubeconfig: string): Promise<void> {
  const args = ['rollback', app.name, String(revision), '--namespace', app.namespace, '--timeout', `${timeoutSeconds(op)}s`];
  await runHelm(args, { kubeconfig, timeoutMs: (timeoutSeconds(op) + 15) * 1000 });
}

export async function uninstallRelease(app: AppRecord, op: Operation, kubeconfig: string): Promise<void> {
  try {
    await runHelm(['uninstall', app.name, '--namespace', app.namespace, '--timeout', `${timeoutSeconds(op)}s`], {
      kubeconfig,
      timeoutMs: (timeoutSeconds(op) + 15) * 1000,
    });
  } catch (error) {
    // Already gone (a retried delete, or removed by hand): the goal is reached.
    if (error instanceof Error && /not found/i.test(error.message)) return;
    throw error;
  }
}

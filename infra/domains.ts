import type { TableDefinition } from '#shared/tables.js';
import type { FunctionDef, WorkflowDef } from '#functions/tasks.js';

export type TableKey = TableDefinition['key'];

/**
 * The table each domain's store module works on, keyed by the first segment of a handler entry
 * (`kvconfig/create-app` → `kvconfig`). Grants are derived from it, so a handler can reach only its
 * own domain's table (plus the platform table read that authentication needs).
 */
export const DOMAIN_TABLES: Readonly<Record<string, TableKey>> = {
  admin: 'platform',
  health: 'platform',
  kvconfig: 'config',
  fleet: 'fleet',
  helm: 'helm',
  appstore: 'helm',
};

/** The table a handler entry's domain uses; throws for an entry outside the known domains. */
export function tableOfEntry(entry: string): TableKey {
  const domain = entry.split('/')[0] ?? '';
  const key = DOMAIN_TABLES[domain];
  if (!key) {
    throw new Error(
      `handler entry '${entry}' is in domain '${domain}', which has no table: add it to DOMAIN_TABLES in infra/domains.ts (known: ${Object.keys(DOMAIN_TABLES).join(', ')})`,
    );
  }
  return key;
}

/** Domains whose handlers talk to the Kubernetes cluster (Helm releases, app-store installs). */
const CLUSTER_DOMAINS: ReadonlySet<string> = new Set(['helm', 'appstore']);

/** Whether a function reaches the cluster: it runs helm, or its domain manages cluster workloads. */
export function usesCluster(entry: string, helm: boolean | undefined): boolean {
  return Boolean(helm) || CLUSTER_DOMAINS.has(entry.split('/')[0] ?? '');
}

/** A stable construct id for a handler entry or workflow name: `admin/list-users` → `AdminListUsers`. */
export function constructIdOf(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter((w) => w.length > 0);
  if (words.length === 0) throw new Error(`cannot derive a construct id from '${name}': it has no letters or digits`);
  return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

/** The domain of a handler entry: its first segment (`fleet/cancel-deploy` → `fleet`). */
export function domainOf(entry: string): string {
  return entry.split('/')[0] ?? '';
}

/**
 * The domain that owns each workflow: the domain of its task functions, which record what the
 * execution does in that domain's table. Only handlers (and task or event functions) of that domain
 * may start, stop or answer its state machine. A workflow whose (non-shared) tasks span domains,
 * or that has none, has no owner and is refused.
 */
export function workflowDomains(
  workflows: readonly Pick<WorkflowDef, 'name' | 'tasks'>[],
  functions: readonly Pick<FunctionDef, 'name' | 'entry'>[],
): Readonly<Record<string, string>> {
  return Object.fromEntries(
    workflows.map((workflow) => {
      // Task functions under functions/shared/ serve every domain's workflows and decide nothing.
      const domains = new Set(workflow.tasks.map((task) => domainOf(functions.find((f) => f.name === task)?.entry ?? '')).filter((d) => d !== 'shared'));
      const [domain] = domains;
      if (domains.size !== 1 || !domain) {
        throw new Error(
          `workflow ${workflow.name} must have task functions of exactly one domain, which owns it; its tasks (${workflow.tasks.join(', ') || 'none'}) are in ${[...domains].join(', ') || 'no domain'}`,
        );
      }
      return [workflow.name, domain];
    }),
  );
}

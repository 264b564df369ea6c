import { describe, expect, it } from 'vitest';
import { FUNCTIONS, WORKFLOWS } from '../../functions/tasks.js';
import { workflowDomains } from '../../infra/domains.js';

describe('workflowDomains', () => {
  it('gives fleet-operation to the fleet domain, whose tasks it runs', () => {
    expect(workflowDomains(WORKFLOWS, FUNCTIONS)['fleet-operation']).toBe('fleet');
  });

  it('gives a workflow the domain of its tasks, not counting shared ones', () => {
    const functions = [
      { name: 'Install', entry: 'helm/task-install' },
      { name: 'Record', entry: 'shared/task-record' },
    ];
    expect(workflowDomains([{ name: 'helm-install', tasks: ['Install', 'Record'] }], functions)).toEqual({ 'helm-install': 'helm' });
  });

  it('refuses a workflow whose tasks span two domains', () => {
    const functions = [
      { name: 'Install', entry: 'helm/task-install' },
      { name: 'Deploy', entry: 'fleet/task-deploy' },
    ];
    expect(() => workflowDomains([{ name: 'mixed', tasks: ['Install', 'Deploy'] }], functions)).toThrow(
      /workflow mixed must have task functions of exactly one domain.*are in helm, fleet/,
    );
  });
});

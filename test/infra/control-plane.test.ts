import { NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { FUNCTIONS, WORKFLOWS } from '../../functions/tasks.js';
import { createControlPlane } from '../../infra/control-plane.js';
import { constructIdOf, domainOf, workflowDomains } from '../../infra/domains.js';
import { HouseFunction } from '../../infra/house-function.js';
import { SKIP_BUNDLING, actionsOf, statementsOfFunction } from './support.js';

/** CloudFormation refuses a stack of more than 500 resources; this leaves room for a family or two. */
const RESOURCE_BUDGET = 400;

describe('the whole app, as infra/app.ts synthesizes it', () => {
  const { app } = createControlPlane({ context: SKIP_BUNDLING });
  const stacks = app.node.findAll().filter((c): c is Stack => Stack.isStack(c));
  const counts = Object.fromEntries(stacks.map((s) => [s.node.path, Object.keys(Template.fromStack(s).toJSON().Resources as object).length]));

  it(`keeps every stack, nested stacks included, within ${RESOURCE_BUDGET} resources`, () => {
    console.log(
      `resources per stack (CloudFormation allows 500):\n${Object.entries(counts)
        .map(([path, n]) => `  ${path.padEnd(32)} ${String(n).padStart(4)}`)
        .join('\n')}`,
    );
    expect(stacks.some((s) => NestedStack.isNestedStack(s))).toBe(true);
    expect(Object.entries(counts).filter(([, n]) => n > RESOURCE_BUDGET)).toEqual([]);
  });

  it("lets every function (handler, task or event) control only its own domain's state machines", () => {
    const owners = workflowDomains(WORKFLOWS, FUNCTIONS);
    const functions = app.node.findAll().filter((c): c is HouseFunction => c instanceof HouseFunction);
    let controlling = 0;
    for (const fn of functions) {
      const foreign = Object.keys(owners)
        .filter((w) => owners[w] !== domainOf(fn.entry))
        .map(constructIdOf);
      const states = statementsOfFunction(fn).filter((s) => actionsOf(s).some((a) => a.startsWith('states:')));
      if (states.length > 0) controlling += 1;
      for (const statement of states) {
        const resource = JSON.stringify(statement.Resource);
        expect(resource, fn.node.path).not.toBe('"*"');
        for (const id of foreign) expect(resource, `${fn.node.path} reaches ${id}`).not.toContain(id);
      }
    }
    // Some fleet handler does start the fleet workflow, so the loop above checked something.
    expect(controlling).toBeGreaterThan(0);
  });
});

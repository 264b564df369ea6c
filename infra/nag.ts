import { Stack, Validations } from 'aws-cdk-lib';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag 3 acknowledgements are exact finding ids (`AwsSolutions-IAM5[Resource::…]`); there is no
 * pattern form. These helpers compute the id of a wildcard-resource finding from the very token the
 * policy uses, resolved the way the rule resolves it, so an acknowledgement cannot drift from the
 * resource it is about.
 */

/** Acknowledges a cdk-nag finding on `scope` and everything beneath it. */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * A token for `value` (an attribute of a construct in `producer`'s stack) usable in `consumer`'s
 * stack. Across stacks this is the import of the export CDK would create anyway, so the template is
 * unchanged, but the token resolves to its final form now instead of at synthesis.
 */
export function referenceIn(consumer: IConstruct, producer: IConstruct, value: string): string {
  const from = Stack.of(producer);
  return from === Stack.of(consumer) ? value : from.exportValue(value);
}

/** The IAM5 finding id cdk-nag reports for `resource` in a policy of `scope`'s stack. */
export function wildcardResourceFinding(scope: IConstruct, resource: string): string {
  const flat = flattenCfnReference(Stack.of(scope).resolve(resource));
  if (!flat.includes('*')) throw new Error(`resource ${flat} has no wildcard, so there is no IAM5 finding to acknowledge`);
  return `AwsSolutions-IAM5[Resource::${flat}]`;
}

import { App, NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DataStack } from '../../infra/data-stack.js';
import type { RuntimeSettings } from '../../infra/function-environment.js';
import type { HouseFunction } from '../../infra/house-function.js';

/** Context that stages assets without running esbuild: template assertions do not need bundles. */
export const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] } as const;

export const RUNTIME: RuntimeSettings = { appVersion: '9.9.9', logLevel: 'INFO' };

/** An app with the real data stack, for stacks that take its tables. */
export function appWithData(): { app: App; data: DataStack } {
  const app = new App({ context: SKIP_BUNDLING });
  return { app, data: new DataStack(app, 'Data') };
}

export type Resource = { Type: string; Properties?: Record<string, unknown>; [key: string]: unknown };

/** The template's resources of one type, by logical id. */
export function resourcesOf(stack: Stack, type: string): Record<string, Resource> {
  return Template.fromStack(stack).findResources(type) as Record<string, Resource>;
}

/**
 * Every AwsSolutions finding nobody acknowledged, as `severity rule at path`. Synthesizes first, as
 * the CDK does before it runs validation plugins, so cross-stack references are in their final form.
 * (cdk-nag 3 reports through CDK's policy validation, not as annotations, so
 * `Annotations.findError` would see nothing.)
 */
export function unacknowledgedFindings(app: App): string[] {
  try {
    app.synth();
  } catch (error) {
    // The registered nag plugin fails synthesis on findings, which are listed below; anything else is a real failure.
    if (!(error instanceof Error && error.message.includes('AwsSolutions-'))) throw error;
  }
  const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(app);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath}: ${v.description}`));
}

/** The statements of all IAM policies attached to a role, in the template. */
export function statementsOfRole(stack: Stack, roleLogicalId: string): { Action: string | string[]; Resource: unknown }[] {
  return Object.values(resourcesOf(stack, 'AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties?.Roles).includes(`"${roleLogicalId}"`))
    .flatMap((p) => (p.Properties?.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement);
}

/** The logical id of a construct's CloudFormation resource. */
export function logicalIdOf(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as never);
}

/** `stack` and the nested stacks beneath it. */
export function withNested(stack: Stack): Stack[] {
  return [stack, ...stack.node.findAll().filter((c): c is NestedStack => NestedStack.isNestedStack(c))];
}

/** The resources of one type in `stack` and its nested stacks, by logical id. */
export function resourcesWithNested(stack: Stack, type: string): Record<string, Resource> {
  return Object.assign({}, ...withNested(stack).map((s) => resourcesOf(s, type))) as Record<string, Resource>;
}

/** The policy statements of a function's role, read from the template of the stack that holds it. */
export function statementsOfFunction(fn: HouseFunction): { Action: string | string[]; Resource: unknown }[] {
  const stack = Stack.of(fn);
  return statementsOfRole(stack, logicalIdOf(stack, fn.role));
}

/** The CloudFormation properties of a function's Lambda function resource. */
export function lambdaPropertiesOf(fn: HouseFunction): Record<string, unknown> {
  const stack = Stack.of(fn);
  return resourcesOf(stack, 'AWS::Lambda::Function')[logicalIdOf(stack, fn.function)]?.Properties ?? {};
}

/** DynamoDB actions that change data. */
export const DYNAMODB_WRITES = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:TransactWriteItems',
] as const;

export const actionsOf = (statement: { Action: string | string[] }): string[] => [statement.Action].flat();

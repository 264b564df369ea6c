import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { RouteGrant } from '#shared/route.js';
import { CLUSTER_SECRETS_PATH, DEFAULT_SECRETS_PREFIX, REPO_SECRETS_PATH } from '#shared/secret-names.js';
import type { EksAccessMode, RuntimeSettings } from './function-environment.js';
import { DEPLOYMENT_TAG, logGroupPrefixOf } from './function-environment.js';
import type { HouseFunction, NamedStateMachine } from './house-function.js';
import { acknowledge, referenceIn, wildcardResourceFinding } from './nag.js';

/**
 * The permissions beyond a function's own table: its secrets, its cluster, the deployment's logs
 * and functions, its domain's state machines. Each is scoped to the narrowest resource the service
 * accepts; where that has a wildcard, the cdk-nag acknowledgement says why.
 */

/** The Kubernetes group writers are put in, for the RBAC the `scoped` access mode leaves to the cluster owner. */
export const HELM_WRITERS_GROUP = 'control-plane-helm-writers';

const accessPolicyArn = (scope: HouseFunction, name: string) => `arn:${Stack.of(scope).partition}:eks::aws:cluster-access-policy/${name}`;

/**
 * An EKS access entry for the function's role in `clusterName`: `view` reads everything
 * (AmazonEKSAdminViewPolicy: nodes, metrics, pods, and the Secrets that hold Helm releases); `edit`
 * manages every namespaced resource (AmazonEKSAdminPolicy) and is in the writers' group, or is
 * cluster admin in `cluster-admin` mode (see `EksAccessMode`). Plus DescribeCluster on that cluster.
 */
export function grantKubernetesAccess(fn: HouseFunction, clusterName: string, level: 'view' | 'edit', mode: EksAccessMode = 'scoped'): void {
  fn.grantClusterDescribe(clusterName);
  const policy = level === 'view' ? 'AmazonEKSAdminViewPolicy' : mode === 'cluster-admin' ? 'AmazonEKSClusterAdminPolicy' : 'AmazonEKSAdminPolicy';
  new eks.CfnAccessEntry(fn, 'ClusterAccess', {
    clusterName,
    principalArn: fn.role.roleArn,
    type: 'STANDARD',
    ...(level === 'edit' && mode === 'scoped' ? { kubernetesGroups: [HELM_WRITERS_GROUP] } : {}),
    accessPolicies: [{ policyArn: accessPolicyArn(fn, policy), accessScope: { type: 'cluster' } }],
  });
}

/** Secrets under `<prefix><path>`: read (GetSecretValue) or read and write (create, replace, delete). */
export function grantSecrets(fn: HouseFunction, path: string, access: 'read' | 'read-write'): void {
  const arn = Stack.of(fn).formatArn({
    service: 'secretsmanager',
    resource: 'secret',
    resourceName: `${DEFAULT_SECRETS_PREFIX}${path}*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  const actions = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'];
  if (access === 'read-write') actions.push('secretsmanager:CreateSecret', 'secretsmanager:PutSecretValue', 'secretsmanager:DeleteSecret');
  fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [arn] }));
  acknowledge(
    fn,
    wildcardResourceFinding(fn, arn),
    `Secrets named under ${DEFAULT_SECRETS_PREFIX}${path} only: their names are made at run time (one per registered cluster and upload, one per repository), and Secrets Manager appends a random suffix to every ARN.`,
  );
}

/** CloudWatch Logs Insights over the deployment's function log groups (`/control-plane/<deployment>/…`). */
export function grantLogsQuery(fn: HouseFunction, runtime: RuntimeSettings): void {
  const prefix = logGroupPrefixOf(runtime);
  if (!prefix) return;
  const stack = Stack.of(fn);
  const groups = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `${prefix}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  const anyGroup = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:StartQuery'], resources: [groups] }));
  fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:DescribeLogGroups'], resources: [anyGroup] }));
  fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:GetQueryResults', 'logs:StopQuery'], resources: ['*'] }));
  acknowledge(fn, wildcardResourceFinding(fn, groups), "The deployment's function log groups: one per function, all named under this prefix.");
  acknowledge(
    fn,
    wildcardResourceFinding(fn, anyGroup),
    'DescribeLogGroups is authorized on log-group:* whatever prefix it is asked for; it returns names, not log data (StartQuery, which reads data, is scoped to the prefix).',
  );
}

/**
 * List functions (no resource-level permission exists) and update the configuration of the
 * deployment's own functions only: those tagged `control-plane:deployment=<deployment>`.
 */
export function grantFunctionsRestart(fn: HouseFunction, runtime: RuntimeSettings): void {
  if (!runtime.deploymentName) return;
  const functions = Stack.of(fn).formatArn({ service: 'lambda', resource: 'function', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['lambda:ListFunctions'], resources: ['*'] }));
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['lambda:UpdateFunctionConfiguration'],
      resources: [functions],
      conditions: { StringEquals: { [`aws:ResourceTag/${DEPLOYMENT_TAG}`]: runtime.deploymentName } },
    }),
  );
  acknowledge(
    fn,
    wildcardResourceFinding(fn, functions),
    `Only functions tagged ${DEPLOYMENT_TAG}=${runtime.deploymentName} (the condition): the deployment's functions have generated names in several stacks.`,
  );
}

/** ListExecutions on the domain's own state machines (the health route asks whether Step Functions answers). */
export function grantWorkflowStatus(fn: HouseFunction, machine: NamedStateMachine): void {
  fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['states:ListExecutions'], resources: [referenceIn(fn, machine, machine.stateMachineArn)] }));
}

/** Applies a route's extra grants (`Route.grants`). */
export function grantRouteNeeds(
  fn: HouseFunction,
  grants: readonly RouteGrant[],
  runtime: RuntimeSettings,
  ownMachines: Readonly<Record<string, NamedStateMachine>>,
): void {
  for (const grant of grants) {
    if (grant === 'cluster-secrets-write') grantSecrets(fn, CLUSTER_SECRETS_PATH, 'read-write');
    else if (grant === 'repo-secrets-write') grantSecrets(fn, REPO_SECRETS_PATH, 'read-write');
    else if (grant === 'logs-read') grantLogsQuery(fn, runtime);
    else if (grant === 'functions-restart') grantFunctionsRestart(fn, runtime);
    else for (const machine of Object.values(ownMachines)) grantWorkflowStatus(fn, machine);
  }
}

/**
 * What every function that reaches a cluster needs: the kubeconfigs of registered clusters and the
 * repositories' credentials (read; helm pulls charts with them), and, with an EKS cluster
 * configured, its access entry and DescribeCluster.
 */
export function grantClusterUse(fn: HouseFunction, runtime: RuntimeSettings, level: 'view' | 'edit'): void {
  grantSecrets(fn, CLUSTER_SECRETS_PATH, 'read');
  grantSecrets(fn, REPO_SECRETS_PATH, 'read');
  if (runtime.eksClusterName) grantKubernetesAccess(fn, runtime.eksClusterName, level, runtime.eksAccess);
}

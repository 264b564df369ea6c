import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { createControlPlane } from '../../infra/control-plane.js';
import { grantKubernetesAccess } from '../../infra/function-grants.js';
import { HouseFunction } from '../../infra/house-function.js';
import { SKIP_BUNDLING, actionsOf, lambdaPropertiesOf, resourcesOf, statementsOfFunction, unacknowledgedFindings } from './support.js';

type AccessEntry = {
  Properties: { PrincipalArn: unknown; KubernetesGroups?: string[]; AccessPolicies: { PolicyArn: unknown; AccessScope: { Type: string } }[] };
};

/** The access entry of a function's role, from the template of the stack that holds it. */
function accessEntryOf(fn: HouseFunction): AccessEntry | undefined {
  const stack = Stack.of(fn);
  const roleId = stack.getLogicalId(fn.role.node.defaultChild as never);
  return Object.values(resourcesOf(stack, 'AWS::EKS::AccessEntry')).find((r) => JSON.stringify(r.Properties?.PrincipalArn).includes(roleId)) as
    AccessEntry | undefined;
}
const policyOf = (entry: AccessEntry | undefined) => JSON.stringify(entry?.Properties.AccessPolicies.map((p) => p.PolicyArn));

describe('the Helm API in AWS, with an EKS cluster', () => {
  const { app, api, workflows } = createControlPlane({ context: { ...SKIP_BUNDLING, eksClusterName: 'prod' } });
  const route = (entry: string) => api.functions[entry] as HouseFunction;
  const task = (name: string) => workflows?.functions[name] as HouseFunction;
  const statements = (fn: HouseFunction) => statementsOfFunction(fn);
  const allowed = (fn: HouseFunction, action: string) => statements(fn).filter((s) => actionsOf(s).includes(action));
  const functions = app.node.findAll().filter((c): c is HouseFunction => c instanceof HouseFunction);

  it('stays clean under cdk-nag with the access entries and the new grants', () => {
    expect(unacknowledgedFindings(app)).toEqual([]);
  }, 180_000);

  it('gives readers of the cluster a view entry and writers an edit entry in the writers group', () => {
    const reader = accessEntryOf(route('helm/monitor-system'));
    expect(policyOf(reader)).toContain('cluster-access-policy/AmazonEKSAdminViewPolicy');
    expect(reader?.Properties.AccessPolicies[0]?.AccessScope.Type).toBe('cluster');
    expect(reader?.Properties.KubernetesGroups).toBeUndefined();
    for (const writer of [task('RunHelmOperation'), task('BeginHelmOperation')]) {
      const entry = accessEntryOf(writer);
      expect(policyOf(entry)).toContain('cluster-access-policy/AmazonEKSAdminPolicy');
      expect(entry?.Properties.KubernetesGroups).toEqual(['control-plane-helm-writers']);
      expect(JSON.stringify(allowed(writer, 'eks:DescribeCluster'))).toContain(':cluster/prod');
    }
    // Functions that never reach the cluster have no entry at all.
    expect(accessEntryOf(route('admin/list-users'))).toBeUndefined();
    expect(accessEntryOf(route('admin/update-config'))).toBeUndefined();
  });

  it("lets cluster functions read registered clusters' kubeconfigs and repository credentials; only /admin/config and the repository routes write them", () => {
    const clusterSecrets = /secret:control-plane\/clusters\/\*/;
    for (const fn of [route('helm/monitor-system'), task('RunHelmOperation')]) {
      expect(JSON.stringify(allowed(fn, 'secretsmanager:GetSecretValue'))).toMatch(clusterSecrets);
      expect(allowed(fn, 'secretsmanager:PutSecretValue')).toEqual([]);
    }
    for (const action of ['secretsmanager:CreateSecret', 'secretsmanager:PutSecretValue', 'secretsmanager:DeleteSecret'])
      expect(JSON.stringify(allowed(route('admin/update-config'), action))).toMatch(clusterSecrets);
    const writersOf = (path: RegExp) => functions.filter((fn) => path.test(JSON.stringify(allowed(fn, 'secretsmanager:PutSecretValue')))).map((fn) => fn.entry);
    expect(writersOf(clusterSecrets)).toEqual(['admin/update-config']);
    // Repositories' credentials: read by whatever pulls charts, written by the repository routes only.
    expect(writersOf(/secret:control-plane\/repos\/\*/).sort()).toEqual(['helm/add-repo', 'helm/delete-repo', 'helm/update-repo']);
    expect(JSON.stringify(allowed(task('RunHelmOperation'), 'secretsmanager:GetSecretValue'))).toMatch(/secret:control-plane\/repos\/\*/);
    // The Helm tasks read the settings item (registered clusters, poll interval).
    expect(allowed(task('RunHelmOperation'), 'dynamodb:GetItem').length).toBeGreaterThan(0);
  });

  it("lets the logs route query only the deployment's log groups, which are all named under its prefix", () => {
    const logs = route('admin/system-logs');
    expect(JSON.stringify(allowed(logs, 'logs:StartQuery'))).toContain('log-group:/control-plane/ControlPlane/*');
    expect(functions.filter((fn) => allowed(fn, 'logs:StartQuery').length > 0).map((fn) => fn.entry)).toEqual(['admin/system-logs']);
    const names = functions.map((fn) =>
      String(resourcesOf(Stack.of(fn), 'AWS::Logs::LogGroup')[Stack.of(fn).getLogicalId(fn.logGroup.node.defaultChild as never)]?.Properties?.LogGroupName),
    );
    expect(names.every((n) => n.startsWith('/control-plane/ControlPlane/'))).toBe(true);
    expect(new Set(names).size).toBe(names.length);
    expect((lambdaPropertiesOf(logs).Environment as { Variables: Record<string, unknown> }).Variables.LOG_GROUP_PREFIX).toBe('/control-plane/ControlPlane/');
  });

  it("lets the restart route update only functions tagged with the deployment's name, which every function carries", () => {
    const [update] = allowed(route('admin/system-restart'), 'lambda:UpdateFunctionConfiguration') as { Condition?: unknown }[];
    expect(update?.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/control-plane:deployment': 'ControlPlane' } });
    for (const fn of functions) {
      const props = lambdaPropertiesOf(fn);
      expect((props.Environment as { Variables: Record<string, unknown> }).Variables.DEPLOYMENT_NAME, fn.entry).toBe('ControlPlane');
      expect(props.Tags, fn.entry).toContainEqual({ Key: 'control-plane:deployment', Value: 'ControlPlane' });
    }
    expect(functions.filter((fn) => allowed(fn, 'lambda:UpdateFunctionConfiguration').length > 0).map((fn) => fn.entry)).toEqual(['admin/system-restart']);
  });

  it('lets the health route list executions of the Helm state machine, and nothing more of Step Functions', () => {
    const health = route('helm/monitor-health');
    const states = statements(health).filter((s) => actionsOf(s).some((a) => a.startsWith('states:')));
    expect(states.flatMap(actionsOf)).toEqual(['states:ListExecutions']);
  });
});

describe('EKS access in cluster-admin mode', () => {
  it('makes writers cluster admins, without the writers group', () => {
    const stack = new Stack(new App({ context: SKIP_BUNDLING }), 'Admin');
    const fn = new HouseFunction(stack, 'Fn', { entry: 'admin/system-info', environment: {}, helm: true });
    grantKubernetesAccess(fn, 'prod', 'edit', 'cluster-admin');
    const entry = accessEntryOf(fn);
    expect(policyOf(entry)).toContain('cluster-access-policy/AmazonEKSClusterAdminPolicy');
    expect(entry?.Properties.KubernetesGroups).toBeUndefined();
  });
});

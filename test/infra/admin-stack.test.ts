import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { AdminStack, seedFilesHash } from '../../infra/admin-stack.js';
import { RUNTIME, appWithData, logicalIdOf, statementsOfRole } from './support.js';

describe('AdminStack', () => {
  const { app, data } = appWithData();
  const stack = new AdminStack(app, 'Admin', { tables: data.tables, runtime: RUNTIME });
  const template = Template.fromStack(stack);
  const functionId = logicalIdOf(stack, stack.node.findChild('BootstrapAdmin').node.findChild('Function'));
  const secretId = logicalIdOf(stack, stack.adminToken);

  it('generates the admin token in a retained secret', () => {
    template.hasResource('AWS::SecretsManager::Secret', {
      Properties: { GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false } },
      DeletionPolicy: 'Retain',
    });
  });

  it('runs the bootstrap function as a custom resource given the secret ARN', () => {
    template.hasResourceProperties('Custom::BootstrapAdmin', {
      ServiceToken: { 'Fn::GetAtt': [functionId, 'Arn'] },
      SecretArn: { Ref: secretId },
      ServiceTimeout: '300',
    });
  });

  it('bundles the bootstrap handler with the house function settings', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Timeout: 60,
    });
  });

  it('lets the function read the secret and write the platform table, nothing else', () => {
    const roleId = logicalIdOf(stack, stack.node.findChild('BootstrapAdmin').node.findChild('Role'));
    const granted = JSON.stringify(statementsOfRole(stack, roleId));
    expect(granted).toContain('secretsmanager:GetSecretValue');
    expect(granted).toContain(secretId);
    expect(granted).toContain('PlatformTable');
    for (const other of ['ConfigTable', 'ReleasesTable', 'HelmTable']) expect(granted).not.toContain(other);
  });

  it('outputs where the operator finds the token', () => {
    template.hasOutput('AdminTokenSecretArn', { Value: { Ref: secretId } });
  });

  it('seeds the app store catalog by a custom resource whose properties change with the seed files', () => {
    const seedId = logicalIdOf(stack, stack.node.findChild('SeedAppCatalog').node.findChild('Function'));
    template.hasResourceProperties('Custom::SeedAppCatalog', {
      ServiceToken: { 'Fn::GetAtt': [seedId, 'Arn'] },
      SeedFilesHash: seedFilesHash(),
      ServiceTimeout: '300',
    });
    expect(seedFilesHash()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('lets the seeding function write the helm table, nothing else', () => {
    const roleId = logicalIdOf(stack, stack.node.findChild('SeedAppCatalog').node.findChild('Role'));
    const granted = JSON.stringify(statementsOfRole(stack, roleId));
    expect(granted).toContain('HelmTable');
    for (const other of ['PlatformTable', 'ConfigTable', 'ReleasesTable', 'secretsmanager']) expect(granted).not.toContain(other);
  });
});

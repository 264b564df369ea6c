import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { HouseFunction } from '../../infra/house-function.js';
import { resourcesOf } from './support.js';

describe('HouseFunction', () => {
  it('really bundles its handler: one minified ESM file with the createRequire banner and a source map, loadable by Node', async () => {
    // No bundling-skip context here: this is the test that runs esbuild.
    const app = new App();
    const stack = new Stack(app, 'Bundled');
    const fn = new HouseFunction(stack, 'ListUsers', { entry: 'admin/list-users', environment: {} });
    const assembly = app.synth();
    const [props] = Object.values(resourcesOf(stack, 'AWS::Lambda::Function')).map((r) => r.Properties ?? {});
    expect(props).toMatchObject({ Runtime: 'nodejs24.x', Handler: 'index.handler', Architectures: ['arm64'] });

    const asset = (fn.function.node.findChild('Code') as unknown as { assetPath: string }).assetPath;
    const dir = join(assembly.directory, asset);
    const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
    expect(code.startsWith("import { createRequire as __houseCreateRequire } from 'node:module';")).toBe(true);
    expect(code).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
    expect(existsSync(join(dir, 'index.mjs.map'))).toBe(true);
    // The SDK is bundled, not left to the runtime: no bare @aws-sdk import remains.
    expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
    expect(statSync(join(dir, 'index.mjs')).size).toBeGreaterThan(100_000);
    // Loads as ESM with its CommonJS dependencies (the banner's require) and exports the handler.
    const bundle = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as { handler?: unknown };
    expect(typeof bundle.handler).toBe('function');
  });

  it('runs helm functions on x86_64 with one shared kubectl layer per stack', () => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Helm');
    new HouseFunction(stack, 'One', { entry: 'admin/system-info', environment: {}, helm: true });
    new HouseFunction(stack, 'Two', { entry: 'admin/system-info', environment: {}, helm: true });
    const functions = Object.values(resourcesOf(stack, 'AWS::Lambda::Function'));
    for (const fn of functions)
      expect(fn.Properties).toMatchObject({ Architectures: ['x86_64'], Layers: [{ Ref: expect.stringMatching(/^KubectlV33Layer/) }] });
    expect(Object.keys(resourcesOf(stack, 'AWS::Lambda::LayerVersion'))).toHaveLength(1);
  });

  it('gives the function its own role with no managed policy', () => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Role');
    new HouseFunction(stack, 'Fn', { entry: 'health/health', environment: {} });
    const [role] = Object.values(resourcesOf(stack, 'AWS::IAM::Role'));
    expect(role?.Properties?.ManagedPolicyArns).toBeUndefined();
  });

  it('refuses an entry that is not a plain path under functions/', () => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Bad');
    expect(() => new HouseFunction(stack, 'Up', { entry: '../infra/app', environment: {} })).toThrow(
      /handler entry '..\/infra\/app' must be a path under functions\//,
    );
  });
});

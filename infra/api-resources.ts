import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type { Construct } from 'constructs';
import type { Route } from '#shared/route.js';
import { constructIdOf, domainOf } from './domains.js';

/** `/a/b/{c}` → `['/a', '/a/b', '/a/b/{c}']`: the resource path and every one above it. */
export function pathsOf(path: string): string[] {
  return path
    .split('/')
    .slice(1)
    .map((_, i, parts) => `/${parts.slice(0, i + 1).join('/')}`);
}

const parentOf = (path: string) => path.slice(0, path.lastIndexOf('/')) || '/';

/**
 * The API's resource tree, split across stacks: a resource that only one domain's routes use lives
 * in that domain's nested stack (beside its methods), a resource several domains share (`/api`,
 * `/v1` once two families hang from it) lives in the API stack itself. API Gateway refuses two
 * resources with the same path, so each path is created exactly once, in one stack; a domain
 * stack hangs its own resources from a shared one by importing it (`Resource.fromResourceAttributes`).
 */
export class ApiResourceTree {
  /** Every resource path the routes need, parents before children. */
  readonly paths: readonly string[];
  private readonly owners = new Map<string, string | undefined>();
  private readonly scopes = new Map<string, Construct>();
  private readonly resources = new Map<string, apigateway.IResource>();
  private readonly imports = new Map<string, apigateway.IResource>();

  constructor(
    private readonly api: apigateway.RestApi,
    routes: readonly Route[],
  ) {
    const domains = new Map<string, Set<string>>();
    for (const route of routes) for (const path of pathsOf(route.path)) domains.set(path, (domains.get(path) ?? new Set()).add(domainOf(route.entry)));
    for (const [path, users] of domains) this.owners.set(path, users.size === 1 ? [...users][0] : undefined);
    this.paths = [...domains.keys()].sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
  }

  /** The domain whose stack holds `path`, or undefined for the API stack (shared, or the root). */
  ownerOf(path: string): string | undefined {
    return this.owners.get(path);
  }

  /** Declares the (nested) stack that holds `domain`'s resources and methods. */
  register(domain: string, scope: Construct): void {
    this.scopes.set(domain, scope);
  }

  /** The resource at `path`, created on first use in its owner's stack. */
  resource(path: string): apigateway.IResource {
    if (path === '/') return this.api.root;
    const existing = this.resources.get(path);
    if (existing) return existing;
    if (!this.owners.has(path)) throw new Error(`no route uses the resource ${path}`);
    const owner = this.ownerOf(path);
    const parent = parentOf(path);
    const base = owner === undefined || this.ownerOf(parent) === owner ? this.resource(parent) : this.imported(owner, parent);
    const created = base.addResource(path.slice(parent.length + (parent === '/' ? 0 : 1)));
    this.resources.set(path, created);
    return created;
  }

  /** A resource of the API stack as seen from `owner`'s nested stack (its id becomes a parameter). */
  private imported(owner: string, path: string): apigateway.IResource {
    const key = `${owner} ${path}`;
    const existing = this.imports.get(key);
    if (existing) return existing;
    const scope = this.scopes.get(owner);
    if (!scope) throw new Error(`domain ${owner} has no stack registered for its resources`);
    const parent = this.resource(path);
    const imported = apigateway.Resource.fromResourceAttributes(scope, `Parent${path === '/' ? 'Root' : constructIdOf(path)}`, {
      restApi: this.api,
      resourceId: parent.resourceId,
      path,
    });
    this.imports.set(key, imported);
    return imported;
  }
}

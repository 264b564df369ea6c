import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/routes.js';
import { FUNCTIONS } from '../../functions/tasks.js';

/**
 * Import direction inside functions/: handler → service → store. eslint already keeps local/, infra/
 * and test/ out of functions/ (eslint.config.js); this reads the import graph for the layers.
 */

const FUNCTIONS_DIR = resolve(new URL('../../functions/', import.meta.url).pathname);

/** Module ids are paths under functions/ without extension: `fleet/store/commands`. */
function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return modules(path);
    return entry.name.endsWith('.ts') ? [relative(FUNCTIONS_DIR, path).replace(/\.ts$/, '')] : [];
  });
}

/** Static `import … from '…'`, `export … from '…'`, side-effect `import '…'` and dynamic `import('…')`. */
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?\sfrom\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;

/** The functions/ module an import specifier names, or undefined for packages and node: built-ins. */
function target(from: string, specifier: string): string | undefined {
  let path: string;
  if (specifier.startsWith('#shared/')) path = `shared/${specifier.slice('#shared/'.length)}`;
  else if (specifier.startsWith('#functions/')) path = specifier.slice('#functions/'.length);
  else if (specifier.startsWith('.')) path = relative(FUNCTIONS_DIR, resolve(FUNCTIONS_DIR, dirname(from), specifier));
  else return undefined;
  // Outside functions/ (docs/openapi.json): not a layer of its own; eslint rules what may be read there.
  // Data files (the app store's seed catalog, .json) are bundled data, not a layer.
  if (path.startsWith('..') || path.endsWith('.json')) return undefined;
  return path.replace(/\.(js|ts)$/, '');
}

type Edge = Readonly<{ from: string; to: string }>;

function importEdges(): Edge[] {
  return modules(FUNCTIONS_DIR).flatMap((from) => {
    // Comments may mention imports; only code counts.
    const source = readFileSync(join(FUNCTIONS_DIR, `${from}.ts`), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
    return [...source.matchAll(IMPORT)].flatMap((m) => {
      const to = target(from, m[1] ?? m[2] ?? m[3] ?? '');
      return to ? [{ from, to }] : [];
    });
  });
}

const HANDLERS: ReadonlySet<string> = new Set([...ROUTES.map((r) => r.entry), ...FUNCTIONS.map((f) => f.entry)]);
const isHandler = (id: string) => HANDLERS.has(id);
const isService = (id: string) => /(^|\/)[^/]*-service$/.test(id);
const isStore = (id: string) => /^[^/]+\/store\//.test(id) || /^[^/]+\/[^/]*-store$/.test(id);
const show = (edges: readonly Edge[]) => edges.map((e) => `${e.from} → ${e.to}`);

describe('the import graph of functions/', () => {
  const edges = importEdges();

  it('is read from the sources (handlers import services, services import stores)', () => {
    // Guards the parser: if it found nothing, every rule below would pass vacuously.
    expect(edges.some((e) => isHandler(e.from) && isService(e.to))).toBe(true);
    expect(edges.some((e) => isService(e.from) && isStore(e.to))).toBe(true);
    const known = new Set(modules(FUNCTIONS_DIR));
    expect(
      edges.filter((e) => !known.has(e.to)).map((e) => `${e.from} → ${e.to}`),
      'imports of no module under functions/',
    ).toEqual([]);
  });

  it('has no module importing a handler module (a route or function entry)', () => {
    expect(show(edges.filter((e) => isHandler(e.to))), 'imports of handler modules').toEqual([]);
  });

  it('has no service importing a handler module', () => {
    expect(show(edges.filter((e) => isService(e.from) && isHandler(e.to))), 'service → handler').toEqual([]);
  });

  it('has no store importing a service or a handler module', () => {
    expect(show(edges.filter((e) => isStore(e.from) && (isService(e.to) || isHandler(e.to)))), 'store → service or handler').toEqual([]);
  });
});

import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import * as z from 'zod';
import type { AgentOptions } from './agent.js';
import { AgentOptionsError } from './errors.js';
import { LogLevels } from './logger.js';
import { VersionSchema } from './protocol.js';

/** Each flag and the environment variable that supplies it when the flag is absent. */
export const FLAG_ENV = {
  api: 'AGENT_API',
  token: 'AGENT_TOKEN',
  service: 'AGENT_SERVICE',
  instance: 'AGENT_INSTANCE',
  dir: 'AGENT_DIR',
  host: 'AGENT_HOST',
  port: 'AGENT_PORT',
  version: 'AGENT_VERSION',
  metadata: 'AGENT_METADATA',
  ca: 'AGENT_CA_FILE',
  'log-level': 'AGENT_LOG_LEVEL',
} as const;
type Flag = keyof typeof FLAG_ENV;

export const USAGE = `Usage: npm run agent -- --api <url> --token <token> --service <name> --instance <id> --dir <folder>
         [--host <h>] [--port <n>] [--version <current version>] [--metadata k=v,k2=v2] [--ca <pem file>] [--log-level debug|info|warn|error]
Every flag may come from the environment instead: ${Object.values(FLAG_ENV).join(', ')}.`;

/** Zod's default for a missing value reads "expected string, received undefined". */
const required = { error: (issue: { input?: unknown }) => (issue.input === undefined ? 'required' : undefined) };

// The API's own limits, checked here so a typo fails at start instead of as an endless 400 on register.
const ServiceSchema = z
  .string(required)
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits and . _ - only');
const InstanceSchema = z
  .string(required)
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and . _ : - only');
const METADATA_LIMITS = { entries: 32, keyLength: 64, valueLength: 256 } as const;

const CliSchema = z.object({
  api: z.url({ protocol: /^https?$/, ...required }),
  token: z.string(required).min(1),
  service: ServiceSchema.refine((name) => name !== '.' && name !== '..', 'must not be . or ..'),
  instance: InstanceSchema,
  dir: z.string(required).min(1),
  host: z.string().min(1).max(255).optional(),
  port: z.coerce.number().int().min(0).max(65_535).optional(),
  version: VersionSchema.optional(),
  metadata: z
    .string()
    .optional()
    .transform((text, context) => parseMetadata(text ?? '', context)),
  ca: z.string().min(1).optional(),
  'log-level': z.enum(Object.keys(LogLevels) as [keyof typeof LogLevels]).optional(),
});

/**
 * Reads the agent's options from flags, falling back to environment variables, validates them, and
 * loads the CA file. Throws `AgentOptionsError` naming every problem.
 */
export async function parseAgentOptions(argv: string[], env: NodeJS.ProcessEnv): Promise<AgentOptions> {
  let values: Record<string, string | boolean | undefined>;
  try {
    const flags = Object.fromEntries(Object.keys(FLAG_ENV).map((flag) => [flag, { type: 'string' as const }]));
    values = parseArgs({ args: argv, options: flags, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new AgentOptionsError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  const merged = Object.fromEntries(
    Object.entries(FLAG_ENV).map(([flag, variable]) => {
      const value = values[flag];
      return [flag, (typeof value === 'string' ? nonEmpty(value) : undefined) ?? nonEmpty(env[variable])];
    }),
  );
  const parsed = CliSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const flag = String(issue.path[0]);
      return `--${flag} (or ${flag in FLAG_ENV ? FLAG_ENV[flag as Flag] : '?'}): ${issue.message}`;
    });
    throw new AgentOptionsError(`${problems.join('\n')}\n${USAGE}`);
  }
  const cli = parsed.data;
  return {
    api: cli.api,
    token: cli.token,
    service: cli.service,
    instanceId: cli.instance,
    dir: cli.dir,
    host: cli.host,
    port: cli.port,
    version: cli.version,
    metadata: cli.metadata,
    caPem: cli.ca === undefined ? undefined : await readCa(cli.ca),
    logLevel: cli['log-level'],
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** `region=us-west-1,zone=us-west-1a` → `{ region: 'us-west-1', zone: 'us-west-1a' }`. */
function parseMetadata(text: string, context: z.RefinementCtx): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const pair of text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const equals = pair.indexOf('=');
    if (equals <= 0) {
      context.addIssue({ code: 'custom', message: `expected key=value pairs separated by commas, got ${JSON.stringify(pair)}` });
      continue;
    }
    const key = pair.slice(0, equals).trim();
    const value = pair.slice(equals + 1).trim();
    if (key.length > METADATA_LIMITS.keyLength || value.length > METADATA_LIMITS.valueLength) {
      context.addIssue({
        code: 'custom',
        message: `keys are at most ${METADATA_LIMITS.keyLength} characters and values at most ${METADATA_LIMITS.valueLength}: ${JSON.stringify(pair.slice(0, 80))}`,
      });
    }
    metadata[key] = value;
  }
  if (Object.keys(metadata).length > METADATA_LIMITS.entries) context.addIssue({ code: 'custom', message: `at most ${METADATA_LIMITS.entries} entries` });
  return metadata;
}

async function readCa(file: string): Promise<string> {
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (error) {
    throw new AgentOptionsError(`--ca (or AGENT_CA_FILE): cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new AgentOptionsError(`--ca (or AGENT_CA_FILE): ${file} holds no PEM certificate`);
  return pem;
}

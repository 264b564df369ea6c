import * as z from 'zod';
import { parse as parseYaml } from 'yaml';
import { intParam, multiLine, singleLine } from '#shared/validation.js';

/** Request and answer schemas of the Helm application API (helm-proxy.md §2–3). */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A release name: helm's limit is 53 characters (it appends suffixes for its own objects). */
export const AppNameSchema = singleLine(z.string().min(1, 'must not be empty').max(53, 'must be at most 53 characters')).refine(
  (v) => DNS_LABEL.test(v),
  'must be lowercase letters, digits and "-", starting and ending with a letter or digit (a Helm release name)',
);
export const NamespaceSchema = singleLine(z.string().min(1, 'must not be empty').max(63, 'must be at most 63 characters')).refine(
  (v) => DNS_LABEL.test(v),
  'must be lowercase letters, digits and "-", starting and ending with a letter or digit (a Kubernetes namespace)',
);
const ID_PART = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
/** `projectId` or `clusterId:projectId`. */
export const ProjectIdSchema = singleLine(z.string().min(1, 'must not be empty').max(127, 'must be at most 127 characters')).refine(
  (v) => v.split(':').length <= 2 && v.split(':').every((part) => ID_PART.test(part)),
  'must be "projectId" or "clusterId:projectId" (letters, digits, ".", "_", "-")',
);

const AnswerKeySchema = z.string().regex(/^[A-Za-z0-9_.[\]-]{1,256}$/, 'answer keys are dotted value paths: letters, digits, "_", "-", ".", "[", "]"');
/** Rancher sends answers as strings; numbers and booleans are taken and kept as text; null removes one on upgrade. */
const AnswerValueSchema = z.union([z.string().max(65_536), z.number(), z.boolean()]).transform((v) => String(v));
export const AnswersSchema = z.record(AnswerKeySchema, AnswerValueSchema).refine((a) => Object.keys(a).length <= 500, 'at most 500 answers');
export const AnswersPatchSchema = z.record(AnswerKeySchema, AnswerValueSchema.nullable()).refine((a) => Object.keys(a).length <= 500, 'at most 500 answers');

export const ValuesYamlSchema = multiLine(z.string().max(262_144, 'must be at most 256 KiB')).refine((text) => {
  if (text.trim() === '') return true;
  try {
    const parsed: unknown = parseYaml(text);
    return parsed === null || (typeof parsed === 'object' && !Array.isArray(parsed));
  } catch {
    return false;
  }
}, 'must be a YAML mapping of chart values');

export const ValuesSchema = z.record(z.string(), z.unknown()).refine((v) => JSON.stringify(v).length <= 262_144, 'must be at most 256 KiB as JSON');

/** `catalog://?catalog=<repo>&template=<chart>&version=<version>`. */
export const ExternalIdSchema = singleLine(z.string().max(1024))
  .transform((value, ctx) => {
    const match = /^catalog:\/\/\?(.*)$/.exec(value);
    const params = new URLSearchParams(match?.[1] ?? '');
    const repo = params.get('catalog') ?? '';
    const chart = params.get('template') ?? '';
    const version = params.get('version') ?? '';
    if (!match || !repo || !chart || !version) {
      ctx.addIssue({ code: 'custom', message: 'must be catalog://?catalog=<repository>&template=<chart>&version=<version>' });
      return z.NEVER;
    }
    return { repo, chart, version };
  })
  .refine((e) => /^[A-Za-z0-9._-]+$/.test(e.repo) && /^[A-Za-z0-9._-]+$/.test(e.chart) && /^[A-Za-z0-9.+_-]+$/.test(e.version), {
    message: 'catalog, template and version may contain only letters, digits, ".", "_", "-" (and "+" in a version)',
  });

export const TimeoutSchema = z.number().int('must be a whole number of seconds').min(10).max(3600);

export const V3InstallBodySchema = z.strictObject({
  name: AppNameSchema,
  projectId: ProjectIdSchema.optional(),
  targetNamespace: NamespaceSchema,
  externalId: ExternalIdSchema,
  type: z.literal('app').optional(),
  prune: z.boolean().optional(),
  timeout: TimeoutSchema.optional(),
  wait: z.boolean().optional(),
  answers: AnswersSchema.optional(),
  valuesYaml: ValuesYamlSchema.optional(),
});

export const V3UpgradeBodySchema = z.strictObject({
  externalId: ExternalIdSchema.optional(),
  answers: AnswersPatchSchema.optional(),
  valuesYaml: ValuesYamlSchema.optional(),
  forceUpgrade: z.boolean().optional(),
  timeout: TimeoutSchema.optional(),
  wait: z.boolean().optional(),
});

export const V3RollbackBodySchema = z.strictObject({
  revisionId: z.union([z.string().regex(/^[1-9][0-9]{0,8}$/, 'must be a revision number'), z.number().int().min(1)]).optional(),
  timeout: TimeoutSchema.optional(),
  wait: z.boolean().optional(),
});

export const V3ActionQuerySchema = z.object({ action: z.enum(['upgrade', 'rollback'], { message: 'action must be upgrade or rollback' }) });

export const V3PathSchema = z.object({ projectId: ProjectIdSchema, name: AppNameSchema });
/** The actionLinks form: `/v3/project/{projectId}/apps/{appId}` with appId `<projectId>:<name>`. */
export const V3LinkPathSchema = z.object({
  projectId: ProjectIdSchema,
  appId: singleLine(z.string().min(1).max(200)),
});

export const ListQuerySchema = z.object({
  page: intParam('page', { min: 1, max: 100_000, default: 1 }),
  page_size: intParam('page_size', { min: 1, max: 100, default: 10 }),
});

const ChartVersionSchema = z.string().regex(/^[A-Za-z0-9.+_-]{1,128}$/, 'must be a chart version');

export const V1InstallBodySchema = z.strictObject({
  name: AppNameSchema,
  namespace: NamespaceSchema,
  chart: z.string().regex(/^[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+$/, 'must be "<repository>/<chart>"'),
  version: ChartVersionSchema,
  values: ValuesSchema.optional(),
  timeout: TimeoutSchema.optional(),
  wait: z.boolean().optional(),
});

export const V1UpdateBodySchema = z.strictObject({
  namespace: NamespaceSchema.optional(),
  version: ChartVersionSchema.optional(),
  values: ValuesSchema.optional(),
  timeout: TimeoutSchema.optional(),
  wait: z.boolean().optional(),
});

/** An action's optional body: an upgrade's version and values, a rollback's revision. */
export const V1ActionBodySchema = V1UpdateBodySchema.extend({ revision: z.number().int().min(1).optional() });

export const V1NamespaceQuerySchema = z.object({ namespace: NamespaceSchema.optional() });
export const V1PathSchema = z.object({ name: AppNameSchema });
export const V1ActionPathSchema = z.object({
  name: AppNameSchema,
  action: z.enum(['upgrade', 'rollback', 'restart', 'pause', 'resume'], { message: 'action must be upgrade, rollback, restart, pause or resume' }),
});

export const DeleteQuerySchema = z.object({ targetNamespace: NamespaceSchema.optional() });
export const GetQuerySchema = z.object({ targetNamespace: NamespaceSchema.optional() });

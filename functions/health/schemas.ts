import * as z from 'zod';

/** Response schemas of the health routes, which answer bare bodies (no envelope). */
export const LivenessSchema = z.object({ status: z.literal('OK') });
export const ReadySchema = z.object({ status: z.literal('Ready') });
export const NotReadySchema = z.object({
  status: z.literal('NotReady'),
  failed: z.array(z.object({ dependency: z.string(), reason: z.string() })),
});
/** The document itself, described by its outline only. */
export const OpenApiDocumentSchema = z.object({
  openapi: z.string(),
  info: z.object({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});

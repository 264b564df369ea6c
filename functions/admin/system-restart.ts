import * as z from 'zod';
import { httpHandler } from '#shared/http.js';
import { restartServices } from './restart-service.js';

export const RestartAnswerSchema = z.object({
  mode: z.enum(['lambda', 'local']),
  requested_at: z.string(),
  restarted: z.array(z.string()),
  failed: z.array(z.object({ name: z.string(), reason: z.string() })),
  kept_running: z.array(z.string()),
});

/** New containers for every function (AWS) or fresh per-container state (local); 202 with what was restarted. */
export const handler = httpHandler({ response: { 202: { data: RestartAnswerSchema, description: 'The restart was requested' } } }, async ({ caller }) => ({
  statusCode: 202,
  data: await restartServices(caller?.userId ?? 'unknown'),
}));

import * as z from 'zod';

/** The app store's answers, for the OpenAPI document: AppStatusInfo (the document's fields, then the reason). */
export const StatusInfoSchema = z.object({
  app_id: z.string(),
  name: z.string(),
  customer_name: z.string(),
  trade_mark: z.string(),
  status_code: z.enum(['00', '10', '11', '12', '30', '40', '50']),
  status: z.enum(['queuing', 'pulling', 'creating', 'initing', 'running', 'stop', 'error']),
  official_app: z.boolean(),
  image_url: z.string(),
  status_reason: z.string(),
  app_name: z.string(),
  app_version: z.string(),
});

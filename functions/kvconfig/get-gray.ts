import { httpHandler } from '#shared/http.js';
import { getGray } from './gray-service.js';
import { GraySchema, NamespacePathSchema, toNamespace } from './schemas.js';

export const handler = httpHandler({ path: NamespacePathSchema, response: GraySchema }, async ({ path }) => ({ data: await getGray(toNamespace(path)) }));

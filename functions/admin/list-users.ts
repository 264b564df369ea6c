import * as z from 'zod';
import { httpHandler } from '#shared/http.js';
import { intParam, paginate } from '#shared/validation.js';
import { listUsers } from './users-service.js';
import { PaginationSchema, UserListSchema } from './user-schemas.js';

export const ListUsersQuerySchema = z.object({
  page: intParam('page', { min: 1, max: 10_000, default: 1 }),
  page_size: intParam('page_size', { min: 1, max: 100, default: 20 }),
});

export const handler = httpHandler({ query: ListUsersQuerySchema, response: { 200: { data: UserListSchema, extra: PaginationSchema } } }, async ({ query }) => {
  const { items, pagination } = paginate(await listUsers(), query.page, query.page_size);
  return { data: items, extra: { pagination } };
});

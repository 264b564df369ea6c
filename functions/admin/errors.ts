import { ConflictError } from '#shared/errors.js';

/** Deleting or demoting the only remaining admin would lock everyone out of `/admin/*`. */
export class LastAdminError extends ConflictError {
  override name = 'LastAdminError';
  constructor(action: 'delete' | 'demote') {
    super(`cannot ${action} the last admin: create another admin first`);
  }
}

/** Another request changed the user between our read and our write. */
export class UserChangedError extends ConflictError {
  override name = 'UserChangedError';
  constructor(id: string) {
    super(`user ${id} was changed by another request; retry`);
  }
}

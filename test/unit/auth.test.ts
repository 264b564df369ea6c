import { describe, expect, it } from 'vitest';
import type { Access, Role } from '../../functions/shared/auth.js';
import { allows, ROLES } from '../../functions/shared/auth.js';

/**
 * Every role against every access level: the chain admin ⊃ operator ⊃ viewer ⊃ config-client, and
 * `agent` beside it (only agent routes, which admin shares and no other role may call).
 */
const EXPECTED: Record<Role | 'no token', Record<Access, boolean>> = {
  admin: { public: true, admin: true, operator: true, viewer: true, 'config-client': true, agent: true },
  operator: { public: true, admin: false, operator: true, viewer: true, 'config-client': true, agent: false },
  viewer: { public: true, admin: false, operator: false, viewer: true, 'config-client': true, agent: false },
  'config-client': { public: true, admin: false, operator: false, viewer: false, 'config-client': true, agent: false },
  agent: { public: true, admin: false, operator: false, viewer: false, 'config-client': false, agent: true },
  'no token': { public: true, admin: false, operator: false, viewer: false, 'config-client': false, agent: false },
};

describe('allows', () => {
  it('has a row for every role', () => {
    expect(new Set(Object.keys(EXPECTED))).toEqual(new Set([...ROLES, 'no token']));
  });

  for (const [role, row] of Object.entries(EXPECTED))
    for (const [access, expected] of Object.entries(row))
      it(`${expected ? 'lets' : 'refuses'} ${role} ${expected ? 'call' : 'calling'} a route that requires ${access}`, () => {
        expect(allows(access as Access, role === 'no token' ? undefined : (role as Role))).toBe(expected);
      });
});

// The roles a user can hold, in the words the partnership uses.
import type { Role } from '../../platform/db/schema.ts';

export const ROLE_NAMES: Record<Role, string> = {
  partnership_admin: 'Partnership administrator',
  coordinator: 'Partnership coordinator',
  case_officer: 'Case officer',
  manager: 'First-line manager',
  analyst: 'Analyst',
  partner_user: 'Partner agency user',
  read_only: 'Read only',
};

export const ROLES = Object.keys(ROLE_NAMES) as Role[];

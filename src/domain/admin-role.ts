/** Back-office roles, from most to least rights; routes ask for capabilities derived from them. */
export const ADMIN_ROLES = ['owner', 'program_manager', 'support', 'read_only'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

/**
 * A guest's birthdate, as the birthday-window rule reads it (`guests.birthdate`): a real calendar
 * date `YYYY-MM-DD`, from 1900-01-01 up to today. Pure: "today" is passed in.
 */
export const BIRTHDATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';
const EARLIEST = '1900-01-01';

/**
 * Why `value` is not a birthdate `today` (a UTC `YYYY-MM-DD`), or null when it is one.
 *
 * @example
 * birthdateProblem('1990-02-30', '2026-11-25') // → 'must be a calendar date YYYY-MM-DD'
 * birthdateProblem('1990-11-27', '2026-11-25') // → null
 */
export function birthdateProblem(value: unknown, today: string): string | null {
  if (typeof value !== 'string' || !new RegExp(BIRTHDATE_PATTERN).test(value)) return 'must be a calendar date YYYY-MM-DD';
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return 'must be a calendar date YYYY-MM-DD';
  if (value < EARLIEST) return `must not be before ${EARLIEST}`;
  if (value > today) return 'must not be in the future';
  return null;
}

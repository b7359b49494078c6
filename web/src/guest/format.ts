/** A date-time as the guest reads it; in the store's zone when known (receipts), else the phone's. */
export function dateTime(iso: string, timeZone?: string): string {
  try {
    return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', ...(timeZone ? { timeZone } : {}) }).format(new Date(iso));
  } catch {
    return iso.slice(0, 16).replace('T', ' ');
  }
}

export function date(iso: string): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(new Date(iso));
}

export const points = (n: number): string => `${new Intl.NumberFormat().format(n)} ${Math.abs(n) === 1 ? 'point' : 'points'}`;

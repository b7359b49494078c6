import { money } from '../shell/states';
import type { Promotion } from './api';

/** "$0.50 off each" / "$1.00 off 2" — the deal as a store manager reads it. */
export function deal(p: Promotion): string {
  return p.type === 'buydown' ? `${money(p.amountCents)} off each` : `${money(p.amountCents)} off ${p.quantity}`;
}

export function upcList(upcs: string[], max = 2): string {
  return upcs.length <= max ? upcs.join(', ') : `${upcs.slice(0, max).join(', ')} +${upcs.length - max}`;
}

/** One field of a promotion as text, for before → after. */
export function fieldText(p: Promotion | null, field: string): string {
  if (!p) return '—';
  switch (field) {
    case 'amountCents':
      return money(p.amountCents);
    case 'upcs':
      return upcList(p.upcs, 3);
    case 'maxPerTransaction':
      return p.maxPerTransaction === null ? 'no limit' : String(p.maxPerTransaction);
    default: {
      const v = (p as Record<string, unknown>)[field];
      return v === null || v === undefined ? '—' : String(v);
    }
  }
}

const FIELD_LABEL: Record<string, string> = {
  amountCents: 'amount',
  upcs: 'UPCs',
  startDate: 'starts',
  endDate: 'ends',
  maxPerTransaction: 'limit',
  quantity: 'quantity',
  description: 'description',
  brand: 'brand',
  status: 'status',
  type: 'type',
};
export const fieldLabel = (f: string) => FIELD_LABEL[f] ?? f;

/** Does a promotion match a search by UPC, brand, description or id? */
export function matches(p: Promotion | null, q: string): boolean {
  if (!p || !q) return !q;
  const s = q.trim().toLowerCase();
  return (
    p.description.toLowerCase().includes(s) ||
    (p.brand ?? '').toLowerCase().includes(s) ||
    p.externalId.toLowerCase().includes(s) ||
    p.upcs.some((u) => u.includes(s))
  );
}

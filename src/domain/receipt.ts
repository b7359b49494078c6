/**
 * Receipts: a 16-character code for support look-up and for claiming an anonymous sale later,
 * and the `presentation` block the POS prints, filled from per-program templates.
 */

/** Upper-case letters and digits without I and O, which read as 1 and 0. */
export const RECEIPT_ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const RECEIPT_CODE_LENGTH = 16;

/** @param randomIndex returns an integer in [0, n) — crypto.randomInt in production. */
export function newReceiptCode(randomIndex: (n: number) => number): string {
  let code = '';
  for (let i = 0; i < RECEIPT_CODE_LENGTH; i++) code += RECEIPT_ALPHABET[randomIndex(RECEIPT_ALPHABET.length)];
  return code;
}

export function isReceiptCode(text: string): boolean {
  return text.length === RECEIPT_CODE_LENGTH && [...text].every((c) => RECEIPT_ALPHABET.includes(c));
}

export const PRESENTATION_FIELDS = ['header', 'marketing', 'pointsEarned', 'pointsRedeemed', 'totalPoints', 'identifier', 'qrCode', 'footer'] as const;
export type PresentationField = (typeof PRESENTATION_FIELDS)[number];
export type PresentationTemplate = Partial<Record<PresentationField, string>>;
export type Presentation = Partial<Record<PresentationField, string>>;

export interface ReceiptFigures {
  transactionId: string;
  receiptCode: string;
  pointsEarned: number;
  pointsRedeemed: number;
  balance: number | null;
  claimUrl: string;
}

/**
 * Fills a template: `{pointsEarned}`, `{pointsRedeemed}`, `{balance}`, `{transactionId}`,
 * `{receiptCode}`, `{claimUrl}`. A line whose figure is unknown (no balance on an anonymous
 * sale) is left out rather than printed half-filled.
 */
export function renderPresentation(template: PresentationTemplate, figures: ReceiptFigures): Presentation {
  const values: Record<string, string | null> = {
    transactionId: figures.transactionId,
    receiptCode: figures.receiptCode,
    pointsEarned: String(figures.pointsEarned),
    pointsRedeemed: String(figures.pointsRedeemed),
    balance: figures.balance === null ? null : String(figures.balance),
    claimUrl: figures.claimUrl,
  };
  const out: Presentation = {};
  for (const field of PRESENTATION_FIELDS) {
    const text = template[field];
    if (text === undefined) continue;
    let missing = false;
    const filled = text.replace(/\{(\w+)\}/g, (whole, name: string) => {
      if (!(name in values)) return whole;
      const v = values[name];
      if (v === null || v === undefined) {
        missing = true;
        return '';
      }
      return v;
    });
    if (!missing) out[field] = filled;
  }
  return out;
}

import { type PresentationTemplate, renderPresentation } from '../../domain/receipt.ts';
import type { Program } from '../model.ts';

/**
 * Receipts of a program without templates, in the seeds' words: the program's name as header,
 * "Earned: …", "Balance: …", "Transaction ID: …" and a footer saying when points expire
 * ("… expire 180 days from last purchase" in the NCR seed).
 */
export function defaultTemplates(program: Pick<Program, 'name' | 'expiry'>): { claimed: PresentationTemplate; unclaimed: PresentationTemplate } {
  const footer = expiryFooter(program.expiry);
  return {
    claimed: {
      header: program.name,
      pointsEarned: 'Earned: {pointsEarned}',
      totalPoints: 'Balance: {balance}',
      identifier: 'Transaction ID: {transactionId}',
      ...(footer ? { footer } : {}),
    },
    unclaimed: {
      header: program.name,
      marketing: 'Scan to earn {pointsEarned} points for this order',
      identifier: 'Transaction ID: {transactionId}',
      qrCode: '{claimUrl}',
      ...(footer ? { footer } : {}),
    },
  };
}

function expiryFooter(expiry: Program['expiry']): string | null {
  switch (expiry.kind) {
    case 'inactivity':
      return `Points expire ${expiry.days} days from last purchase.`;
    case 'monthly-buckets':
      return `Points expire ${expiry.months} months after the month they were earned in.`;
    default:
      return null;
  }
}

/** The receipt template a dialect prints for a sale: the program's per-vendor one, its default, or the built-in. */
export function templateFor(program: Program, dialect: string, kind: 'claimed' | 'unclaimed'): PresentationTemplate {
  return program.receiptTemplates[dialect]?.[kind] ?? program.receiptTemplates.default?.[kind] ?? defaultTemplates(program)[kind];
}

/** Where a guest claims a receipt's points: the program's public URL, else the server's. */
export function claimUrl(program: Program, publicUrl: string, receiptCode: string): string {
  return `${(program.publicUrl ?? publicUrl).replace(/\/$/, '')}/r/${receiptCode}`;
}

/** The receipt lines a dialect prints for a claimed or unclaimed sale. */
export function presentationFor(
  program: Program,
  publicUrl: string,
  dialect: string,
  kind: 'claimed' | 'unclaimed',
  figures: { transactionId: string; receiptCode: string; pointsEarned: number; pointsRedeemed: number; balance: number | null },
): ReturnType<typeof renderPresentation> {
  return renderPresentation(templateFor(program, dialect, kind), { ...figures, claimUrl: claimUrl(program, publicUrl, figures.receiptCode) });
}

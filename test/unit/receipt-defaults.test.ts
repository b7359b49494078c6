import { describe, expect, it } from 'vitest';
import { defaultTemplates } from '../../src/app/loyalty.service.ts';
import { renderPresentation } from '../../src/domain/receipt.ts';

/** A program without receipt templates prints the Loyalty API v1 documents' lines. */
describe('default receipts', () => {
  const figures = {
    transactionId: 'f4190848-169d-4c69-9f53-f916318c432b',
    receiptCode: 'J25QL1WAH5KJ7P75',
    pointsEarned: 5000,
    pointsRedeemed: 0,
    balance: 102220,
    claimUrl: 'https://x.test/r/J25QL1WAH5KJ7P75',
  };

  it('claimed: the program name, Earned, Balance, "Transaction ID: …" and an expiry footer, as in the NCR example', () => {
    const t = defaultTemplates({ name: 'Royal Perks', expiry: { kind: 'inactivity', days: 180 } });
    expect(renderPresentation(t.claimed, figures)).toEqual({
      header: 'Royal Perks',
      pointsEarned: 'Earned: 5000',
      totalPoints: 'Balance: 102220',
      identifier: 'Transaction ID: f4190848-169d-4c69-9f53-f916318c432b',
      footer: 'Points expire 180 days from last purchase.',
    });
  });

  it('unclaimed: "Transaction ID: …" as in the Winrest example, with marketing, the claim URL and the footer', () => {
    const t = defaultTemplates({ name: 'Coffee Club', expiry: { kind: 'monthly-buckets', months: 6 } });
    expect(renderPresentation(t.unclaimed, { ...figures, balance: null })).toEqual({
      header: 'Coffee Club',
      marketing: 'Scan to earn 5000 points for this order',
      identifier: 'Transaction ID: f4190848-169d-4c69-9f53-f916318c432b',
      qrCode: 'https://x.test/r/J25QL1WAH5KJ7P75',
      footer: 'Points expire 6 months after the month they were earned in.',
    });
    expect(defaultTemplates({ name: 'No expiry', expiry: { kind: 'none' } }).claimed).not.toHaveProperty('footer');
  });
});

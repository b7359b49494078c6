import type { IdentifyResult, PosContext } from '../../app/commands.ts';
import { templateFor } from '../../app/loyalty.service.ts';
import type { PosPrincipal, Program } from '../../app/model.ts';
import { type Incentive, primaryPlu } from '../../domain/incentive.ts';
import { pointsForSpend } from '../../domain/points.ts';
import { type Presentation, renderPresentation } from '../../domain/receipt.ts';
import { selectDialect } from './index.ts';

/** What a sample sale shows at each POS vendor an incentive is configured for. */
export interface VendorPreview {
  vendor: string;
  /** the dialect that answers this vendor's POS (partner, tillster, ncr, winrest) */
  dialect: string;
  /** the identify answer's `order[]` line for the incentive, exactly as the dialect renders it; null when the dialect leaves it out */
  orderLine: Record<string, unknown> | null;
  /** the whole identify answer of the sample */
  identify: Record<string, unknown>;
  /** the receipt lines of the sample's CLAIMED answer (the program's template for this vendor) */
  receipt: Presentation;
}

export interface PreviewSample {
  /** the guest's balance before the sale (default 1000, or the reward's cost + 500 if higher) */
  balance?: number;
  /** the sale's eligible spend in minor units (default 1000) */
  subtotalCents?: number;
}

export const SAMPLE_GUEST = { id: '00000000-0000-4000-8000-000000000000', name: 'Sample Guest', createdAt: '2026-01-01T00:00:00.000Z' };
export const SAMPLE_TRANSACTION = '00000000-0000-4000-8000-000000000001';
export const SAMPLE_RECEIPT = 'SAMPLE0RECEIPT00';

/**
 * Renders an incentive, saved or draft, through each configured vendor's dialect as the POS would
 * receive it when a guest pre-selected it: the identify `order[]` line and the receipt text. No
 * database, no clock: the sample's figures are passed in.
 */
export function previewIncentive(program: Program, incentive: Incentive, sample: PreviewSample = {}): VendorPreview[] {
  const cost = incentive.kind === 'REWARD' ? incentive.pointCost : 0;
  const before = sample.balance ?? Math.max(1000, cost + 500);
  const earned = pointsForSpend(sample.subtotalCents ?? 1000, program.earn);
  return Object.entries(incentive.vendorConfigs).map(([vendor, config]) => {
    const principal: PosPrincipal = { keyId: 'preview', programId: program.id, vendor, environment: 'preview' };
    const dialect = selectDialect(principal);
    const pos: PosContext = {
      storeId: 'preview',
      terminal: '1',
      posTransactionId: 'preview',
      operator: null,
      matchingId: null,
      posType: vendor,
      pluVendor: vendor,
      dialect: dialect.id,
    };
    const result: IdentifyResult = {
      transactionId: SAMPLE_TRANSACTION,
      guest: SAMPLE_GUEST,
      balance: before - cost,
      selections: [{ incentive, plu: primaryPlu(config), referenceId: '00' }],
      receiptCode: SAMPLE_RECEIPT,
    };
    const identify = dialect.renderIdentify(result, pos);
    const order = Array.isArray(identify.order) ? (identify.order as Record<string, unknown>[]) : [];
    const receipt = renderPresentation(templateFor(program, dialect.id, 'claimed'), {
      transactionId: SAMPLE_TRANSACTION,
      receiptCode: SAMPLE_RECEIPT,
      pointsEarned: earned,
      pointsRedeemed: cost,
      balance: before - cost + earned,
      claimUrl: `${program.publicUrl ?? 'https://tillpoint.example'}/r/${SAMPLE_RECEIPT}`,
    });
    return { vendor, dialect: dialect.id, orderLine: order.find((l) => l.incentiveId === incentive.id) ?? null, identify, receipt };
  });
}

import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderUi } from '../../test/render';
import { RuleResultsCard } from './TransactionsScreen';

describe('the transaction’s rule results', () => {
  it('shows per incentive whether it applied and each rule’s verdict with the server’s reason', () => {
    renderUi(
      <RuleResultsCard
        results={{
          stage: 'validate',
          at: '2026-11-25T17:00:00.000Z',
          pointsEarned: 20,
          pointsRedeemed: 0,
          incentives: [
            {
              incentiveId: 'rwd-latte',
              kind: 'REWARD',
              quantity: 1,
              points: 100,
              applied: false,
              rules: [
                {
                  ruleId: 'service-mode',
                  passed: false,
                  failure: {
                    code: 'invalid-service-mode',
                    currentValue: 'DRIVE_THRU',
                    targetValue: ['EAT_IN'],
                    message: 'Incentive is not available in this service mode',
                  },
                },
                { ruleId: 'date-span', passed: true, failure: null },
              ],
            },
          ],
        }}
      />,
    );
    const card = screen.getByRole('region', { name: 'Rule results' });
    expect(card.textContent).toContain('not applied');
    expect(card.textContent).toContain('a validate (dry run)');
    const rules = within(card).getByRole('table', { name: 'Rules of rwd-latte' });
    const [, failed, passed] = within(rules).getAllByRole('row');
    expect(failed!.textContent).toMatch(/service-mode.*invalid-service-mode.*not available in this service mode \(was DRIVE_THRU, needs \["EAT_IN"\]\)/);
    expect(passed!.textContent).toMatch(/date-span.*passed/);
  });

  it('says when the POS has not evaluated the sale yet', () => {
    renderUi(<RuleResultsCard results={null} />);
    expect(screen.getByRole('region', { name: 'Rule results' }).textContent).toContain('Not evaluated yet');
  });
});

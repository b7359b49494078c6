import { fireEvent, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { renderUi } from '../../test/render';
import { toBody, EMPTY_DRAFT } from './IncentiveEditor';
import { RuleArgsForm, RuleBuilder, type RuleEntry, type RuleRef } from './RuleBuilder';
import { type PluConfig, VendorPlus } from './VendorPlus';

// Argument schemas exactly as GET /admin/v1/rules publishes them (a rule added later needs no UI change).
const CATALOGUE: RuleEntry[] = [
  {
    id: 'subtotal-spend',
    description: 'the subtotal reaches a minimum',
    args: { additionalProperties: false, type: 'object', required: ['minimumCents'], properties: { minimumCents: { minimum: 1, type: 'integer' } } },
  },
  {
    id: 'time-span',
    description: 'store-local time of day',
    args: {
      additionalProperties: false,
      type: 'object',
      required: ['start', 'end'],
      properties: { start: { pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', type: 'string' }, end: { pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', type: 'string' } },
    },
  },
];

function Harness({ onRules }: { onRules: (r: RuleRef[]) => void }) {
  const [rules, setRules] = useState<RuleRef[]>([
    { ruleId: 'subtotal-spend', args: {} },
    { ruleId: 'time-span', args: {} },
  ]);
  return (
    <RuleBuilder
      catalogue={CATALOGUE}
      rules={rules}
      onChange={(r) => {
        setRules(r);
        onRules(r);
      }}
    />
  );
}

describe('the rule forms generated from the registry’s schemas', () => {
  it('renders a labelled Mantine field per argument and hands back typed arguments', async () => {
    let args: Record<string, unknown> = {};
    renderUi(<RuleArgsForm rule={CATALOGUE[0]!} value={{}} idPrefix="t" onChange={(a) => (args = a)} />);
    const field = screen.getByLabelText(/minimumCents/);
    // rjsf's Mantine theme: the kit's own input, marked required, not Bootstrap's form-control.
    expect(field.className).toContain('mantine-');
    expect(field.getAttribute('required') ?? field.getAttribute('aria-required')).not.toBeNull();
    expect(document.querySelector('.form-control, .form-group')).toBeNull();
    await userEvent.type(field, '1000');
    expect(args).toEqual({ minimumCents: 1000 });
  });

  it('builds two rules, shows a schema error in place and removes one', async () => {
    let latest: RuleRef[] = [];
    renderUi(<Harness onRules={(r) => (latest = r)} />);
    expect(screen.getByRole('region', { name: 'Rule 1: subtotal-spend' })).toBeTruthy();
    await userEvent.type(screen.getByLabelText(/minimumCents/), '500');
    await userEvent.type(screen.getByLabelText(/^start/), '25:00');
    await userEvent.type(screen.getByLabelText(/^end/), '11:00');
    expect(latest).toEqual([
      { ruleId: 'subtotal-spend', args: { minimumCents: 500 } },
      { ruleId: 'time-span', args: { start: '25:00', end: '11:00' } },
    ]);
    expect(document.body.textContent).toMatch(/must match pattern/);
    await userEvent.click(screen.getByRole('button', { name: 'Remove rule subtotal-spend' }));
    expect(latest.map((r) => r.ruleId)).toEqual(['time-span']);
  });
});

describe('the PLU per vendor form', () => {
  it('adds a vendor with a constant PLU, and removes it', () => {
    let latest: Record<string, PluConfig> = {};
    function Plus() {
      const [value, setValue] = useState<Record<string, PluConfig>>({});
      return (
        <VendorPlus
          value={value}
          onChange={(v) => {
            setValue(v);
            latest = v;
          }}
        />
      );
    }
    renderUi(<Plus />);
    fireEvent.click(screen.getByRole('checkbox', { name: 'winrest' }));
    expect(latest).toEqual({ winrest: { pluType: 'constantPlu', constantPlu: '' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'winrest PLU' }), { target: { value: '1501' } });
    expect(latest.winrest).toEqual({ pluType: 'constantPlu', constantPlu: '1501' });
    fireEvent.click(screen.getByRole('checkbox', { name: 'winrest' }));
    expect(latest).toEqual({});
  });

  it('sends offers without a point cost', () => {
    expect(toBody({ ...EMPTY_DRAFT, kind: 'OFFER', name: ' Cookie ', pointCost: 250 })).toMatchObject({ kind: 'OFFER', name: 'Cookie', pointCost: 0 });
  });
});

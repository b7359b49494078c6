import { Checkbox, Group, NumberInput, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { DataTable } from '../../shell/DataTable';

/** The POS vendors an incentive can carry a PLU configuration for (src/app/model.ts POS_VENDORS). */
export const VENDORS = ['partner', 'tillster', 'ncr', 'winrest', 'sicom', 'oracle', 'toast'] as const;

export type PluConfig = { pluType: string; priceCents?: number } & Record<string, unknown>;

const SIMPLE = ['constantPlu', 'discountPlu'] as const;
const TYPES = [
  { value: 'constantPlu', label: 'constant PLU' },
  { value: 'discountPlu', label: 'discount PLU' },
  { value: 'ignore', label: 'ignore (no PLU)' },
  { value: 'sizeBasedPlu', label: 'by size (JSON)' },
  { value: 'quantityBasedPlu', label: 'by quantity (JSON)' },
  { value: 'parentChildPlu', label: 'parent / child (JSON)' },
  { value: 'multiConstantPlus', label: 'several PLUs (JSON)' },
];
const EXAMPLES: Record<string, unknown> = {
  sizeBasedPlu: [{ size: 'small', plu: '' }],
  quantityBasedPlu: [{ quantity: 1, plu: '' }],
  parentChildPlu: { plu: '' },
  multiConstantPlus: [{ plu: '', quantity: 1 }],
};

/**
 * The incentive's PLU per POS vendor: tick a vendor, pick how its POS rings the incentive and
 * give the PLU. The server checks every shape (400 naming `vendorConfigs.<vendor>.…`).
 */
export function VendorPlus({ value, onChange }: { value: Record<string, PluConfig>; onChange: (v: Record<string, PluConfig>) => void }) {
  const set = (vendor: string, config: PluConfig | null) => {
    const next = { ...value };
    if (config === null) delete next[vendor];
    else next[vendor] = config;
    onChange(next);
  };
  return (
    <DataTable
      label="PLU per POS vendor"
      rows={[...VENDORS]}
      rowKey={(vendor) => vendor}
      minWidth={640}
      verticalSpacing="xs"
      columns={[
        {
          key: 'vendor',
          header: 'POS vendor',
          cell: (vendor) => (
            <Checkbox
              label={vendor}
              checked={!!value[vendor]}
              onChange={(e) => set(vendor, e.currentTarget.checked ? { pluType: 'constantPlu', constantPlu: '' } : null)}
            />
          ),
        },
        {
          key: 'type',
          header: 'How the POS rings it',
          cell: (vendor) => {
            const config = value[vendor];
            return config ? (
              <Select
                aria-label={`${vendor} PLU type`}
                data={TYPES}
                value={config.pluType}
                allowDeselect={false}
                comboboxProps={{ withinPortal: true }}
                onChange={(t) => {
                  if (!t) return;
                  const base: PluConfig = { pluType: t, ...(config.priceCents === undefined ? {} : { priceCents: config.priceCents }) };
                  if ((SIMPLE as readonly string[]).includes(t)) base[t] = '';
                  else if (t !== 'ignore') base[t] = EXAMPLES[t];
                  set(vendor, base);
                }}
              />
            ) : (
              <Text c="dimmed" size="sm">
                not offered at this POS
              </Text>
            );
          },
        },
        {
          key: 'plu',
          header: 'PLU',
          cell: (vendor) => {
            const config = value[vendor];
            const type = config?.pluType ?? 'constantPlu';
            return config && (SIMPLE as readonly string[]).includes(type) ? (
              <TextInput
                aria-label={`${vendor} PLU`}
                value={String(config[type] ?? '')}
                onChange={(e) => set(vendor, { ...config, [type]: e.currentTarget.value })}
              />
            ) : config && type !== 'ignore' ? (
              <JsonField label={`${vendor} ${type}`} value={config[type]} onChange={(v) => set(vendor, { ...config, [type]: v })} />
            ) : null;
          },
        },
        {
          key: 'price',
          header: 'Price (minor units)',
          cell: (vendor) => {
            const config = value[vendor];
            return config ? (
              <NumberInput
                aria-label={`${vendor} price in minor units`}
                min={0}
                allowDecimal={false}
                placeholder="optional"
                value={config.priceCents ?? ''}
                onChange={(v) => {
                  const next = { ...config };
                  if (v === '' || v === undefined) delete next.priceCents;
                  else next.priceCents = Number(v);
                  set(vendor, next);
                }}
                w={130}
              />
            ) : null;
          },
        },
      ]}
    />
  );
}

function JsonField({ label, value, onChange }: { label: string; value: unknown; onChange: (v: unknown) => void }) {
  return (
    <Stack gap={2}>
      <Textarea
        aria-label={label}
        autosize
        minRows={2}
        defaultValue={JSON.stringify(value, null, 1)}
        onBlur={(e) => {
          try {
            onChange(JSON.parse(e.currentTarget.value));
          } catch {
            // left as typed; the server names the field if it is still wrong
          }
        }}
      />
      <Group gap={4}>
        <Text size="xs" c="dimmed">
          JSON, applied when you leave the field
        </Text>
      </Group>
    </Stack>
  );
}

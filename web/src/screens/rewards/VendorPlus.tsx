import { Checkbox, Group, NumberInput, Select, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';

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
    <Table.ScrollContainer minWidth={640}>
      <Table verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>POS vendor</Table.Th>
            <Table.Th>How the POS rings it</Table.Th>
            <Table.Th>PLU</Table.Th>
            <Table.Th>Price (minor units)</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {VENDORS.map((vendor) => {
            const config = value[vendor];
            const type = config?.pluType ?? 'constantPlu';
            return (
              <Table.Tr key={vendor}>
                <Table.Td>
                  <Checkbox label={vendor} checked={!!config} onChange={(e) => set(vendor, e.currentTarget.checked ? { pluType: 'constantPlu', constantPlu: '' } : null)} />
                </Table.Td>
                <Table.Td>
                  {config ? (
                    <Select
                      aria-label={`${vendor} PLU type`}
                      data={TYPES}
                      value={type}
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
                  )}
                </Table.Td>
                <Table.Td>
                  {config && (SIMPLE as readonly string[]).includes(type) ? (
                    <TextInput aria-label={`${vendor} PLU`} value={String(config[type] ?? '')} onChange={(e) => set(vendor, { ...config, [type]: e.currentTarget.value })} />
                  ) : config && type !== 'ignore' ? (
                    <JsonField label={`${vendor} ${type}`} value={config[type]} onChange={(v) => set(vendor, { ...config, [type]: v })} />
                  ) : null}
                </Table.Td>
                <Table.Td>
                  {config ? (
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
                  ) : null}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
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

import { Stack, Text, TextInput } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { useState } from 'react';
import type { RegisterEntry } from '../../cstore/api';
import { deal, matches, upcList } from '../../cstore/format';
import { DataTable, TwoLines } from '../../shell/DataTable';
import { Empty, ErrorState, Loading, when } from '../../shell/states';

/** CR current state: the promotions the register has now, from accepted batches. */
export function RegisterState({ register }: { register: UseQueryResult<RegisterEntry[]> }) {
  const [search, setSearch] = useState('');
  const rows = (register.data ?? []).filter((r) => matches(r.promotion, search));
  if (register.isPending) return <Loading what="the register’s promotions" />;
  if (register.isError) return <ErrorState error={register.error} retry={() => void register.refetch()} what="the register’s promotions" />;
  if (register.data.length === 0)
    return (
      <Empty title="The register has no manufacturer promotions yet">
        Accept pending changes: they become a batch, and the register has them once the store’s agent applies it.
      </Empty>
    );
  return (
    <Stack>
      <TextInput
        label="Search the register"
        description="UPC, brand, description or promotion id"
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        w={{ base: '100%', sm: 320 }}
      />
      <DataTable
        key={search}
        label="Register current state"
        rows={rows}
        rowKey={(r) => `${r.promotion.manufacturer}:${r.promotion.externalId}`}
        empty={{ title: 'No promotion matches', hint: 'Clear the search.' }}
        pageSize={50}
        minWidth={760}
        columns={[
          { key: 'promotion', header: 'Promotion', cell: (r) => <TwoLines main={r.promotion.description} sub={r.promotion.externalId} /> },
          { key: 'brand', header: 'Brand', cell: (r) => r.promotion.brand ?? '—' },
          {
            key: 'upcs',
            header: 'UPCs',
            cell: (r) => (
              <Text size="xs" ff="monospace">
                {upcList(r.promotion.upcs)}
              </Text>
            ),
          },
          { key: 'deal', header: 'Deal', cell: (r) => deal(r.promotion) },
          {
            key: 'dates',
            header: 'Dates',
            cell: (r) => (
              <Text size="xs">
                {r.promotion.startDate} – {r.promotion.endDate}
              </Text>
            ),
          },
          { key: 'accepted', header: 'Accepted', cell: (r) => <Text size="xs">{when(r.acceptedAt)}</Text> },
        ]}
      />
    </Stack>
  );
}

import { Stack, Table, Text, TextInput } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { useState } from 'react';
import type { RegisterEntry } from '../../cstore/api';
import { deal, matches, upcList } from '../../cstore/format';
import { Empty, ErrorState, Loading, Pager, usePage, when } from '../../shell/states';

/** CR current state: the promotions the register has now, from accepted batches. */
export function RegisterState({ register }: { register: UseQueryResult<RegisterEntry[]> }) {
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const rows = (register.data ?? []).filter((r) => matches(r.promotion, search));
  const { items, pages } = usePage(rows, page, 50);
  if (register.isPending) return <Loading what="the register’s promotions" />;
  if (register.isError) return <ErrorState error={register.error} retry={() => void register.refetch()} what="the register’s promotions" />;
  if (register.data.length === 0) return <Empty title="The register has no manufacturer promotions yet">Accept pending changes: they become a batch, and the register has them once the store’s agent applies it.</Empty>;
  return (
    <Stack>
      <TextInput label="Search the register" description="UPC, brand, description or promotion id" value={search} onChange={(e) => (setSearch(e.currentTarget.value), setPage(1))} w={{ base: '100%', sm: 320 }} />
      {rows.length === 0 ? (
        <Empty title="No promotion matches">Clear the search.</Empty>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table aria-label="Register current state">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Promotion</Table.Th>
                <Table.Th>Brand</Table.Th>
                <Table.Th>UPCs</Table.Th>
                <Table.Th>Deal</Table.Th>
                <Table.Th>Dates</Table.Th>
                <Table.Th>Accepted</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((r) => (
                <Table.Tr key={`${r.promotion.manufacturer}:${r.promotion.externalId}`}>
                  <Table.Td>
                    <Text size="sm">{r.promotion.description}</Text>
                    <Text size="xs" c="dimmed">
                      {r.promotion.externalId}
                    </Text>
                  </Table.Td>
                  <Table.Td>{r.promotion.brand ?? '—'}</Table.Td>
                  <Table.Td>
                    <Text size="xs" ff="monospace">
                      {upcList(r.promotion.upcs)}
                    </Text>
                  </Table.Td>
                  <Table.Td>{deal(r.promotion)}</Table.Td>
                  <Table.Td>
                    <Text size="xs">
                      {r.promotion.startDate} – {r.promotion.endDate}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs">{when(r.acceptedAt)}</Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Pager page={page} pages={pages} onChange={setPage} label="Register" />
    </Stack>
  );
}

import { Card, Code, Group, Spoiler, Stack, Table, Text, Title } from '@mantine/core';
import { useRejectedRecords } from '../../cstore/api';
import { EffectBadge } from '../../cstore/badges';
import { ErrorState, Loading, when } from '../../shell/states';

/**
 * The feed records the newest successful sync rejected: each with its reason, the record as RJR
 * sent it, and what it meant for the register (the server's effect and label).
 */
export function RejectedRecordsPanel({ locationId }: { locationId: string }) {
  const rejected = useRejectedRecords(locationId);
  const r = rejected.data;
  return (
    <Card withBorder>
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={4}>Rejected records</Title>
          {r?.syncRunId ? (
            <Text size="xs" c="dimmed">
              newest successful sync, as of {r.asOf} (finished {when(r.finishedAt)})
            </Text>
          ) : null}
        </Group>
        {rejected.isPending ? (
          <Loading what="rejected records" />
        ) : rejected.isError ? (
          <ErrorState error={rejected.error} retry={() => void rejected.refetch()} what="rejected records" />
        ) : !r!.syncRunId ? (
          <Text size="sm" c="dimmed">
            No successful sync yet: once one runs, the feed records it could not use are listed here.
          </Text>
        ) : r!.total === 0 ? (
          <Text size="sm" c="dimmed">
            Every record of the last successful sync was valid.
          </Text>
        ) : (
          <>
            <Text size="sm">
              {r!.total} record{r!.total === 1 ? ' was' : 's were'} rejected. A rejected record never changes the register: its promotion stays as the register has it{r!.total > r!.records.length ? ` (the first ${r!.records.length} are listed)` : ''}.
            </Text>
            <Table.ScrollContainer minWidth={760}>
              <Table aria-label="Rejected feed records" verticalSpacing="xs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Promotion</Table.Th>
                    <Table.Th>Effect</Table.Th>
                    <Table.Th>Why</Table.Th>
                    <Table.Th>Record</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {r!.records.map((rec, i) => (
                    <Table.Tr key={`${rec.externalId ?? 'unidentified'}-${i}`}>
                      <Table.Td>
                        <Text size="sm" ff="monospace">
                          {rec.externalId ?? '—'}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <EffectBadge effect={rec.effect} />
                        <Text size="xs" c="dimmed" maw={320}>
                          {rec.label}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{rec.reason}</Text>
                      </Table.Td>
                      <Table.Td maw={320}>
                        <Spoiler maxHeight={60} showLabel="Show the whole record" hideLabel="Hide">
                          <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                            {JSON.stringify(rec.raw, null, 1)}
                          </Code>
                        </Spoiler>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </>
        )}
      </Stack>
    </Card>
  );
}

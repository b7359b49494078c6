import { Card, Code, Group, Spoiler, Stack, Text, Title } from '@mantine/core';
import { useRejectedRecords } from '../../cstore/api';
import { EffectBadge } from '../../cstore/badges';
import { DataTable } from '../../shell/DataTable';
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
              {r!.total} record{r!.total === 1 ? ' was' : 's were'} rejected. A rejected record never changes the register: its promotion stays as the register
              has it{r!.total > r!.records.length ? ` (the first ${r!.records.length} are listed)` : ''}.
            </Text>
            <DataTable
              label="Rejected feed records"
              rows={r!.records}
              rowKey={(rec, i) => `${rec.externalId ?? 'unidentified'}-${i}`}
              minWidth={760}
              verticalSpacing="xs"
              columns={[
                {
                  key: 'promotion',
                  header: 'Promotion',
                  cell: (rec) => (
                    <Text size="sm" ff="monospace">
                      {rec.externalId ?? '—'}
                    </Text>
                  ),
                },
                {
                  key: 'effect',
                  header: 'Effect',
                  cell: (rec) => (
                    <>
                      <EffectBadge effect={rec.effect} />
                      <Text size="xs" c="dimmed" maw={320}>
                        {rec.label}
                      </Text>
                    </>
                  ),
                },
                { key: 'why', header: 'Why', cell: (rec) => <Text size="sm">{rec.reason}</Text> },
                {
                  key: 'record',
                  header: 'Record',
                  cell: (rec) => (
                    <Spoiler maw={320} maxHeight={60} showLabel="Show the whole record" hideLabel="Hide">
                      <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                        {JSON.stringify(rec.raw, null, 1)}
                      </Code>
                    </Spoiler>
                  ),
                },
              ]}
            />
          </>
        )}
      </Stack>
    </Card>
  );
}

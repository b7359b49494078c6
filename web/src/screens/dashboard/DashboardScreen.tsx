import { BarChart } from '@mantine/charts';
import { Alert, Badge, Button, Card, Group, SegmentedControl, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { Link } from 'react-router';
import { api, type Json, unwrap } from '../../api/client';
import { useProgram } from '../../shell/program';
import { DataTable } from '../../shell/DataTable';
import { Stat } from '../../shell/Stat';
import { Empty, ErrorState, Loading, money, when } from '../../shell/states';

type Dashboard = Json<'/admin/v1/programs/{programId}/dashboard', 'get'>;

/** Points, sales, top rewards, expiring points, c-store queues: aggregated by the server, charted here, the numbers one click away. */
export default function DashboardScreen() {
  const { programId, program } = useProgram();
  const [range, setRange] = useState<{ from: string; to: string }>({ from: '', to: '' });
  const [draft, setDraft] = useState(range);
  const data = useQuery({
    queryKey: ['dashboard', programId, range],
    enabled: !!programId,
    queryFn: () =>
      unwrap(
        api.GET('/admin/v1/programs/{programId}/dashboard', {
          params: { path: { programId: programId! }, query: { ...(range.from ? { from: range.from } : {}), ...(range.to ? { to: range.to } : {}) } },
        }),
      ),
  });
  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Dashboard{program ? ` — ${program.name}` : ''}</Title>
          {data.data ? (
            <Text size="sm" c="dimmed">
              {data.data.from} to {data.data.to}, days in {data.data.timeZone} · as of {when(data.data.asOf)}
            </Text>
          ) : null}
        </div>
        <form
          aria-label="Range"
          onSubmit={(e) => {
            e.preventDefault();
            setRange(draft);
          }}
        >
          <Group align="flex-end">
            <TextInput type="date" label="From" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.currentTarget.value })} />
            <TextInput type="date" label="To" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.currentTarget.value })} />
            <Button type="submit" variant="light">
              Show
            </Button>
          </Group>
        </form>
      </Group>
      {data.isPending ? (
        <Loading what="the dashboard" />
      ) : data.error ? (
        <ErrorState error={data.error} what="the dashboard" retry={() => void data.refetch()} />
      ) : (
        <DashboardBody d={data.data} />
      )}
    </Stack>
  );
}

function DashboardBody({ d }: { d: Dashboard }) {
  return (
    <Stack>
      <SimpleGrid cols={{ base: 2, md: 5 }}>
        <Stat size="xl" label="Points earned" value={d.totals.earned.toLocaleString()} />
        <Stat size="xl" label="Points redeemed" value={d.totals.redeemed.toLocaleString()} />
        <Stat size="xl" label="Claimed sales" value={d.totals.claimedSales.toLocaleString()} />
        <Stat size="xl" label="Unclaimed sales" value={d.totals.unclaimedSales.toLocaleString()} />
        <Stat size="xl" label="Claimed sales value" value={money(d.totals.claimedCents)} />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <ChartCard
          title="Points earned and redeemed per day"
          chart={
            <BarChart
              h={240}
              data={d.points}
              dataKey="day"
              series={[
                { name: 'earned', color: 'teal.6' },
                { name: 'redeemed', color: 'orange.6' },
              ]}
              tickLine="y"
            />
          }
          columns={['day', 'earned', 'redeemed', 'adjusted', 'expired', 'reversedEarn', 'returnedRedeem']}
          rows={[...d.points].reverse()}
          empty={d.totals.earned === 0 && d.totals.redeemed === 0 ? 'No points moved in this range.' : null}
        />
        <ChartCard
          title="Claimed and unclaimed sales per day"
          chart={
            <BarChart
              h={240}
              type="stacked"
              data={d.sales}
              dataKey="day"
              series={[
                { name: 'claimed', color: 'teal.6' },
                { name: 'unclaimed', color: 'yellow.6' },
                { name: 'voided', color: 'gray.5' },
              ]}
              tickLine="y"
            />
          }
          columns={['day', 'claimed', 'unclaimed', 'voided', 'claimedCents', 'unclaimedCents']}
          rows={[...d.sales].reverse()}
          empty={d.totals.claimedSales + d.totals.unclaimedSales === 0 ? 'No sales in this range yet: they appear as soon as a POS sends them.' : null}
        />
        <ChartCard
          title="Top rewards and offers"
          chart={
            <BarChart
              h={240}
              orientation="vertical"
              data={d.topRewards}
              dataKey="name"
              series={[{ name: 'redeemed', color: 'grape.6' }]}
              yAxisProps={{ width: 160 }}
            />
          }
          columns={['name', 'kind', 'redeemed', 'sales', 'points']}
          rows={d.topRewards}
          empty={d.topRewards.length === 0 ? 'Nothing redeemed in this range.' : null}
        />
        <ChartCard
          title={`Points expiring in the next ${d.expiring.horizonDays} days`}
          subtitle={`${d.expiring.total.toLocaleString()} points by day; ${d.expiring.dueNow.points.toLocaleString()} of ${d.expiring.dueNow.guests} guests are due at the next expiry run. Policy: ${d.expiring.policy.kind}.`}
          chart={<BarChart h={240} data={d.expiring.days} dataKey="day" series={[{ name: 'points', color: 'red.6' }]} tickLine="y" />}
          columns={['day', 'points', 'guests']}
          rows={d.expiring.days}
          empty={d.expiring.total === 0 && d.expiring.dueNow.points === 0 ? 'No points expire in the next 30 days.' : null}
        />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Card withBorder component="section" aria-label="Promotions pending per location">
          <Title order={4} mb="xs">
            Promotions pending per location
          </Title>
          <DataTable
            label="Pending promotions"
            rows={d.pendingPromotions}
            rowKey={(p) => p.locationId}
            empty={{ title: 'Nothing waits for review.' }}
            columns={[
              { key: 'location', header: 'Location', cell: (p) => <Link to={`/register-updates?location=${p.locationId}`}>{p.name}</Link> },
              { key: 'add', header: 'Add', cell: (p) => p.add },
              { key: 'modify', header: 'Modify', cell: (p) => p.modify },
              { key: 'end', header: 'End', cell: (p) => p.end },
              { key: 'since', header: 'Waiting since', cell: (p) => when(p.oldestAt) },
            ]}
          />
        </Card>
        <Card withBorder component="section" aria-label="Sync failures in the last 24 hours">
          <Title order={4} mb="xs">
            Sync failures in the last 24 hours <Badge color={d.syncFailures.total ? 'red' : 'teal'}>{d.syncFailures.total}</Badge>
          </Title>
          {d.syncFailures.locations.length === 0 ? (
            <Text c="dimmed" size="sm">
              Every sync since {when(d.syncFailures.since)} succeeded.
            </Text>
          ) : (
            <Stack gap="xs">
              {d.syncFailures.locations.map((f) => (
                <Alert key={f.locationId} color="red" title={`${f.name}: ${f.failures} failed`}>
                  Last at {when(f.lastAt)}: {f.lastErrorCode ? `${f.lastErrorCode} — ` : ''}
                  {f.lastError ?? 'no reason recorded'} · <Link to={`/locations?location=${f.locationId}`}>open the location</Link>
                </Alert>
              ))}
            </Stack>
          )}
        </Card>
      </SimpleGrid>
    </Stack>
  );
}

/** A chart with its numbers one click away (the same rows as a table; day series newest first). */
function ChartCard<T extends object>({
  title,
  subtitle,
  chart,
  columns,
  rows,
  empty,
}: {
  title: string;
  subtitle?: string;
  chart: ReactNode;
  columns: (keyof T & string)[];
  rows: T[];
  empty: string | null;
}) {
  const [view, setView] = useState('chart');
  return (
    <Card withBorder component="section" aria-label={title}>
      <Group justify="space-between" mb="xs" wrap="nowrap" align="flex-start">
        <div>
          <Title order={4}>{title}</Title>
          {subtitle ? (
            <Text size="xs" c="dimmed">
              {subtitle}
            </Text>
          ) : null}
        </div>
        <SegmentedControl
          size="xs"
          aria-label={`${title}: view`}
          data={[
            { value: 'chart', label: 'Chart' },
            { value: 'numbers', label: 'Numbers' },
          ]}
          value={view}
          onChange={setView}
        />
      </Group>
      {empty && view === 'chart' ? (
        <Empty title={empty} />
      ) : view === 'chart' ? (
        chart
      ) : (
        <DataTable
          label={`${title}: numbers`}
          rows={rows}
          rowKey={(_, i) => String(i)}
          empty={{ title: empty ?? 'No numbers in this range.' }}
          minWidth={400}
          maxHeight={280}
          striped
          columns={columns.map((c) => ({ key: c, header: c, cell: (r: T) => String((r as Record<string, unknown>)[c]) }))}
        />
      )}
    </Card>
  );
}

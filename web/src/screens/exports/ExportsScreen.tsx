import { Button, Card, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { download } from '../../api/client';
import { useProgram } from '../../shell/program';
import { Loading } from '../../shell/states';

const EXPORTS = [
  {
    kind: 'transactions',
    title: 'Transactions',
    text: 'Every sale created in the range: store, receipt code, status, subtotal, points earned and redeemed.',
    ranged: true,
  },
  {
    kind: 'ledger',
    title: 'Points ledger',
    text: 'Every points movement in the range with its kind, balance after, sale and reason — the whole story of every balance.',
    ranged: true,
  },
  { kind: 'balances', title: 'Balances', text: 'Every guest with the balance now.', ranged: false },
] as const;

/** CSV exports for finance, streamed by the server (column layout: docs/admin-api.md#exports). */
export default function ExportsScreen() {
  const { programId, program } = useProgram();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  if (!programId) return <Loading what="your program" />;
  const get = async (kind: string, ranged: boolean) => {
    setBusy(kind);
    try {
      const q = new URLSearchParams(ranged ? Object.entries({ from, to }).filter(([, v]) => v) : []);
      await download(`/admin/v1/programs/${programId}/exports/${kind}.csv${q.size ? `?${q}` : ''}`, `${kind}.csv`);
    } catch (e) {
      notifications.show({ color: 'red', title: 'Export failed', message: (e as Error).message });
    } finally {
      setBusy(null);
    }
  };
  return (
    <Stack>
      <Title order={2}>Exports{program ? ` — ${program.name}` : ''}</Title>
      <Text c="dimmed" size="sm">
        CSV files (UTF-8, header row) for finance. Dates are UTC days, inclusive; leave them empty for everything.
      </Text>
      <Group>
        <TextInput type="date" label="From (UTC day)" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
        <TextInput type="date" label="To (UTC day)" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
      </Group>
      {EXPORTS.map((x) => (
        <Card withBorder key={x.kind} component="section" aria-label={x.title}>
          <Group justify="space-between">
            <div>
              <Title order={4}>{x.title}</Title>
              <Text size="sm" c="dimmed">
                {x.text}
              </Text>
            </div>
            <Button loading={busy === x.kind} onClick={() => void get(x.kind, x.ranged)}>
              Download {x.title.toLowerCase()} CSV
            </Button>
          </Group>
        </Card>
      ))}
    </Stack>
  );
}

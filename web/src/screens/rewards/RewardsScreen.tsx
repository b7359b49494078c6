import { Badge, Button, Group, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, Route, Routes, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { Can } from '../../auth/auth';
import { useProgram } from '../../shell/program';
import { Empty, ErrorState, Loading, Pager, usePage } from '../../shell/states';
import { IncentiveEditor } from './IncentiveEditor';

/** Rewards and offers: list, create, edit; rule forms from the rule registry's schemas; PLU per vendor; POS and receipt preview. */
export default function RewardsScreen() {
  return (
    <Routes>
      <Route index element={<IncentiveList />} />
      <Route path="new" element={<IncentiveEditor key="new" incentiveId={null} />} />
      <Route path=":incentiveId" element={<EditRoute />} />
    </Routes>
  );
}

function EditRoute() {
  const { incentiveId } = useParams();
  return <IncentiveEditor key={incentiveId} incentiveId={incentiveId ?? null} />;
}

function IncentiveList() {
  const { programId, program } = useProgram();
  const [kind, setKind] = useState('all');
  const [page, setPage] = useState(1);
  const list = useQuery({
    queryKey: ['incentives', programId, kind],
    enabled: !!programId,
    queryFn: () =>
      unwrap(api.GET('/admin/v1/programs/{programId}/incentives', { params: { path: { programId: programId! }, query: kind === 'all' ? {} : { kind: kind as 'REWARD' | 'OFFER' } } })),
  });
  const rows = usePage(list.data ?? [], page);
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Rewards & offers{program ? ` — ${program.name}` : ''}</Title>
        <Can capability="manage">
          <Button component={Link} to="/rewards/new">
            New reward or offer
          </Button>
        </Can>
      </Group>
      <SegmentedControl
        aria-label="Show"
        w="fit-content"
        data={[{ value: 'all', label: 'All' }, { value: 'REWARD', label: 'Rewards' }, { value: 'OFFER', label: 'Offers' }]}
        value={kind}
        onChange={(v) => {
          setKind(v);
          setPage(1);
        }}
      />
      {list.isPending ? (
        <Loading what="rewards and offers" />
      ) : list.error ? (
        <ErrorState error={list.error} what="rewards and offers" retry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <Empty title="No rewards or offers yet">Create one with “New reward or offer”: give it a name, a point cost, rules and the PLU each POS rings it with.</Empty>
      ) : (
        <>
          <Table.ScrollContainer minWidth={640}>
            <Table striped highlightOnHover aria-label="Rewards and offers">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Kind</Table.Th>
                  <Table.Th>Points</Table.Th>
                  <Table.Th>Rules</Table.Th>
                  <Table.Th>POS vendors</Table.Th>
                  <Table.Th>Status</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.items.map((i) => (
                  <Table.Tr key={i.id}>
                    <Table.Td>
                      <Link to={`/rewards/${i.id}`}>{i.name}</Link>
                    </Table.Td>
                    <Table.Td>{i.kind}</Table.Td>
                    <Table.Td>{i.kind === 'REWARD' ? i.pointCost : '—'}</Table.Td>
                    <Table.Td>{i.rules.map((r) => r.ruleId).join(', ') || <Text c="dimmed" span>none</Text>}</Table.Td>
                    <Table.Td>{Object.keys(i.vendorConfigs).join(', ')}</Table.Td>
                    <Table.Td>
                      <Badge color={i.active ? 'teal' : 'gray'} variant="light">
                        {i.active ? 'active' : 'inactive'}
                      </Badge>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Pager page={page} pages={rows.pages} onChange={setPage} label="Rewards and offers" />
        </>
      )}
    </Stack>
  );
}

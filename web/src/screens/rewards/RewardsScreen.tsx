import { Badge, Button, Group, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, Route, Routes, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { Can } from '../../auth/auth';
import { useProgram } from '../../shell/program';
import { DataTable } from '../../shell/DataTable';
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
  const list = useQuery({
    queryKey: ['incentives', programId, kind],
    enabled: !!programId,
    queryFn: () =>
      unwrap(
        api.GET('/admin/v1/programs/{programId}/incentives', {
          params: { path: { programId: programId! }, query: kind === 'all' ? {} : { kind: kind as 'REWARD' | 'OFFER' } },
        }),
      ),
  });
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
        data={[
          { value: 'all', label: 'All' },
          { value: 'REWARD', label: 'Rewards' },
          { value: 'OFFER', label: 'Offers' },
        ]}
        value={kind}
        onChange={setKind}
      />
      <DataTable
        key={kind}
        label="Rewards and offers"
        what="rewards and offers"
        query={list}
        rows={list.data}
        rowKey={(i) => i.id}
        empty={{
          title: 'No rewards or offers yet',
          hint: 'Create one with “New reward or offer”: give it a name, a point cost, rules and the PLU each POS rings it with.',
        }}
        pageSize={25}
        minWidth={640}
        striped
        highlightOnHover
        columns={[
          { key: 'name', header: 'Name', cell: (i) => <Link to={`/rewards/${i.id}`}>{i.name}</Link> },
          { key: 'kind', header: 'Kind', cell: (i) => i.kind },
          { key: 'points', header: 'Points', cell: (i) => (i.kind === 'REWARD' ? i.pointCost : '—') },
          {
            key: 'rules',
            header: 'Rules',
            cell: (i) =>
              i.rules.map((r) => r.ruleId).join(', ') || (
                <Text c="dimmed" span>
                  none
                </Text>
              ),
          },
          { key: 'vendors', header: 'POS vendors', cell: (i) => Object.keys(i.vendorConfigs).join(', ') },
          {
            key: 'status',
            header: 'Status',
            cell: (i) => (
              <Badge color={i.active ? 'teal' : 'gray'} variant="light">
                {i.active ? 'active' : 'inactive'}
              </Badge>
            ),
          },
        ]}
      />
    </Stack>
  );
}

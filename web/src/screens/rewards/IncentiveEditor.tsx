import { Alert, Badge, Button, Card, Code, Grid, Group, List, NumberInput, SegmentedControl, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, ApiError, type paths, unwrap } from '../../api/client';
import { useAuth } from '../../auth/auth';
import { useProgram } from '../../shell/program';
import { ErrorState, Loading } from '../../shell/states';
import { RuleBuilder, type RuleEntry, type RuleRef } from './RuleBuilder';
import { type PluConfig, VendorPlus } from './VendorPlus';

export type Incentive = paths['/admin/v1/programs/{programId}/incentives/{incentiveId}']['get']['responses']['200']['content']['application/json'];
type NewIncentive = paths['/admin/v1/programs/{programId}/incentives']['post']['requestBody']['content']['application/json'];

export interface Draft {
  kind: 'REWARD' | 'OFFER';
  name: string;
  pointCost: number;
  rules: RuleRef[];
  vendorConfigs: Record<string, PluConfig>;
  active: boolean;
}

export const EMPTY_DRAFT: Draft = {
  kind: 'REWARD',
  name: '',
  pointCost: 100,
  rules: [],
  vendorConfigs: { partner: { pluType: 'constantPlu', constantPlu: '' } },
  active: true,
};

/** The body the admin API takes for a draft: offers carry no point cost. */
export function toBody(d: Draft): NewIncentive {
  return {
    kind: d.kind,
    name: d.name.trim(),
    ...(d.kind === 'REWARD' ? { pointCost: d.pointCost } : { pointCost: 0 }),
    rules: d.rules,
    vendorConfigs: d.vendorConfigs as NewIncentive['vendorConfigs'],
    active: d.active,
  };
}

export function useRuleCatalogue() {
  return useQuery({ queryKey: ['rules'], queryFn: async () => (await unwrap(api.GET('/admin/v1/rules'))) as RuleEntry[], staleTime: 5 * 60_000 });
}

/** Create or edit a reward or offer: name, cost, rules, PLUs, and the live POS and receipt preview. */
export function IncentiveEditor({ incentiveId }: { incentiveId: string | null }) {
  const { programId } = useProgram();
  const { can } = useAuth();
  const catalogue = useRuleCatalogue();
  const existing = useQuery({
    queryKey: ['incentive', programId, incentiveId],
    enabled: !!programId && incentiveId !== null,
    queryFn: () =>
      unwrap(api.GET('/admin/v1/programs/{programId}/incentives/{incentiveId}', { params: { path: { programId: programId!, incentiveId: incentiveId! } } })),
  });
  const [draft, setDraft] = useState<Draft | null>(incentiveId === null ? EMPTY_DRAFT : null);
  useEffect(() => {
    if (existing.data && draft === null) {
      const i = existing.data;
      setDraft({
        kind: i.kind,
        name: i.name,
        pointCost: i.pointCost,
        rules: i.rules as RuleRef[],
        vendorConfigs: i.vendorConfigs as Record<string, PluConfig>,
        active: i.active,
      });
    }
  }, [existing.data, draft]);

  if (!programId) return <Loading what="your program" />;
  if (existing.error) return <ErrorState error={existing.error} what="the incentive" retry={() => void existing.refetch()} />;
  if (catalogue.error) return <ErrorState error={catalogue.error} what="the rule registry" retry={() => void catalogue.refetch()} />;
  if (!draft || catalogue.isPending) return <Loading what="the incentive" />;
  return (
    <EditorForm programId={programId} incentiveId={incentiveId} catalogue={catalogue.data ?? []} draft={draft} setDraft={setDraft} readOnly={!can('manage')} />
  );
}

function EditorForm({
  programId,
  incentiveId,
  catalogue,
  draft,
  setDraft,
  readOnly,
}: {
  programId: string;
  incentiveId: string | null;
  catalogue: RuleEntry[];
  draft: Draft;
  setDraft: (d: Draft) => void;
  readOnly: boolean;
}) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft({ ...draft, [k]: v });
  const save = useMutation({
    mutationFn: async () => {
      const body = toBody(draft);
      if (incentiveId === null) return unwrap(api.POST('/admin/v1/programs/{programId}/incentives', { params: { path: { programId } }, body }));
      const patch = { name: body.name, pointCost: body.pointCost, rules: body.rules, vendorConfigs: body.vendorConfigs, active: body.active };
      return unwrap(api.PATCH('/admin/v1/programs/{programId}/incentives/{incentiveId}', { params: { path: { programId, incentiveId } }, body: patch }));
    },
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: ['incentives', programId] });
      queryClient.setQueryData(['incentive', programId, saved.id], saved);
      // Nothing waits for the next screen to load; the router shows its own errors.
      void navigate(`/rewards/${saved.id}`, { replace: true, state: { saved: true } });
    },
  });
  const problems = save.error instanceof ApiError ? ((save.error.details?.problems as string[] | undefined) ?? [save.error.message]) : [];
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{incentiveId === null ? 'New reward or offer' : draft.name || 'Incentive'}</Title>
        <Button component={Link} to="/rewards" variant="subtle">
          Back to the list
        </Button>
      </Group>
      {readOnly ? <Alert color="gray">Your role can look at incentives but not change them.</Alert> : null}
      <Grid>
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack>
            <Card withBorder component="section" aria-label="Basics">
              <Stack gap="sm">
                {incentiveId === null ? (
                  <div>
                    <Text size="sm" fw={500} id="kind-label">
                      Kind
                    </Text>
                    <SegmentedControl
                      aria-labelledby="kind-label"
                      data={[
                        { value: 'REWARD', label: 'Reward (costs points)' },
                        { value: 'OFFER', label: 'Offer (free)' },
                      ]}
                      value={draft.kind}
                      onChange={(v) => set('kind', v as Draft['kind'])}
                    />
                  </div>
                ) : (
                  <Badge variant="light">{draft.kind}</Badge>
                )}
                <TextInput label="Name" required value={draft.name} onChange={(e) => set('name', e.currentTarget.value)} disabled={readOnly} />
                {draft.kind === 'REWARD' ? (
                  <NumberInput
                    label="Point cost"
                    required
                    min={1}
                    allowDecimal={false}
                    value={draft.pointCost}
                    onChange={(v) => set('pointCost', Number(v) || 0)}
                    disabled={readOnly}
                  />
                ) : null}
                <Switch
                  label="Active (offered to guests and the POS)"
                  checked={draft.active}
                  onChange={(e) => set('active', e.currentTarget.checked)}
                  disabled={readOnly}
                />
              </Stack>
            </Card>
            <Card withBorder component="section" aria-label="Rules">
              <Title order={4} mb="xs">
                Rules
              </Title>
              <RuleBuilder catalogue={catalogue} rules={draft.rules} onChange={(rules) => set('rules', rules)} />
            </Card>
            <Card withBorder component="section" aria-label="PLUs per POS vendor">
              <Title order={4} mb="xs">
                PLUs per POS vendor
              </Title>
              <VendorPlus value={draft.vendorConfigs} onChange={(v) => set('vendorConfigs', v)} />
            </Card>
            {problems.length > 0 ? (
              <Alert color="red" title="Not saved" role="alert">
                <List size="sm">
                  {problems.map((p) => (
                    <List.Item key={p}>{p}</List.Item>
                  ))}
                </List>
              </Alert>
            ) : null}
            {!readOnly ? (
              <Group>
                <Button onClick={() => save.mutate()} loading={save.isPending}>
                  {incentiveId === null ? 'Create' : 'Save changes'}
                </Button>
              </Group>
            ) : null}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          {readOnly ? (
            <Alert color="gray" title="How the POS will see it">
              The POS and receipt preview is for roles that edit incentives.
            </Alert>
          ) : (
            <PosPreview programId={programId} incentiveId={incentiveId} draft={draft} />
          )}
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

/** What each POS vendor receives on identify and prints on the receipt, from the server's own dialects. */
function PosPreview({ programId, incentiveId, draft }: { programId: string; incentiveId: string | null; draft: Draft }) {
  const [debounced] = useDebouncedValue(draft, 400);
  const ready = debounced.name.trim() !== '' && Object.keys(debounced.vendorConfigs).length > 0;
  const preview = useQuery({
    queryKey: ['preview', programId, incentiveId, debounced],
    enabled: ready,
    retry: false,
    queryFn: () =>
      unwrap(
        api.POST('/admin/v1/programs/{programId}/incentives/preview', {
          params: { path: { programId } },
          body: { incentive: toBody(debounced), ...(incentiveId ? { id: incentiveId } : {}) },
        }),
      ),
  });
  return (
    <Card withBorder component="section" aria-label="POS preview" pos="sticky" top={76}>
      <Title order={4}>How the POS will see it</Title>
      <Text size="sm" c="dimmed" mb="sm">
        A guest with 1,000 points who picked it, on a $10 sale.
      </Text>
      {!ready ? (
        <Text size="sm" c="dimmed">
          Give it a name and a PLU for at least one vendor to see the preview.
        </Text>
      ) : preview.isPending ? (
        <Loading what="the preview" />
      ) : preview.error ? (
        <Alert color="yellow" title="No preview yet">
          {(preview.error as Error).message}
        </Alert>
      ) : (
        <Stack gap="md">
          {preview.data.vendors.map((v) => (
            <div key={v.vendor}>
              <Text fw={600}>
                {v.vendor}{' '}
                <Text span c="dimmed" size="sm">
                  ({v.dialect} dialect)
                </Text>
              </Text>
              <Text size="xs" c="dimmed">
                identify → order[] line
              </Text>
              <Code block>{JSON.stringify(v.orderLine ?? (v.identify as Record<string, unknown>).eligibleDiscounts ?? null, null, 2)}</Code>
              <Text size="xs" c="dimmed" mt={4}>
                receipt
              </Text>
              <Code block>{Object.values(v.receipt).join('\n') || '(no receipt lines)'}</Code>
            </div>
          ))}
        </Stack>
      )}
    </Card>
  );
}

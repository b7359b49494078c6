import { ActionIcon, Button, Card, Group, Select, Stack, Text } from '@mantine/core';
import Form from '@rjsf/mantine';
import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { useState } from 'react';

/** One entry of GET /admin/v1/rules: the rule registry as data. */
export interface RuleEntry {
  id: string;
  description: string;
  args: unknown;
}

export interface RuleRef {
  ruleId: string;
  args: Record<string, unknown>;
}

const UI: UiSchema = { 'ui:submitButtonOptions': { norender: true } };

/**
 * The form of one rule's arguments, generated from the argument schema the registry publishes: a
 * rule type added on the server needs no change here. Rendered with rjsf's Mantine theme
 * (@rjsf/mantine), so its inputs are the kit's own labelled, accessible fields.
 */
export function RuleArgsForm({
  rule,
  value,
  onChange,
  idPrefix,
}: {
  rule: RuleEntry;
  value: Record<string, unknown>;
  onChange: (args: Record<string, unknown>) => void;
  idPrefix: string;
}) {
  return (
    <Form
      schema={{ title: '', ...(rule.args as RJSFSchema) }}
      uiSchema={UI}
      formData={value}
      validator={validator}
      idPrefix={idPrefix}
      liveValidate
      showErrorList={false}
      noHtml5Validate
      onChange={(e) => onChange((e.formData ?? {}) as Record<string, unknown>)}
    />
  );
}

/** The incentive's rules: add any rule of the registry, fill its generated form, remove it. */
export function RuleBuilder({ catalogue, rules, onChange }: { catalogue: RuleEntry[]; rules: RuleRef[]; onChange: (rules: RuleRef[]) => void }) {
  const [adding, setAdding] = useState<string | null>(null);
  const byId = new Map(catalogue.map((r) => [r.id, r]));
  const replace = (i: number, args: Record<string, unknown>) => onChange(rules.map((r, j) => (j === i ? { ...r, args } : r)));
  return (
    <Stack gap="sm">
      {rules.length === 0 ? (
        <Text c="dimmed" size="sm">
          No rules: the incentive is always eligible (rewards still need the points).
        </Text>
      ) : null}
      {rules.map((r, i) => {
        const entry = byId.get(r.ruleId);
        return (
          <Card key={`${r.ruleId}-${i}`} withBorder padding="sm" aria-label={`Rule ${i + 1}: ${r.ruleId}`} component="section">
            <Group justify="space-between" align="flex-start" wrap="nowrap">
              <div>
                <Text fw={600}>{r.ruleId}</Text>
                <Text size="sm" c="dimmed">
                  {entry?.description ?? 'This rule is not in the registry of this server.'}
                </Text>
              </div>
              <ActionIcon variant="subtle" color="red" aria-label={`Remove rule ${r.ruleId}`} onClick={() => onChange(rules.filter((_, j) => j !== i))}>
                ✕
              </ActionIcon>
            </Group>
            {entry ? <RuleArgsForm rule={entry} value={r.args} idPrefix={`rule-${i}-${r.ruleId}`} onChange={(args) => replace(i, args)} /> : null}
          </Card>
        );
      })}
      <Group align="flex-end">
        <Select
          label="Add a rule"
          placeholder="Choose a rule"
          searchable
          data={catalogue.map((r) => ({ value: r.id, label: `${r.id} — ${r.description}` }))}
          value={adding}
          onChange={setAdding}
          w={{ base: '100%', sm: 460 }}
          comboboxProps={{ withinPortal: true }}
        />
        <Button
          variant="light"
          disabled={!adding}
          onClick={() => {
            if (!adding) return;
            onChange([...rules, { ruleId: adding, args: {} }]);
            setAdding(null);
          }}
        >
          Add rule
        </Button>
      </Group>
    </Stack>
  );
}

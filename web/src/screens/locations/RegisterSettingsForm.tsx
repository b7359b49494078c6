import { Alert, Button, Group, NumberInput, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { Location, LocationPatch } from '../../cstore/api';

type Mode = Location['registerIds'];
const STORE_ID = /^[A-Za-z0-9._-]{1,20}$/;
const MAX_START = 99_999_999;

/**
 * The ids the register knows: its own store number (NAXML StoreLocationID) and how promotions are
 * numbered on it. The numbering is fixed once a batch was accepted (the server refuses a change
 * then; `locked` says so up front, from the server's register status).
 */
export function RegisterSettingsForm({
  location,
  locked,
  busy,
  onSubmit,
}: {
  location: Location;
  locked: boolean;
  busy?: boolean;
  onSubmit: (patch: LocationPatch) => Promise<unknown> | void;
}) {
  const [storeId, setStoreId] = useState(location.registerStoreId ?? '');
  const [mode, setMode] = useState<Mode>(location.registerIds);
  const [start, setStart] = useState<number | string>(location.registerIdStart);
  const [errors, setErrors] = useState<Record<string, string>>({});

  function validate(): Record<string, string> {
    const e: Record<string, string> = {};
    if (storeId.trim() && !STORE_ID.test(storeId.trim())) e.registerStoreId = 'Up to 20 letters, digits, dots, dashes or underscores';
    const n = Number(start);
    if (!locked && mode === 'numeric' && (!Number.isInteger(n) || n < 1 || n > MAX_START))
      e.registerIdStart = `A whole number from 1 to ${MAX_START.toLocaleString('en-US')}`;
    return e;
  }

  return (
    <form
      aria-label="Register settings"
      noValidate
      onSubmit={(ev) => {
        ev.preventDefault();
        const e = validate();
        setErrors(e);
        if (Object.keys(e).length) return;
        const patch: LocationPatch = { registerStoreId: storeId.trim() || null };
        if (!locked) {
          patch.registerIds = mode;
          if (mode === 'numeric') patch.registerIdStart = Number(start);
        }
        return onSubmit(patch);
      }}
    >
      <Stack>
        <TextInput
          label="Store number at the register"
          description="Sent as NAXML StoreLocationID (and storeLocationId in JSON batches); empty sends the Tillpoint location id"
          placeholder={location.id}
          value={storeId}
          error={errors.registerStoreId}
          onChange={(e) => setStoreId(e.currentTarget.value)}
        />
        <Stack gap={4}>
          <Text size="sm" fw={500} id={`register-ids-${location.id}`}>
            Promotion ids on the register
          </Text>
          <SegmentedControl
            aria-labelledby={`register-ids-${location.id}`}
            value={mode}
            disabled={locked}
            onChange={(v) => setMode(v as Mode)}
            data={[
              { value: 'manufacturer', label: 'Manufacturer ids' },
              { value: 'numeric', label: 'Numbers' },
            ]}
          />
          <Text size="xs" c="dimmed">
            Manufacturer ids file each promotion under RJR’s id; numbers give each promotion its own PromotionID and ItemListID, for price books that take only
            numbers.
          </Text>
        </Stack>
        {mode === 'numeric' ? (
          <NumberInput
            label="First number"
            min={1}
            max={MAX_START}
            allowDecimal={false}
            disabled={locked}
            value={start}
            error={errors.registerIdStart}
            onChange={setStart}
          />
        ) : null}
        {locked ? (
          <Alert color="gray" variant="light">
            The promotion ids are fixed: this location accepted a batch, and its register files what it has under the ids it was sent.
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button type="submit" loading={busy}>
            Save register settings
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

import { Alert, Button, Group, PasswordInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { MANUFACTURERS, type Manufacturer, type NewScanDataAccount, type ScanDataAccount, type ScanDataAccountPatch } from '../../cstore/scandata';

/** What the form sends: a new account, or the changes to one. */
export type AccountSubmit = { create: NewScanDataAccount } | { update: ScanDataAccountPatch };

const SEPARATORS = [
  { value: '-', label: 'Dash: 2026-12-01-14:05:00 (default)' },
  { value: ' ', label: 'Space: 2026-12-01 14:05:00' },
];

/** The server's message when its 400 names `field` or one inside it (`options.dateSeparator`, `outlets[0].zip`). */
function serverError(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError) || typeof error.details?.field !== 'string') return undefined;
  const f = error.details.field;
  return f === field || f.startsWith(`${field}.`) || f.startsWith(`${field}[`) ? error.message : undefined;
}

/**
 * A scan-data account: manufacturer, the retailer account number (write-only: the stored one is
 * shown only as the server masks it, the field starts empty and is cleared once sent), the names in
 * the file and the format's options. A 400 from the server lands on the field it names.
 */
export function AccountForm({
  current,
  busy,
  error,
  onSubmit,
}: {
  current: ScanDataAccount | null;
  busy?: boolean;
  /** the last save's error, shown on the field it names */
  error?: unknown;
  onSubmit: (value: AccountSubmit) => Promise<unknown> | void;
}) {
  const [manufacturer, setManufacturer] = useState<Manufacturer>((current?.manufacturer as Manufacturer | undefined) ?? 'rjr');
  const [accountNumber, setAccountNumber] = useState('');
  const [names, setNames] = useState({ retailerName: current?.retailerName ?? '', submitterName: current?.submitterName ?? '' });
  const [dateSeparator, setDateSeparator] = useState(typeof current?.options.dateSeparator === 'string' ? current.options.dateSeparator : '-');
  const [altriaManufacturer, setAltriaManufacturer] = useState(typeof current?.options.manufacturer === 'string' ? current.options.manufacturer : 'altria');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const shown = (field: string) => errors[field] ?? serverError(error, field);

  function validate(): Record<string, string> {
    const e: Record<string, string> = {};
    const n = accountNumber.trim();
    if (!current && !n) e.accountNumber = 'The retailer account number the manufacturer gave you';
    if (n.length > 32) e.accountNumber = 'At most 32 characters';
    if (!names.retailerName.trim()) e.retailerName = 'The retailer name (it goes in the file name)';
    if (!names.submitterName.trim()) e.submitterName = 'Who submits the file (Altria’s summary line)';
    if (manufacturer === 'altria' && !altriaManufacturer.trim()) e.options = 'Whose promotions count as the manufacturer’s own, e.g. altria';
    return e;
  }

  const options = manufacturer === 'rjr' ? { dateSeparator } : { manufacturer: altriaManufacturer.trim() };
  const unexpected =
    error instanceof ApiError && !['accountNumber', 'retailerName', 'submitterName', 'options', 'manufacturer'].some((f) => serverError(error, f));

  return (
    <form
      aria-label="Scan-data account"
      noValidate
      onSubmit={async (ev) => {
        ev.preventDefault();
        const e = validate();
        setErrors(e);
        if (Object.keys(e).length) return;
        const n = accountNumber.trim();
        const common = { retailerName: names.retailerName.trim(), submitterName: names.submitterName.trim(), options };
        try {
          await onSubmit(current ? { update: { ...common, ...(n ? { accountNumber: n } : {}) } } : { create: { manufacturer, accountNumber: n, ...common } });
        } finally {
          // The account number is a credential: never kept in the page longer than it takes to send it.
          setAccountNumber('');
        }
      }}
    >
      <Stack>
        {unexpected ? (
          <Alert color="red" role="alert" title="Not saved">
            {(error as ApiError).message}
          </Alert>
        ) : null}
        <Select
          label="Manufacturer"
          data={MANUFACTURERS}
          value={manufacturer}
          onChange={(v) => v && setManufacturer(v as Manufacturer)}
          disabled={current !== null}
          description={current ? 'An account stays with its manufacturer; add another account for another one.' : undefined}
          error={shown('manufacturer')}
          allowDeselect={false}
          comboboxProps={{ withinPortal: true }}
        />
        <PasswordInput
          label="Retailer account number"
          autoComplete="off"
          required={!current}
          description={current ? `stored: ${current.accountNumber} — leave empty to keep` : 'Stored sealed; shown masked after saving'}
          value={accountNumber}
          error={shown('accountNumber')}
          onChange={(e) => setAccountNumber(e.currentTarget.value)}
        />
        <TextInput
          label="Retailer name"
          required
          description="In the file name"
          value={names.retailerName}
          error={shown('retailerName')}
          onChange={(e) => setNames({ ...names, retailerName: e.currentTarget.value })}
        />
        <TextInput
          label="Submitter name"
          required
          description="Who submits the files"
          value={names.submitterName}
          error={shown('submitterName')}
          onChange={(e) => setNames({ ...names, submitterName: e.currentTarget.value })}
        />
        {manufacturer === 'rjr' ? (
          <Select
            label="Date and time separator"
            description="Between the date and the time in transactiondate, as your RJR collector expects"
            data={SEPARATORS}
            value={dateSeparator}
            onChange={(v) => v && setDateSeparator(v)}
            error={shown('options')}
            allowDeselect={false}
            comboboxProps={{ withinPortal: true }}
          />
        ) : (
          <TextInput
            label="Manufacturer of own promotions"
            description="Its buydowns are ManufacturerOffer; other manufacturers’ are OtherManufacturerDiscount"
            value={altriaManufacturer}
            error={shown('options')}
            onChange={(e) => setAltriaManufacturer(e.currentTarget.value)}
          />
        )}
        <Text size="xs" c="dimmed">
          Outlets:{' '}
          {current?.outlets
            ? `${current.outlets.length} listed (kept as they are)`
            : 'the program’s locations holding a Scan Data license during each week, with their outlet ids and addresses.'}
        </Text>
        <Group justify="flex-end">
          <Button type="submit" loading={busy}>
            {current ? 'Save account' : 'Add account'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

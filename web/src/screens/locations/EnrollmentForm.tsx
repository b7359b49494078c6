import { Alert, Button, Group, PasswordInput, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { Enrollment, EnrollmentInput } from '../../cstore/api';

type Mode = 'single' | 'chain';

/**
 * The program's RJR Discount API enrollment: single store (outlet id, name, e-mail) or chain
 * (account number, client id, client secret). Credentials are write-only: the stored ones are
 * shown only as the server masks them, the fields start empty, and are cleared once sent.
 */
export function EnrollmentForm({
  current,
  busy,
  onSubmit,
}: {
  current: Enrollment | null;
  busy?: boolean;
  onSubmit: (body: EnrollmentInput) => Promise<unknown> | void;
}) {
  const [mode, setMode] = useState<Mode>(current?.mode ?? 'chain');
  const [single, setSingle] = useState({ outletId: current?.outletId ?? '', outletName: current?.outletName ?? '', email: current?.email ?? '' });
  const [secrets, setSecrets] = useState({ accountNumber: '', clientId: '', clientSecret: '' });
  const [baseUrl, setBaseUrl] = useState(current?.baseUrl ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  // Updating a chain enrollment may leave credentials out: the stored ones stay.
  const keeps = current?.mode === 'chain' && mode === 'chain';

  const stored = (field: 'accountNumber' | 'clientId' | 'clientSecret') =>
    keeps && current?.[field] ? `stored: ${current[field]} — leave empty to keep` : undefined;

  function validate(): Record<string, string> {
    const e: Record<string, string> = {};
    if (mode === 'single') {
      if (!single.outletId.trim()) e.outletId = 'Outlet ID from the RJR Engage API Portal';
      if (!single.outletName.trim()) e.outletName = 'Outlet name from the RJR Engage API Portal';
      if (!/^\S+@\S+$/.test(single.email.trim())) e.email = 'The e-mail you signed up for the RJR API with';
    } else if (!keeps) {
      if (!secrets.accountNumber.trim()) e.accountNumber = 'Retailer account number from the RJR Engage API Portal';
      if (!secrets.clientId.trim()) e.clientId = 'Client ID from the RJR Engage API Portal';
      if (!secrets.clientSecret) e.clientSecret = 'Secret from the RJR Engage API Portal';
    }
    if (baseUrl.trim() && !/^https?:\/\/\S+$/.test(baseUrl.trim())) e.baseUrl = 'An http(s) URL, or empty for the real RJR API';
    return e;
  }

  return (
    <form
      aria-label="RJR enrollment"
      noValidate
      onSubmit={async (ev) => {
        ev.preventDefault();
        const e = validate();
        setErrors(e);
        if (Object.keys(e).length) return;
        const base = { baseUrl: baseUrl.trim() || null };
        const body: EnrollmentInput =
          mode === 'single'
            ? { mode, outletId: single.outletId.trim(), outletName: single.outletName.trim(), email: single.email.trim(), ...base }
            : {
                mode,
                ...(secrets.accountNumber.trim() ? { accountNumber: secrets.accountNumber.trim() } : {}),
                ...(secrets.clientId.trim() ? { clientId: secrets.clientId.trim() } : {}),
                ...(secrets.clientSecret ? { clientSecret: secrets.clientSecret } : {}),
                ...base,
              };
        try {
          await onSubmit(body);
        } finally {
          // Never keep a secret in the page longer than it takes to send it.
          setSecrets({ accountNumber: '', clientId: '', clientSecret: '' });
        }
      }}
    >
      <Stack>
        <Stack gap={4}>
          <Text size="sm" fw={500} id="enroll-mode">
            Store type
          </Text>
          <SegmentedControl
            aria-labelledby="enroll-mode"
            value={mode}
            onChange={(v) => (setMode(v as Mode), setErrors({}))}
            data={[
              { value: 'single', label: 'Single store' },
              { value: 'chain', label: 'Chain (multi-store)' },
            ]}
          />
        </Stack>
        {mode === 'single' ? (
          <>
            <TextInput
              label="Outlet ID"
              required
              value={single.outletId}
              error={errors.outletId}
              onChange={(e) => setSingle({ ...single, outletId: e.currentTarget.value })}
            />
            <TextInput
              label="Outlet name"
              required
              value={single.outletName}
              error={errors.outletName}
              onChange={(e) => setSingle({ ...single, outletName: e.currentTarget.value })}
            />
            <TextInput
              label="RJR sign-up e-mail"
              type="email"
              required
              value={single.email}
              error={errors.email}
              onChange={(e) => setSingle({ ...single, email: e.currentTarget.value })}
            />
          </>
        ) : (
          <>
            {keeps ? (
              <Alert variant="light" color="gray">
                Credentials are stored sealed and never shown. Fill a field only to replace it.
              </Alert>
            ) : null}
            <PasswordInput
              label="Retailer account number"
              autoComplete="off"
              required={!keeps}
              description={stored('accountNumber')}
              value={secrets.accountNumber}
              error={errors.accountNumber}
              onChange={(e) => setSecrets({ ...secrets, accountNumber: e.currentTarget.value })}
            />
            <PasswordInput
              label="Client ID"
              autoComplete="off"
              required={!keeps}
              description={stored('clientId')}
              value={secrets.clientId}
              error={errors.clientId}
              onChange={(e) => setSecrets({ ...secrets, clientId: e.currentTarget.value })}
            />
            <PasswordInput
              label="Client secret"
              autoComplete="new-password"
              required={!keeps}
              description={stored('clientSecret')}
              value={secrets.clientSecret}
              error={errors.clientSecret}
              onChange={(e) => setSecrets({ ...secrets, clientSecret: e.currentTarget.value })}
            />
          </>
        )}
        <TextInput
          label="API base URL"
          description="Leave empty for the RJR Discount API; set it to try the simulator"
          placeholder="https://…"
          value={baseUrl}
          error={errors.baseUrl}
          onChange={(e) => setBaseUrl(e.currentTarget.value)}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={busy}>
            Save enrollment
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

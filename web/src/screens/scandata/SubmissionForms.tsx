import { Alert, Button, Group, Modal, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { type ReactNode, useState } from 'react';
import { ApiError, fieldError } from '../../api/client';
import type { Rejection } from '../../cstore/scandata';

/** The server's refusal in its words, naming the field when it names one. */
export function ServerError({ error }: { error: unknown }) {
  if (!error) return null;
  const field = error instanceof ApiError && typeof error.details?.field === 'string' ? error.details.field : null;
  return (
    <Alert color="red" role="alert" title="That did not work">
      {(error as Error).message}
      {field ? ` (field: ${field})` : ''}
    </Alert>
  );
}

/** Asks before a mutating action: what will happen, and the server's answer if it refuses. */
export function ConfirmModal({
  opened,
  title,
  confirm,
  busy,
  error,
  onClose,
  onConfirm,
  children,
}: {
  opened: boolean;
  title: string;
  confirm: string;
  busy?: boolean;
  error?: unknown;
  onClose: () => void;
  onConfirm: () => void;
  children: ReactNode;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title={title}>
      <Stack>
        {children}
        <ServerError error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={onConfirm} loading={busy}>
            {confirm}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** The collector's rejection of a submitted file: its code (required) and message. */
export function RejectionForm({
  busy,
  error,
  onCancel,
  onSubmit,
}: {
  busy?: boolean;
  error?: unknown;
  onCancel: () => void;
  onSubmit: (body: Rejection) => void;
}) {
  const [code, setCode] = useState('');
  const [message, setMessage] = useState('');
  const [codeError, setCodeError] = useState<string | undefined>();
  const unexpected = error && !fieldError(error, 'code') && !fieldError(error, 'message') ? error : null;
  return (
    <form
      aria-label="Record rejection"
      noValidate
      onSubmit={(ev) => {
        ev.preventDefault();
        const c = code.trim();
        const e = !c ? 'The code the collector gave, e.g. ID-4-4-1' : c.length > 40 ? 'At most 40 characters' : undefined;
        setCodeError(e);
        if (e) return;
        onSubmit({ code: c, message: message.trim() || null });
      }}
    >
      <Stack>
        <Text size="sm">Generate the week again afterwards to send a corrected file; this one stays on record.</Text>
        <TextInput
          label="Rejection code"
          required
          placeholder="ID-4-4-1"
          value={code}
          error={codeError ?? fieldError(error, 'code')}
          onChange={(e) => setCode(e.currentTarget.value)}
        />
        <Textarea
          label="Message"
          description="What the collector said"
          rows={3}
          maxLength={2000}
          value={message}
          error={fieldError(error, 'message')}
          onChange={(e) => setMessage(e.currentTarget.value)}
        />
        <ServerError error={unexpected} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" color="red" loading={busy}>
            Record rejection
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Releasing a week held for review, with the reason for the audit log. */
export function ReleaseForm({
  holdReason,
  busy,
  error,
  onCancel,
  onSubmit,
}: {
  holdReason: string | null;
  busy?: boolean;
  error?: unknown;
  onCancel: () => void;
  onSubmit: (reason: string | null) => void;
}) {
  const [reason, setReason] = useState('');
  return (
    <form
      aria-label="Release week"
      noValidate
      onSubmit={(ev) => {
        ev.preventDefault();
        onSubmit(reason.trim() || null);
      }}
    >
      <Stack>
        <Text size="sm">Held for review{holdReason ? `: ${holdReason}` : ''}. Releasing offers the file for download and submission.</Text>
        <Textarea
          label="Why it is right to send"
          description="Kept in the audit log"
          rows={3}
          maxLength={500}
          value={reason}
          error={fieldError(error, 'reason')}
          onChange={(e) => setReason(e.currentTarget.value)}
        />
        <ServerError error={fieldError(error, 'reason') ? null : error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            Release
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

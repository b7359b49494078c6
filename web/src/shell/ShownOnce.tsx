import { Alert, Button, Code, Modal, Stack } from '@mantine/core';

/** A secret the server shows this once: copy it now. */
export function ShownOnce({ title, secret, onClose }: { title: string; secret: string | null; onClose: () => void }) {
  return (
    <Modal opened={secret !== null} onClose={onClose} title={title}>
      <Stack>
        <Alert color="yellow">This is the only time it is shown. Store it now; Tillpoint keeps only a hash.</Alert>
        <Code block data-testid="shown-once">
          {secret}
        </Code>
        <Button onClick={onClose}>I have stored it</Button>
      </Stack>
    </Modal>
  );
}

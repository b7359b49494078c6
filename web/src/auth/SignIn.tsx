import { Alert, Button, Center, Paper, PasswordInput, Stack, TextInput, Title, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useAuth } from './auth';

/** Sign in with an admin user's e-mail and password (the server's /admin/v1/auth/login). */
export function SignIn() {
  const { signIn } = useAuth();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useForm({
    initialValues: { email: '', password: '' },
    validate: { email: (v) => (/^\S+@\S+$/.test(v) ? null : 'Enter your e-mail address'), password: (v) => (v ? null : 'Enter your password') },
  });
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder p="xl" w={400} maw="100%" component="main">
        <form
          onSubmit={form.onSubmit(async ({ email, password }) => {
            setBusy(true);
            setError(null);
            try {
              await signIn(email, password);
            } catch (e) {
              setError((e as Error).message);
            } finally {
              setBusy(false);
            }
          })}
        >
          <Stack>
            <Title order={2}>Sign in to Tillpoint</Title>
            <Text size="sm" c="dimmed">
              Use your back-office account. The demo server prints its owner login when it starts.
            </Text>
            {error ? (
              <Alert color="red" role="alert" title="Sign-in failed">
                {error}
              </Alert>
            ) : null}
            <TextInput label="E-mail" type="email" autoComplete="username" required {...form.getInputProps('email')} />
            <PasswordInput label="Password" autoComplete="current-password" required {...form.getInputProps('password')} />
            <Button type="submit" loading={busy}>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}

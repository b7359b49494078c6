import { Alert, Anchor, Button, Stack, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, type GuestSession, sessions, unwrap } from './api';

/**
 * Sign in (or join) with an e-mail and the one-time code the program sends to it. On success the
 * token is kept for the program and `onSignedIn` gets it.
 */
export function SignInForm({ program, intro, onSignedIn }: { program: string; intro?: string; onSignedIn: (session: GuestSession) => void }) {
  const [email, setEmail] = useState('');
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const path = { params: { path: { program } } };

  const start = useMutation({
    mutationFn: (to: string) => unwrap(api.POST('/app/v1/{program}/auth/start', { ...path, body: { email: to } })),
    onSuccess: (_sent, to) => {
      setSentTo(to);
      setCode('');
    },
  });
  const verify = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/app/v1/{program}/auth/verify', { ...path, body: { email: sentTo!, code: code.trim(), ...(name.trim() ? { name: name.trim() } : {}) } }),
      ),
    onSuccess: (signedIn) => {
      const session = { token: signedIn.token, expiresAt: signedIn.expiresAt, name: signedIn.guest.name };
      sessions.set(program, session);
      onSignedIn(session);
    },
  });

  if (sentTo === null) {
    const submit = (e: FormEvent) => {
      e.preventDefault();
      start.mutate(email.trim());
    };
    return (
      <form onSubmit={submit} aria-label="Sign in">
        <Stack gap="sm">
          <Text>{intro ?? 'Sign in or join with your e-mail. We send you a 6-digit login code; no password needed.'}</Text>
          <TextInput
            label="E-mail"
            type="email"
            autoComplete="email"
            required
            maxLength={254}
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
          />
          {start.error && (
            <Alert color="red" role="alert" title="The code could not be sent">
              {start.error.message}
            </Alert>
          )}
          <Button type="submit" loading={start.isPending} fullWidth>
            Send me a login code
          </Button>
        </Stack>
      </form>
    );
  }

  const submit = (e: FormEvent) => {
    e.preventDefault();
    verify.mutate();
  };
  return (
    <form onSubmit={submit} aria-label="Enter your login code">
      <Stack gap="sm">
        <Text>
          We sent a 6-digit code to <b>{sentTo}</b>. It works for 10 minutes.
        </Text>
        <TextInput
          label="Login code"
          required
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]{6}"
          maxLength={6}
          value={code}
          onChange={(e) => setCode(e.currentTarget.value)}
          autoFocus
        />
        <TextInput
          label="Your name"
          description="Only when you are new here"
          autoComplete="name"
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
        />
        {verify.error && (
          <Alert color="red" role="alert" title="That code did not work">
            {verify.error.message} Check the code in the e-mail, or send a new one.
          </Alert>
        )}
        <Button type="submit" loading={verify.isPending} fullWidth>
          Sign in
        </Button>
        <Text size="sm">
          No code?{' '}
          <Anchor component="button" type="button" onClick={() => start.mutate(sentTo)}>
            Send a new one
          </Anchor>{' '}
          or{' '}
          <Anchor component="button" type="button" onClick={() => (setSentTo(null), verify.reset())}>
            use another e-mail
          </Anchor>
          .
        </Text>
      </Stack>
    </form>
  );
}

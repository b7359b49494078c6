import { Alert, Button, Container, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { NavLink, Navigate, Route, Routes, useParams } from 'react-router';
import { api, bearer, type GuestSession, sessions, unwrap } from './api';
import { Balance } from './screens/Balance';
import { Code } from './screens/Code';
import { History } from './screens/History';
import { Rewards } from './screens/Rewards';
import { Guest, type GuestContext } from './session';
import { SignInForm } from './SignInForm';
import { ErrorState, Loading } from './states';

const TABS = [
  { to: '', label: 'Points' },
  { to: 'rewards', label: 'Rewards' },
  { to: 'code', label: 'My code' },
  { to: 'history', label: 'History' },
];

/** `/g/{program}/…`: the guest app of one program, for brands without a native app. */
export function ProgramApp() {
  const { program = '' } = useParams();
  const [session, setSession] = useState<GuestSession | null>(() => sessions.get(program));
  const [expired, setExpired] = useState(false);
  const info = useQuery({ queryKey: ['program', program], queryFn: () => unwrap(api.GET('/app/v1/{program}', { params: { path: { program } } })) });

  const signOut = useCallback(
    (byServer = false) => {
      const token = sessions.get(program)?.token;
      sessions.clear(program);
      setSession(null);
      setExpired(byServer);
      // Revoke the token too; signing out here must not wait on it.
      if (token && !byServer) void api.POST('/app/v1/{program}/auth/logout', { params: { path: { program } }, ...bearer(token) }).catch(() => undefined);
    },
    [program],
  );
  const ctx = useMemo<GuestContext | null>(() => (session ? { program, session, signOut } : null), [program, session, signOut]);

  if (info.isPending) return <Loading what="the program" />;
  if (info.error)
    return (
      <Container size="xs" py="md" component="main">
        <ErrorState title="This program could not be found" error={info.error} onRetry={() => void info.refetch()} />
      </Container>
    );

  return (
    <Container size="xs" py="md" component="main">
      <Stack>
        <Group justify="space-between" wrap="nowrap">
          <Title order={1} size="h3">
            {info.data.name}
          </Title>
          {session && (
            <Button variant="subtle" size="xs" onClick={() => signOut()}>
              Sign out
            </Button>
          )}
        </Group>
        {ctx ? (
          <Guest.Provider value={ctx}>
            <Group component="nav" aria-label="Guest app" gap={4} grow>
              {TABS.map((t) => (
                <Button key={t.to} component={NavLink} to={`/g/${program}/${t.to}`} end size="compact-sm" variant="subtle" className="guest-tab">
                  {t.label}
                </Button>
              ))}
            </Group>
            <Routes>
              <Route index element={<Balance />} />
              <Route path="rewards" element={<Rewards />} />
              <Route path="code" element={<Code />} />
              <Route path="history" element={<History />} />
              <Route path="*" element={<Navigate to={`/g/${program}/`} replace />} />
            </Routes>
          </Guest.Provider>
        ) : (
          <Stack>
            {expired && (
              <Alert color="yellow" title="You were signed out">
                Your session ended. Sign in again to see your points.
              </Alert>
            )}
            <Text c="dimmed">Your points, your rewards and a code for the till.</Text>
            <SignInForm program={program} onSignedIn={(s) => (setSession(s), setExpired(false))} />
          </Stack>
        )}
      </Stack>
    </Container>
  );
}

import { AppShell, Badge, Burger, Button, Group, NavLink, Select, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Suspense } from 'react';
import { NavLink as RouterLink, Outlet, useLocation } from 'react-router';
import { useAuth } from '../auth/auth';
import { SCREENS } from '../screens';
import { useProgram } from './program';
import { ErrorState, Loading } from './states';

const ROLE_LABEL: Record<string, string> = { owner: 'Owner', program_manager: 'Program manager', support: 'Support', read_only: 'Read-only' };

/** Header (program, user, sign out), navigation of every screen the role may see, and the screen. */
export function Shell() {
  const [opened, { toggle, close }] = useDisclosure();
  const { me, can, signOut } = useAuth();
  const { programs, programId, setProgramId, error } = useProgram();
  const location = useLocation();
  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 260, breakpoint: 'md', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group wrap="nowrap" gap="sm">
            <Burger opened={opened} onClick={toggle} hiddenFrom="md" size="sm" aria-label="Toggle navigation" />
            <Title order={3}>Tillpoint</Title>
          </Group>
          <Group wrap="nowrap" gap="sm">
            <Select
              aria-label="Program"
              placeholder={programs.length ? 'Choose a program' : 'No programs'}
              data={programs.map((p) => ({ value: p.id, label: p.name }))}
              value={programId}
              onChange={(v) => v && setProgramId(v)}
              allowDeselect={false}
              w={{ base: 170, sm: 260 }}
              comboboxProps={{ withinPortal: true }}
            />
            <Group gap={6} visibleFrom="sm" wrap="nowrap">
              <Text size="sm">{me?.name || me?.email}</Text>
              <Badge variant="light">{ROLE_LABEL[me?.role ?? ''] ?? me?.role}</Badge>
            </Group>
            <Button variant="subtle" size="xs" onClick={() => void signOut()}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Screens">
        {SCREENS.filter((s) => can(s.capability)).map((s) => (
          <NavLink
            key={s.path}
            component={RouterLink}
            to={`/${s.path}`}
            label={s.label}
            description={s.description}
            active={location.pathname === `/${s.path}` || location.pathname.startsWith(`/${s.path}/`)}
            onClick={close}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        {error ? <ErrorState error={error} what="your programs" /> : null}
        <Suspense fallback={<Loading what="the screen" />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}

import { Stack, Tabs, Title } from '@mantine/core';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { AuditLog } from './AuditLog';
import { KeySettings, ProgramSettings, StoreSettings, UserSettings, WebhookSettings } from './Configuration';

const TABS = [
  { path: 'program', label: 'Program', element: <ProgramSettings /> },
  { path: 'stores', label: 'Stores', element: <StoreSettings /> },
  { path: 'keys', label: 'POS keys', element: <KeySettings /> },
  { path: 'users', label: 'Users & roles', element: <UserSettings /> },
  { path: 'webhooks', label: 'Webhooks', element: <WebhookSettings /> },
  { path: 'audit', label: 'Audit log', element: <AuditLog /> },
];

/** Programs, stores, POS keys, users and roles, webhooks, and the audit log. */
export default function SettingsScreen() {
  const location = useLocation();
  const navigate = useNavigate();
  const current = TABS.find((t) => location.pathname.startsWith(`/settings/${t.path}`))?.path ?? 'program';
  return (
    <Stack>
      <Title order={2}>Settings</Title>
      <Tabs value={current} onChange={(v) => v && navigate(`/settings/${v}`)} keepMounted={false}>
        <Tabs.List aria-label="Settings">
          {TABS.map((t) => (
            <Tabs.Tab key={t.path} value={t.path}>
              {t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      <Routes>
        <Route index element={<Navigate to="program" replace />} />
        {TABS.map((t) => (
          <Route key={t.path} path={t.path} element={t.element} />
        ))}
      </Routes>
    </Stack>
  );
}

import { Card, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** A labelled figure in a card: the dashboard's KPIs, a transaction's facts. */
export function Stat({ label, value, size = 'md' }: { label: string; value: ReactNode; size?: 'md' | 'xl' }) {
  return (
    <Card withBorder padding="sm">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={size === 'xl' ? 700 : 600} size={size} component="div" style={{ overflowWrap: 'anywhere' }}>
        {value}
      </Text>
    </Card>
  );
}

import { Paper, Text, Title } from '@mantine/core';

/** A screen that is planned but not built yet (issue 11). */
export function Placeholder({ title, children }: { title: string; children: string }) {
  return (
    <Paper p="lg" withBorder>
      <Title order={2} mb="sm">
        {title}
      </Title>
      <Text c="dimmed">{children}</Text>
      <Text c="dimmed" mt="sm">
        Until it is, the admin API does this: see <a href="/docs">/docs</a>.
      </Text>
    </Paper>
  );
}

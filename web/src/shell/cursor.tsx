import { Button, Group, Text } from '@mantine/core';
import { useState } from 'react';

/**
 * Pages of a server-paginated list ({ items, nextCursor }): the cursors of the pages seen so far,
 * so Previous goes back without the server keeping state.
 */
export function useCursorPages(resetKey: string) {
  const [state, setState] = useState<{ key: string; stack: (string | undefined)[] }>({ key: resetKey, stack: [undefined] });
  const stack = state.key === resetKey ? state.stack : [undefined];
  return {
    cursor: stack[stack.length - 1],
    page: stack.length,
    next: (c: string) => setState({ key: resetKey, stack: [...stack, c] }),
    prev: () => setState({ key: resetKey, stack: stack.slice(0, -1) }),
  };
}

export function CursorPager({ pages, nextCursor, label }: { pages: ReturnType<typeof useCursorPages>; nextCursor: string | null | undefined; label: string }) {
  if (pages.page === 1 && !nextCursor) return null;
  return (
    <Group justify="center" mt="sm" aria-label={`${label} pages`} role="group">
      <Button size="xs" variant="default" disabled={pages.page === 1} onClick={pages.prev}>
        Previous
      </Button>
      <Text size="sm">Page {pages.page}</Text>
      <Button size="xs" variant="default" disabled={!nextCursor} onClick={() => nextCursor && pages.next(nextCursor)}>
        Next
      </Button>
    </Group>
  );
}

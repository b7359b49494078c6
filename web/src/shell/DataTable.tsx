import { Table, type TableProps, Text } from '@mantine/core';
import { type ReactNode, useState } from 'react';
import { CursorPager, type useCursorPages } from './cursor';
import { Empty, ErrorState, Loading, Pager, usePage } from './states';

/** One column: its header and how a row fills its cell. */
export interface Column<T> {
  /** unique within the table (React key) */
  key: string;
  header: ReactNode;
  cell: (row: T, index: number) => ReactNode;
  /** e.g. 40 for a checkbox column */
  width?: number | string;
}

/** The state of a query the rows come from (a TanStack Query result fits). */
export interface RowsQuery {
  isPending: boolean;
  error: unknown;
  refetch?: () => unknown;
}

export interface DataTableProps<T> {
  /** the table's accessible name (what tests and screen readers find it by) */
  label: string;
  columns: Column<T>[];
  /** undefined while loading */
  rows: T[] | undefined;
  rowKey: (row: T, index: number) => string;
  /** loading and error states of the query the rows come from, named by `what` ("transactions") */
  query?: RowsQuery;
  what?: string;
  /** what an empty list says, and what to do next */
  empty?: { title: string; hint?: ReactNode };
  /** actions at the end of each row (buttons, menus); the header cell stays empty */
  rowActions?: (row: T) => ReactNode;
  /** extra attributes of a row (data-* ids, a background) */
  rowProps?: (row: T) => Record<string, unknown>;
  /** a server-paginated list: the cursor pages and the next page's cursor */
  cursor?: { pages: ReturnType<typeof useCursorPages>; nextCursor: string | null | undefined };
  /** a list the server answers whole: shown `pageSize` rows a page */
  pageSize?: number;
  /** below this width the table scrolls sideways instead of squeezing (tablets) */
  minWidth?: number;
  maxHeight?: number;
  striped?: boolean;
  highlightOnHover?: boolean;
  verticalSpacing?: TableProps['verticalSpacing'];
  /** rows drawn by the caller (e.g. grouped with header rows) instead of one row per item */
  body?: (rows: T[], row: (r: T, i: number) => ReactNode) => ReactNode;
}

/**
 * The back office's one table: labelled columns, loading / error / empty states that say what to
 * do next, client pages or server cursors, and row actions. Every list screen uses it, so they
 * look and behave alike.
 *
 * @example
 * <DataTable label="Guests" what="guests" query={list} rows={list.data?.items} rowKey={(g) => g.id}
 *   columns={[{ key: 'name', header: 'Name', cell: (g) => g.name }]} cursor={{ pages, nextCursor: list.data?.nextCursor }} />
 */
export function DataTable<T>(props: DataTableProps<T>) {
  const { label, columns, rows, rowKey, query, what = label.toLowerCase(), empty, rowActions, rowProps, cursor, pageSize, minWidth, maxHeight, body } = props;
  const [page, setPage] = useState(1);
  const paged = usePage(rows ?? [], page, pageSize ?? Number.MAX_SAFE_INTEGER);
  if (query?.error) return <ErrorState error={query.error} what={what} retry={query.refetch ? () => void query.refetch!() : undefined} />;
  if (rows === undefined || query?.isPending) return <Loading what={what} />;
  if (rows.length === 0) return <Empty title={empty?.title ?? `No ${what} yet`}>{empty?.hint}</Empty>;
  const shown = pageSize ? paged.items : rows;
  const row = (r: T, i: number) => (
    <Table.Tr key={rowKey(r, i)} {...(rowProps?.(r) ?? {})}>
      {columns.map((c) => (
        <Table.Td key={c.key}>{c.cell(r, i)}</Table.Td>
      ))}
      {rowActions ? <Table.Td>{rowActions(r)}</Table.Td> : null}
    </Table.Tr>
  );
  const table = (
    <Table striped={props.striped} highlightOnHover={props.highlightOnHover} verticalSpacing={props.verticalSpacing} aria-label={label}>
      <Table.Thead>
        <Table.Tr>
          {columns.map((c) => (
            <Table.Th key={c.key} w={c.width}>
              {c.header}
            </Table.Th>
          ))}
          {rowActions ? <Table.Th aria-label="Actions" /> : null}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>{body ? body(shown, row) : shown.map(row)}</Table.Tbody>
    </Table>
  );
  return (
    <>
      {minWidth || maxHeight ? (
        <Table.ScrollContainer minWidth={minWidth ?? 0} mah={maxHeight}>
          {table}
        </Table.ScrollContainer>
      ) : (
        table
      )}
      {pageSize ? <Pager page={Math.min(page, paged.pages)} pages={paged.pages} onChange={setPage} label={label} /> : null}
      {cursor ? <CursorPager pages={cursor.pages} nextCursor={cursor.nextCursor} label={label} /> : null}
    </>
  );
}

/** A cell of two lines: the value, and a dimmed detail under it (an id, a time). */
export function TwoLines({ main, sub }: { main: ReactNode; sub: ReactNode }) {
  return (
    <>
      <Text size="sm">{main}</Text>
      <Text size="xs" c="dimmed">
        {sub}
      </Text>
    </>
  );
}

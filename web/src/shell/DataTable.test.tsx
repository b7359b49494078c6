import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { renderUi } from '../test/render';
import { type Column, DataTable } from './DataTable';

interface Row {
  id: string;
  name: string;
}
const COLUMNS: Column<Row>[] = [
  { key: 'id', header: 'Id', cell: (r) => r.id },
  { key: 'name', header: 'Name', cell: (r) => r.name },
];
const rows = (n: number): Row[] => Array.from({ length: n }, (_, i) => ({ id: `r${i + 1}`, name: `Row ${i + 1}` }));

describe('DataTable', () => {
  it('says what is loading, and what failed with what to do next', () => {
    const { unmount } = renderUi(
      <DataTable label="Guests" what="guests" rows={undefined} rowKey={(r: Row) => r.id} columns={COLUMNS} query={{ isPending: true, error: null }} />,
    );
    expect(screen.getByRole('status').textContent).toContain('Loading guests');
    unmount();
    renderUi(
      <DataTable
        label="Guests"
        what="guests"
        rows={undefined}
        rowKey={(r: Row) => r.id}
        columns={COLUMNS}
        query={{ isPending: false, error: new ApiError(500, 'Internal', 'database down'), refetch: () => {} }}
      />,
    );
    expect(screen.getByRole('alert').textContent).toMatch(/Could not load guests.*database down/);
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });

  it('says what to do when the list is empty', () => {
    renderUi(
      <DataTable label="Guests" rows={[]} rowKey={(r: Row) => r.id} columns={COLUMNS} empty={{ title: 'No guests yet', hint: 'Guests sign up in the app.' }} />,
    );
    expect(screen.queryByRole('table')).toBeNull();
    expect(document.body.textContent).toContain('No guests yet');
    expect(document.body.textContent).toContain('Guests sign up in the app.');
  });

  it('labels the table and its columns, and pages a long list', () => {
    renderUi(<DataTable label="Guests" rows={rows(30)} rowKey={(r) => r.id} columns={COLUMNS} pageSize={25} />);
    const table = screen.getByRole('table', { name: 'Guests' });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toEqual(['Id', 'Name']);
    expect(within(table).getAllByRole('row')).toHaveLength(26);
    fireEvent.click(screen.getByRole('button', { name: 'next page' }));
    expect(within(screen.getByRole('table', { name: 'Guests' })).getAllByRole('row')).toHaveLength(6);
  });

  it('adds a row-actions column and pages by server cursor', () => {
    const pages = { cursor: undefined, page: 1, next: () => {}, prev: () => {} };
    renderUi(
      <DataTable
        label="Keys"
        rows={rows(2)}
        rowKey={(r) => r.id}
        columns={COLUMNS}
        rowActions={(r) => <button type="button">Revoke {r.name}</button>}
        cursor={{ pages, nextCursor: 'abc' }}
      />,
    );
    expect(screen.getByRole('columnheader', { name: 'Actions' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Revoke Row 2' })).toBeTruthy();
    const pager = screen.getByRole('group', { name: 'Keys pages' });
    expect((within(pager).getByRole('button', { name: 'Next' }) as HTMLButtonElement).disabled).toBe(false);
    expect((within(pager).getByRole('button', { name: 'Previous' }) as HTMLButtonElement).disabled).toBe(true);
  });
});

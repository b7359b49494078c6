import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { Enrollment, EnrollmentInput } from '../../cstore/api';
import { renderUi } from '../../test/render';
import { EnrollmentForm } from './EnrollmentForm';

const STORED: Enrollment = {
  programId: 'p1',
  manufacturer: 'rjr',
  mode: 'chain',
  outletId: null,
  outletName: null,
  email: null,
  accountNumber: '••••0100',
  clientId: '••••hain',
  clientSecret: '••••cret',
  baseUrl: null,
  status: 'ok',
  statusReason: null,
  updatedAt: '2026-12-01T08:00:00.000Z',
};

const field = (name: string) => screen.getByLabelText(new RegExp(`^${name}`)) as HTMLInputElement;

describe('EnrollmentForm', () => {
  it('asks for chain credentials in masked fields, sends them once and clears them', async () => {
    const sent: EnrollmentInput[] = [];
    renderUi(<EnrollmentForm current={null} onSubmit={(b) => void sent.push(b)} />);
    for (const name of ['Retailer account number', 'Client ID', 'Client secret']) expect(field(name).type).toBe('password');
    fireEvent.change(field('Retailer account number'), { target: { value: '700100' } });
    fireEvent.change(field('Client ID'), { target: { value: 'demo-chain' } });
    fireEvent.change(field('Client secret'), { target: { value: 'sim-chain-secret' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save enrollment' }));
    await waitFor(() =>
      expect(sent).toEqual([{ mode: 'chain', accountNumber: '700100', clientId: 'demo-chain', clientSecret: 'sim-chain-secret', baseUrl: null }]),
    );
    await waitFor(() => expect(field('Client secret').value).toBe(''));
    expect(document.body.innerHTML).not.toContain('sim-chain-secret');
  });

  it('shows stored credentials only as the server masked them, and keeps them when left empty', async () => {
    const onSubmit = vi.fn();
    renderUi(<EnrollmentForm current={STORED} onSubmit={onSubmit} />);
    expect(field('Client secret').value).toBe('');
    expect(screen.getByText(/stored: ••••cret/)).toBeTruthy();
    fireEvent.change(field('API base URL'), { target: { value: 'http://127.0.0.1:4010' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save enrollment' }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledWith({ mode: 'chain', baseUrl: 'http://127.0.0.1:4010' }));
  });

  it('names each missing field of a single-store enrollment and sends nothing', async () => {
    const onSubmit = vi.fn();
    renderUi(<EnrollmentForm current={null} onSubmit={onSubmit} />);
    fireEvent.click(screen.getByRole('radio', { name: 'Single store' }));
    fireEvent.change(field('Outlet ID'), { target: { value: '7000001' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save enrollment' }));
    expect(await screen.findByText('Outlet name from the RJR Engage API Portal')).toBeTruthy();
    expect(screen.getByText('The e-mail you signed up for the RJR API with')).toBeTruthy();
    expect(onSubmit).not.toHaveBeenCalled();
  });
});

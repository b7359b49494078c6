import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { Location } from '../../cstore/api';
import { renderUi } from '../../test/render';
import { RegisterSettingsForm } from './RegisterSettingsForm';

const LOCATION = { id: 'loc-1', registerStoreId: '101', registerIds: 'manufacturer', registerIdStart: 1 } as Location;
const field = (name: string) => screen.getByLabelText(new RegExp(`^${name}`)) as HTMLInputElement;

describe('RegisterSettingsForm', () => {
  it('sends the store number and numbered promotion ids from the first number', async () => {
    const onSubmit = vi.fn();
    renderUi(<RegisterSettingsForm location={LOCATION} locked={false} onSubmit={onSubmit} />);
    fireEvent.change(field('Store number at the register'), { target: { value: ' QS-101 ' } });
    fireEvent.click(screen.getByRole('radio', { name: 'Numbers' }));
    fireEvent.change(field('First number'), { target: { value: '500' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save register settings' }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledWith({ registerStoreId: 'QS-101', registerIds: 'numeric', registerIdStart: 500 }));
  });

  it('names a bad store number and sends nothing', async () => {
    const onSubmit = vi.fn();
    renderUi(<RegisterSettingsForm location={LOCATION} locked={false} onSubmit={onSubmit} />);
    fireEvent.change(field('Store number at the register'), { target: { value: 'store #1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save register settings' }));
    expect(await screen.findByText('Up to 20 letters, digits, dots, dashes or underscores')).toBeTruthy();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('once a batch was accepted, keeps the promotion ids and sends only the store number (empty: the location id)', async () => {
    const onSubmit = vi.fn();
    renderUi(<RegisterSettingsForm location={{ ...LOCATION, registerIds: 'numeric', registerIdStart: 500 }} locked onSubmit={onSubmit} />);
    expect(screen.getByText(/The promotion ids are fixed/)).toBeTruthy();
    expect(field('First number').disabled).toBe(true);
    fireEvent.change(field('Store number at the register'), { target: { value: '' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save register settings' }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledWith({ registerStoreId: null }));
  });
});

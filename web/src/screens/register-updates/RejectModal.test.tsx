import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { renderUi } from '../../test/render';
import { RejectModal } from './PendingChanges';

describe('RejectModal', () => {
  it('requires a reason before rejecting', async () => {
    const onReject = vi.fn();
    renderUi(<RejectModal opened count={2} busy={false} onClose={() => {}} onReject={onReject} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Reject' }));
    expect(await screen.findByText(/Say why/)).toBeTruthy();
    expect(onReject).not.toHaveBeenCalled();
    fireEvent.change(screen.getByLabelText(/^Reason/), { target: { value: '  Brand not sold here ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Reject' }));
    expect(onReject).toHaveBeenCalledWith('Brand not sold here');
  });
});

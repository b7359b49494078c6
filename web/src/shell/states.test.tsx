import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { renderUi } from '../test/render';
import { ErrorState } from './states';

describe('ErrorState', () => {
  it('shows the server’s message and what to do next', () => {
    renderUi(<ErrorState what="locations" error={new ApiError(403, 'Forbidden', 'role read_only may not manage')} />);
    expect(screen.getByRole('alert').textContent).toContain('role read_only may not manage');
    expect(screen.getByRole('alert').textContent).toContain('ask an owner');
  });
});

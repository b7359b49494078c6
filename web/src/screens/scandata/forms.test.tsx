import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import { type ScanDataAccount, type Submission, submissionActions } from '../../cstore/scandata';
import { renderUi } from '../../test/render';
import { AccountForm, type AccountSubmit } from './AccountForm';
import { SubmissionActions } from './ScanDataScreen';
import { RejectionForm, ReleaseForm } from './SubmissionForms';

const STORED: ScanDataAccount = {
  id: 'acc1',
  programId: 'p1',
  manufacturer: 'rjr',
  format: 'rjr',
  accountNumber: '••••0100',
  retailerName: 'QuickStop',
  submitterName: 'QuickStop Demo LLC',
  options: { dateSeparator: '-' },
  outlets: null,
  createdAt: '2026-11-01T08:00:00.000Z',
  updatedAt: '2026-11-01T08:00:00.000Z',
};

const field = (name: string) => screen.getByLabelText(new RegExp(`^${name}`)) as HTMLInputElement;

describe('AccountForm', () => {
  it('adds an account: the number in a masked field, sent once and cleared', async () => {
    const sent: AccountSubmit[] = [];
    renderUi(<AccountForm current={null} onSubmit={(v) => void sent.push(v)} />);
    expect(field('Retailer account number').type).toBe('password');
    fireEvent.change(field('Retailer account number'), { target: { value: ' 700100 ' } });
    fireEvent.change(field('Retailer name'), { target: { value: 'QuickStop' } });
    fireEvent.change(field('Submitter name'), { target: { value: 'QuickStop Demo LLC' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add account' }));
    await waitFor(() =>
      expect(sent).toEqual([
        {
          create: {
            manufacturer: 'rjr',
            accountNumber: '700100',
            retailerName: 'QuickStop',
            submitterName: 'QuickStop Demo LLC',
            options: { dateSeparator: '-' },
          },
        },
      ]),
    );
    await waitFor(() => expect(field('Retailer account number').value).toBe(''));
    expect(document.body.innerHTML).not.toContain('700100');
  });

  it('edits an account: the stored number only as masked, kept when left empty, the manufacturer fixed', async () => {
    const onSubmit = vi.fn();
    renderUi(<AccountForm current={STORED} onSubmit={onSubmit} />);
    expect(field('Retailer account number').value).toBe('');
    expect(screen.getByText(/stored: ••••0100 — leave empty to keep/)).toBeTruthy();
    expect((screen.getByLabelText('Manufacturer', { selector: 'input' }) as HTMLInputElement).disabled).toBe(true);
    fireEvent.change(field('Retailer name'), { target: { value: 'QuickStop Stores' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save account' }));
    await waitFor(() =>
      expect(onSubmit).toHaveBeenCalledWith({
        update: { retailerName: 'QuickStop Stores', submitterName: 'QuickStop Demo LLC', options: { dateSeparator: '-' } },
      }),
    );
  });

  it('names each missing field and sends nothing', async () => {
    const onSubmit = vi.fn();
    renderUi(<AccountForm current={null} onSubmit={onSubmit} />);
    fireEvent.click(screen.getByRole('button', { name: 'Add account' }));
    expect(await screen.findByText('The retailer account number the manufacturer gave you')).toBeTruthy();
    expect(screen.getByText('The retailer name (it goes in the file name)')).toBeTruthy();
    expect(screen.getByText('Who submits the file (Altria’s summary line)')).toBeTruthy();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('shows the server’s 400 on the field it names', () => {
    const error = new ApiError(400, 'ValidationError', 'outlets[0].outletNumber must not be the account number', { field: 'accountNumber' });
    renderUi(<AccountForm current={null} error={error} onSubmit={() => {}} />);
    expect(screen.getByText('outlets[0].outletNumber must not be the account number')).toBeTruthy();
    // The message is the input's own description (its error slot), not only somewhere on the page.
    const describedBy = field('Retailer account number').getAttribute('aria-describedby') ?? '';
    expect(describedBy.split(' ').map((id) => document.getElementById(id)?.textContent)).toContain('outlets[0].outletNumber must not be the account number');
  });

  it('shows a refusal naming no field of its own above the form', () => {
    renderUi(<AccountForm current={null} error={new ApiError(409, 'Conflict', 'The account exists')} onSubmit={() => {}} />);
    expect(screen.getByRole('alert').textContent).toContain('The account exists');
  });
});

describe('RejectionForm', () => {
  it('requires the collector’s code, then sends code and message', async () => {
    const onSubmit = vi.fn();
    renderUi(<RejectionForm onCancel={() => {}} onSubmit={onSubmit} />);
    fireEvent.click(screen.getByRole('button', { name: 'Record rejection' }));
    expect(await screen.findByText(/The code the collector gave/)).toBeTruthy();
    expect(onSubmit).not.toHaveBeenCalled();
    fireEvent.change(field('Rejection code'), { target: { value: ' ID-4-4-1 ' } });
    fireEvent.change(field('Message'), { target: { value: 'Invalid summary' } });
    fireEvent.click(screen.getByRole('button', { name: 'Record rejection' }));
    expect(onSubmit).toHaveBeenCalledWith({ code: 'ID-4-4-1', message: 'Invalid summary' });
  });

  it('shows the server’s refusal with the field it names', () => {
    const error = new ApiError(400, 'ValidationError', 'code must be at most 40 characters', { field: 'code' });
    renderUi(<RejectionForm error={error} onCancel={() => {}} onSubmit={() => {}} />);
    expect(screen.getByText('code must be at most 40 characters')).toBeTruthy();
    expect(field('Rejection code').getAttribute('aria-invalid')).toBe('true');
  });
});

describe('ReleaseForm', () => {
  it('shows why the week was held and sends the reason (or none)', () => {
    const onSubmit = vi.fn();
    renderUi(<ReleaseForm holdReason="outlet 7000003 has no sale" onCancel={() => {}} onSubmit={onSubmit} />);
    expect(screen.getByText(/outlet 7000003 has no sale/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Release' }));
    expect(onSubmit).toHaveBeenLastCalledWith(null);
    fireEvent.change(field('Why it is right to send'), { target: { value: 'store was closed for renovation' } });
    fireEvent.click(screen.getByRole('button', { name: 'Release' }));
    expect(onSubmit).toHaveBeenLastCalledWith('store was closed for renovation');
  });

  it('shows a 409 in the server’s words', () => {
    renderUi(
      <ReleaseForm
        holdReason={null}
        error={new ApiError(409, 'InvalidTransition', 'Only a held week can be released')}
        onCancel={() => {}}
        onSubmit={() => {}}
      />,
    );
    expect(screen.getByRole('alert').textContent).toContain('Only a held week can be released');
  });
});

describe('submissionActions', () => {
  const of = (state: Submission['state'], id: string | null = 's1') => submissionActions({ id, state });
  it('offers what each state allows', () => {
    expect(of('pending', null)).toEqual({ generate: 'Generate', download: false, submit: false, reject: false, release: false });
    expect(of('generated')).toEqual({ generate: 'Regenerate', download: true, submit: true, reject: false, release: false });
    expect(of('held')).toEqual({ generate: 'Regenerate', download: false, submit: false, reject: false, release: true });
    expect(of('invalid')).toEqual({ generate: 'Regenerate', download: true, submit: false, reject: false, release: false });
    expect(of('submitted')).toEqual({ generate: null, download: true, submit: false, reject: true, release: false });
    expect(of('rejected')).toEqual({ generate: 'Regenerate', download: true, submit: false, reject: false, release: false });
  });
});

const WEEK: Submission = {
  id: 's1',
  accountId: 'acc1',
  programId: 'p1',
  manufacturer: 'rjr',
  accountNumber: '••••',
  weekStart: '2026-11-23',
  weekEnd: '2026-11-29',
  dueAt: '2026-12-02T22:00:00.000Z',
  state: 'generated',
  status: 'generated',
  late: false,
  warning: null,
  generation: 1,
  fileName: '700100_20261130_0900_QuickStop.txt',
  sizeBytes: 1000,
  sha256: 'ab',
  rows: 591,
  quantity: 600,
  finalSalesCents: 100_000,
  transactions: 290,
  outlets: 2,
  validation: { ok: true, violationCount: 0, byCode: {} },
  holdReason: null,
  generatedAt: '2026-11-30T14:00:00.000Z',
  generatedBy: 'Demo owner',
  releasedAt: null,
  releasedBy: null,
  submittedAt: null,
  submittedBy: null,
  rejectedAt: null,
  rejectionCode: null,
  rejectionMessage: null,
};

describe('SubmissionActions', () => {
  const menu = async () => {
    fireEvent.click(screen.getByRole('button', { name: /^Actions for rjr/ }));
    return (await screen.findAllByRole('menuitem')).map((i) => i.textContent);
  };

  it('offers a manager what the state allows, and asks the screen to act', async () => {
    const onAction = vi.fn();
    renderUi(<SubmissionActions s={WEEK} canManage onAction={onAction} onDownload={() => {}} />);
    expect(await menu()).toEqual(['Regenerate', 'Download', 'Mark submitted']);
    fireEvent.click(screen.getByText('Mark submitted'));
    expect(onAction).toHaveBeenCalledWith('submit');
  });

  it('hides every action a read-only role may not take', async () => {
    const onDownload = vi.fn();
    renderUi(<SubmissionActions s={{ ...WEEK, state: 'submitted', status: 'submitted' }} canManage={false} onAction={() => {}} onDownload={onDownload} />);
    expect(await menu()).toEqual(['Download']);
    fireEvent.click(screen.getByText('Download'));
    expect(onDownload).toHaveBeenCalled();
  });

  it('shows no menu where a read-only role can do nothing (a pending or held week)', () => {
    const pending = { ...WEEK, id: null, state: 'pending', status: 'late', late: true } as const;
    const { unmount } = renderUi(<SubmissionActions s={pending} canManage={false} onAction={() => {}} onDownload={() => {}} />);
    expect(screen.queryByRole('button', { name: /^Actions/ })).toBeNull();
    unmount();
    renderUi(<SubmissionActions s={{ ...WEEK, state: 'held', status: 'held' }} canManage={false} onAction={() => {}} onDownload={() => {}} />);
    expect(screen.queryByRole('button', { name: /^Actions/ })).toBeNull();
  });

  it('lets a manager release a held week or generate it again, not download it', async () => {
    renderUi(<SubmissionActions s={{ ...WEEK, state: 'held', status: 'held', holdReason: 'thin week' }} canManage onAction={() => {}} onDownload={() => {}} />);
    expect(await menu()).toEqual(['Regenerate', 'Release']);
  });
});

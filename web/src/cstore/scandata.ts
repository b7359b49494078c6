import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, type Json, type paths, unwrap } from '../api/client';

export type ScanDataAccount = Json<'/admin/v1/cstore/scandata/accounts/{accountId}', 'get'>;
export type NewScanDataAccount = NonNullable<
  paths['/admin/v1/cstore/programs/{programId}/scandata/accounts']['post']['requestBody']
>['content']['application/json'];
export type ScanDataAccountPatch = NonNullable<paths['/admin/v1/cstore/scandata/accounts/{accountId}']['patch']['requestBody']>['content']['application/json'];
export type Submission = Json<'/admin/v1/cstore/scandata/submissions/{submissionId}', 'get'>;
export type SubmissionStatus = Submission['status'];
export type Manufacturer = NewScanDataAccount['manufacturer'];
export type Rejection = NonNullable<
  paths['/admin/v1/cstore/scandata/submissions/{submissionId}/rejection']['post']['requestBody']
>['content']['application/json'];
type SubmissionsQuery = NonNullable<paths['/admin/v1/cstore/programs/{programId}/scandata/submissions']['get']['parameters']['query']>;

export const MANUFACTURERS: { value: Manufacturer; label: string }[] = [
  { value: 'rjr', label: 'RJR (R.J. Reynolds)' },
  { value: 'altria', label: 'Altria' },
];
export const manufacturerLabel = (m: string) => MANUFACTURERS.find((x) => x.value === m)?.label ?? m;
export const SUBMISSION_STATUSES: SubmissionStatus[] = ['pending', 'held', 'invalid', 'generated', 'submitted', 'rejected', 'late'];

/** The list's filters as the URL keeps them (empty: any). */
export interface SubmissionFilters {
  manufacturer: string;
  accountId: string;
  week: string;
  status: string;
}

// Under ['cstore', …] so every c-store write (useCstoreMutation) refreshes them too.
export const scanDataKeys = {
  accounts: (programId: string) => ['cstore', 'scandata', 'accounts', programId] as const,
  submissions: (programId: string, f: SubmissionFilters, cursor: string | undefined) => ['cstore', 'scandata', 'submissions', programId, f, cursor] as const,
};

export const useScanDataAccounts = (programId: string | null) =>
  useQuery({
    queryKey: scanDataKeys.accounts(programId ?? ''),
    enabled: Boolean(programId),
    queryFn: () => unwrap(api.GET('/admin/v1/cstore/programs/{programId}/scandata/accounts', { params: { path: { programId: programId! } } })),
  });

export const useSubmissions = (programId: string | null, f: SubmissionFilters, cursor: string | undefined) =>
  useQuery({
    queryKey: scanDataKeys.submissions(programId ?? '', f, cursor),
    enabled: Boolean(programId),
    placeholderData: keepPreviousData,
    queryFn: () => {
      const query: SubmissionsQuery = { limit: '25' };
      if (f.manufacturer) query.manufacturer = f.manufacturer as Manufacturer;
      if (f.accountId) query.accountId = f.accountId;
      if (f.week) query.week = f.week;
      if (f.status) query.status = f.status as SubmissionStatus;
      if (cursor) query.cursor = cursor;
      return unwrap(api.GET('/admin/v1/cstore/programs/{programId}/scandata/submissions', { params: { path: { programId: programId! }, query } }));
    },
  });

const submissionPath = (submissionId: string) => ({ params: { path: { submissionId } } });

export const scanDataApi = {
  createAccount: (programId: string, body: NewScanDataAccount) =>
    unwrap(api.POST('/admin/v1/cstore/programs/{programId}/scandata/accounts', { params: { path: { programId } }, body })),
  updateAccount: (accountId: string, body: ScanDataAccountPatch) =>
    unwrap(api.PATCH('/admin/v1/cstore/scandata/accounts/{accountId}', { params: { path: { accountId } }, body })),
  generate: (programId: string, accountId: string, week: string) =>
    unwrap(api.POST('/admin/v1/cstore/programs/{programId}/scandata/submissions', { params: { path: { programId } }, body: { accountId, week } })),
  markSubmitted: (submissionId: string) => unwrap(api.POST('/admin/v1/cstore/scandata/submissions/{submissionId}/submitted', submissionPath(submissionId))),
  recordRejection: (submissionId: string, body: Rejection) =>
    unwrap(api.POST('/admin/v1/cstore/scandata/submissions/{submissionId}/rejection', { ...submissionPath(submissionId), body })),
  release: (submissionId: string, reason: string | null) =>
    unwrap(api.POST('/admin/v1/cstore/scandata/submissions/{submissionId}/release', { ...submissionPath(submissionId), body: { reason } })),
};

/** The file's download path (streamed, named by `content-disposition`). */
export const submissionFilePath = (submissionId: string) => `/admin/v1/cstore/scandata/submissions/${encodeURIComponent(submissionId)}/file`;

/** What may be done with a week's submission, by its stored state (a late week acts as its state). */
export function submissionActions(s: Pick<Submission, 'id' | 'state'>): {
  generate: 'Generate' | 'Regenerate' | null;
  download: boolean;
  submit: boolean;
  reject: boolean;
  release: boolean;
} {
  const st = s.state;
  return {
    // Generating again is refused once submitted, until the collector's rejection is recorded.
    generate: st === 'pending' ? 'Generate' : st === 'submitted' ? null : 'Regenerate',
    // A held week is not offered until released; a pending one has no file.
    download: s.id !== null && st !== 'held' && st !== 'pending',
    submit: st === 'generated',
    reject: st === 'submitted',
    release: st === 'held',
  };
}

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, type Json, type paths, unwrap } from '../api/client';

export type Location = Json<'/admin/v1/cstore/locations/{locationId}', 'get'>;
export type License = Json<'/admin/v1/cstore/programs/{programId}/licenses', 'get'>[number];
export type Enrollment = Json<'/admin/v1/cstore/programs/{programId}/enrollments/rjr', 'get'>;
export type EnrollmentInput = NonNullable<paths['/admin/v1/cstore/programs/{programId}/enrollments/rjr']['put']['requestBody']>['content']['application/json'];
export type Change = Json<'/admin/v1/cstore/locations/{locationId}/changes', 'get'>[number];
export type Promotion = NonNullable<Change['after']>;
export type RegisterEntry = Json<'/admin/v1/cstore/locations/{locationId}/register', 'get'>[number];
export type Batch = Json<'/admin/v1/cstore/locations/{locationId}/batches', 'get'>[number];
export type SyncRun = Json<'/admin/v1/cstore/locations/{locationId}/sync-runs', 'get'>[number];
export type SyncRunDetail = Json<'/admin/v1/cstore/sync-runs/{runId}', 'get'>;
export type RollOut = Json<'/admin/v1/cstore/programs/{programId}/rollout', 'post'>;
export type RollOutReadiness = Json<'/admin/v1/cstore/programs/{programId}/rollout', 'get'>;
export type PilotBlocker = RollOutReadiness['blockers'][number];
export type RejectedRecords = Json<'/admin/v1/cstore/locations/{locationId}/rejected-records', 'get'>;
export type RetryOutlet = Json<'/admin/v1/cstore/locations/{locationId}/retry-outlet', 'post'>;
export type NewLocation = NonNullable<paths['/admin/v1/cstore/programs/{programId}/locations']['post']['requestBody']>['content']['application/json'];
export type LocationPatch = NonNullable<paths['/admin/v1/cstore/locations/{locationId}']['patch']['requestBody']>['content']['application/json'];
/**
 * What POST …/rollout answered: the locations it turned live, or — refused because the pilot was
 * not reviewed and confirmed yet (409 PilotNotReady) — the server's blockers per pilot location.
 */
export type RollOutOutcome = { done: RollOut } | { refused: { message: string; blockers: PilotBlocker[] } };
export type ChangeStatus = 'pending' | 'accepted' | 'rejected' | 'superseded';

const locationPath = (locationId: string) => ({ params: { path: { locationId } } });

export const keys = {
  locations: (programId: string) => ['cstore', 'locations', programId] as const,
  location: (locationId: string) => ['cstore', 'location', locationId] as const,
  changes: (locationId: string, status: ChangeStatus) => ['cstore', 'changes', locationId, status] as const,
  register: (locationId: string) => ['cstore', 'register', locationId] as const,
  batches: (locationId: string) => ['cstore', 'batches', locationId] as const,
  runs: (locationId: string) => ['cstore', 'runs', locationId] as const,
  licenses: (programId: string) => ['cstore', 'licenses', programId] as const,
  enrollment: (programId: string) => ['cstore', 'enrollment', programId] as const,
  readiness: (programId: string) => ['cstore', 'rollout', programId] as const,
  rejectedRecords: (locationId: string) => ['cstore', 'rejected-records', locationId] as const,
};

export const useLocations = (programId: string | null) =>
  useQuery({
    queryKey: keys.locations(programId ?? ''),
    enabled: Boolean(programId),
    queryFn: () => unwrap(api.GET('/admin/v1/cstore/programs/{programId}/locations', { params: { path: { programId: programId! } } })),
  });

export const useLocation = (locationId: string) =>
  useQuery({ queryKey: keys.location(locationId), queryFn: () => unwrap(api.GET('/admin/v1/cstore/locations/{locationId}', locationPath(locationId))) });

export const useChanges = (locationId: string, status: ChangeStatus = 'pending') =>
  useQuery({
    queryKey: keys.changes(locationId, status),
    queryFn: () => unwrap(api.GET('/admin/v1/cstore/locations/{locationId}/changes', { params: { path: { locationId }, query: { status, limit: '5000' } } })),
  });

export const useRegister = (locationId: string) =>
  useQuery({
    queryKey: keys.register(locationId),
    queryFn: () => unwrap(api.GET('/admin/v1/cstore/locations/{locationId}/register', locationPath(locationId))),
  });

export const useBatches = (locationId: string) =>
  useQuery({
    queryKey: keys.batches(locationId),
    queryFn: () => unwrap(api.GET('/admin/v1/cstore/locations/{locationId}/batches', { params: { path: { locationId }, query: { limit: '1000' } } })),
  });

export const useSyncRuns = (locationId: string, limit = 50) =>
  useQuery({
    queryKey: [...keys.runs(locationId), limit],
    queryFn: () => unwrap(api.GET('/admin/v1/cstore/locations/{locationId}/sync-runs', { params: { path: { locationId }, query: { limit: String(limit) } } })),
  });

export const useSyncRun = (runId: string | null) =>
  useQuery({
    queryKey: ['cstore', 'run', runId],
    enabled: Boolean(runId),
    queryFn: () => unwrap(api.GET('/admin/v1/cstore/sync-runs/{runId}', { params: { path: { runId: runId! } } })),
  });

export const useLicenses = (programId: string | null) =>
  useQuery({
    queryKey: keys.licenses(programId ?? ''),
    enabled: Boolean(programId),
    queryFn: () => unwrap(api.GET('/admin/v1/cstore/programs/{programId}/licenses', { params: { path: { programId: programId! } } })),
  });

/** The program's RJR enrollment; null when it has none yet (404). */
export const useEnrollment = (programId: string | null) =>
  useQuery({
    queryKey: keys.enrollment(programId ?? ''),
    enabled: Boolean(programId),
    queryFn: async () => {
      const { data, response, error } = await api.GET('/admin/v1/cstore/programs/{programId}/enrollments/rjr', { params: { path: { programId: programId! } } });
      if (response.status === 404) return null;
      return unwrap(Promise.resolve({ data, response, error }));
    },
  });

/** Whether the pilot is ready for roll-out and, per pilot location, what is still missing. */
export const useRollOutReadiness = (programId: string | null) =>
  useQuery({
    queryKey: keys.readiness(programId ?? ''),
    enabled: Boolean(programId),
    queryFn: () => unwrap(api.GET('/admin/v1/cstore/programs/{programId}/rollout', { params: { path: { programId: programId! } } })),
  });

/** The feed records the newest successful sync rejected, with what each meant for the register. */
export const useRejectedRecords = (locationId: string) =>
  useQuery({
    queryKey: keys.rejectedRecords(locationId),
    queryFn: () => unwrap(api.GET('/admin/v1/cstore/locations/{locationId}/rejected-records', locationPath(locationId))),
  });

/** Everything c-store in the cache is stale after a write: lists, counts, register, batches. */
export function useCstoreMutation<V, R>(fn: (v: V) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({ mutationFn: fn, onSettled: () => client.invalidateQueries({ queryKey: ['cstore'] }) });
}

export const cstoreApi = {
  accept: (locationId: string, body: { changeIds?: string[]; all?: boolean; idempotencyKey?: string }) =>
    unwrap(api.POST('/admin/v1/cstore/locations/{locationId}/changes/accept', { ...locationPath(locationId), body })),
  reject: (locationId: string, changeIds: string[], reason: string) =>
    unwrap(api.POST('/admin/v1/cstore/locations/{locationId}/changes/reject', { ...locationPath(locationId), body: { changeIds, reason } })),
  patchLocation: (locationId: string, body: LocationPatch) =>
    unwrap(api.PATCH('/admin/v1/cstore/locations/{locationId}', { ...locationPath(locationId), body })),
  setStatus: (locationId: string, status: 'off' | 'pilot' | 'live') =>
    unwrap(api.POST('/admin/v1/cstore/locations/{locationId}/status', { ...locationPath(locationId), body: { status } })),
  sync: (locationId: string) => unwrap(api.POST('/admin/v1/cstore/locations/{locationId}/sync', locationPath(locationId))),
  resend: (batchId: string) => unwrap(api.POST('/admin/v1/cstore/batches/{batchId}/resend', { params: { path: { batchId } } })),
  buyLicenses: (programId: string, term: '1m' | '1y', count: number) =>
    unwrap(api.POST('/admin/v1/cstore/programs/{programId}/licenses', { params: { path: { programId } }, body: { term, count } })),
  assignLicense: (licenseId: string, locationId: string) =>
    unwrap(api.POST('/admin/v1/cstore/licenses/{licenseId}/assign', { params: { path: { licenseId } }, body: { locationId } })),
  enroll: (programId: string, body: EnrollmentInput) =>
    unwrap(api.PUT('/admin/v1/cstore/programs/{programId}/enrollments/rjr', { params: { path: { programId } }, body })),
  /** A refusal for an unready pilot is an answer here, not an error: the screen shows its blockers. */
  rollOut: async (programId: string): Promise<RollOutOutcome> => {
    try {
      return { done: await unwrap(api.POST('/admin/v1/cstore/programs/{programId}/rollout', { params: { path: { programId } } })) };
    } catch (e) {
      if (e instanceof ApiError && e.code === 'PilotNotReady')
        return { refused: { message: e.message, blockers: (e.details?.blockers ?? []) as PilotBlocker[] } };
      throw e;
    }
  },
  issueAgentToken: (locationId: string) => unwrap(api.POST('/admin/v1/cstore/locations/{locationId}/agent-token', locationPath(locationId))),
  createLocation: (programId: string, body: NewLocation) =>
    unwrap(api.POST('/admin/v1/cstore/programs/{programId}/locations', { params: { path: { programId } }, body })),
  retryOutlet: (locationId: string) => unwrap(api.POST('/admin/v1/cstore/locations/{locationId}/retry-outlet', locationPath(locationId))),
};

/** The batch file's download path (NAXML or JSON, as the register gets it). */
export const batchContentPath = (batchId: string) => `/admin/v1/cstore/batches/${encodeURIComponent(batchId)}/content`;

import type { GuestAppService } from '../../../../app/guest/guest-app.service.ts';
import type { GuestAuthService } from '../../../../app/guest/guest-auth.service.ts';
import type { PromoCodes } from '../../../../app/guest/promo-codes.ts';
import type { Db } from '../../../db/database.ts';

/** What every guest resource's routes are given by `guestRoutes` (one set of services per app). */
export interface GuestRouteContext {
  db: Db;
  auth: GuestAuthService;
  guests: GuestAppService;
  promoCodes: PromoCodes;
  clock: () => Date;
}

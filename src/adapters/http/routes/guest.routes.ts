import type { FastifyInstance } from 'fastify';
import { GuestAppService } from '../../../app/guest/guest-app.service.ts';
import { GuestAuthService } from '../../../app/guest/guest-auth.service.ts';
import type { GuestOptions } from '../../../app/guest/guest-options.ts';
import { logLoginCodeSender } from '../../../app/guest/login-code-sender.ts';
import type { LimiterFactory } from '../../../app/ports/limiter.ts';
import { PromoCodes } from '../../../app/guest/promo-codes.ts';
import type { LoyaltyService } from '../../../app/loyalty.service.ts';
import type { Db } from '../../db/database.ts';
import { bearer } from '../headers.ts';
import { signInRoutes, signOutRoutes } from './guest/auth.routes.ts';
import { balanceRoutes } from './guest/balance.routes.ts';
import { codesRoutes } from './guest/codes.routes.ts';
import type { GuestRouteContext } from './guest/context.ts';
import { historyRoutes } from './guest/history.routes.ts';
import { incentivesRoutes } from './guest/incentives.routes.ts';
import { profileRoutes } from './guest/profile.routes.ts';
import { programRoutes } from './guest/program.routes.ts';
import { promoCodeRoutes } from './guest/promo-codes.routes.ts';
import { receiptClaimRoutes, receiptLookupRoutes } from './guest/receipts.routes.ts';
import { selectionRoutes } from './guest/selection.routes.ts';

export interface GuestPluginOptions {
  db: Db;
  loyalty: LoyaltyService;
  /** Sender, external identity providers, clock, limits; the environment when absent. */
  guest?: GuestOptions;
  /** where the login and promo-code limits are held; default: this process */
  limiters?: LimiterFactory;
}

/**
 * Guest (app) API under `/app/v1/{program}`: e-mail sign-in with one-time login codes (or an
 * external identity provider's JWTs), then profile, balance, incentives, pre-selection, one-time
 * codes for the POS (also as QR), history, receipt claims and promo codes. One route file per
 * resource under `guest/`; this plugin builds their services once and puts the token check in
 * front of everything but sign-in and the receipt look-up.
 */
export async function guestRoutes(app: FastifyInstance, opts: GuestPluginOptions): Promise<void> {
  const config = opts.guest ?? {};
  const clock = config.clock ?? (() => new Date());
  const db = opts.db.kysely;
  const ctx: GuestRouteContext = {
    db: opts.db,
    clock,
    auth: new GuestAuthService(db, { ...config, sender: config.sender ?? logLoginCodeSender(), clock, ...(opts.limiters ? { limiters: opts.limiters } : {}) }),
    guests: new GuestAppService(db, opts.loyalty, clock),
    promoCodes: new PromoCodes(db, clock, undefined, opts.limiters),
  };

  await app.register(programRoutes, ctx);
  await app.register(signInRoutes, ctx);
  await app.register(receiptLookupRoutes, ctx);

  // Everything below needs a guest token for the program in the path.
  await app.register(async (authed) => {
    authed.addHook('onRequest', async (request) => {
      const token = bearer(request);
      const slug = (request.params as { program?: string }).program ?? '';
      const program = await ctx.auth.program(slug);
      request.guest = await ctx.auth.authenticate(program, token);
      request.guestProgram = program;
    });
    for (const routes of [
      signOutRoutes,
      profileRoutes,
      balanceRoutes,
      incentivesRoutes,
      selectionRoutes,
      codesRoutes,
      historyRoutes,
      receiptClaimRoutes,
      promoCodeRoutes,
    ]) {
      await authed.register(routes, ctx);
    }
  });
}

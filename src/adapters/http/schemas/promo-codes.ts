import { Type } from '@sinclair/typebox';
import { Instant, Nullable } from './admin.ts';

/** Admin API shapes of promo codes (the guest and POS redemption shapes are in guest.ts / pos.ts). */
const strict = { additionalProperties: false } as const;

export const PromoCodeView = Type.Object({
  id: Type.String(),
  programId: Type.String(),
  code: Type.String({ description: 'upper-case; matched case-insensitively' }),
  incentiveId: Type.String(),
  maxUses: Nullable(Type.Integer(), { description: 'total redemptions allowed; null: unlimited' }),
  uses: Type.Integer(),
  oncePerGuest: Type.Boolean(),
  validFrom: Nullable(Instant),
  validUntil: Nullable(Instant),
  active: Type.Boolean({ description: 'false once disabled' }),
  createdAt: Instant,
  disabledAt: Nullable(Instant),
});

export const NewPromoCodeBody = Type.Object(
  {
    code: Type.String({
      minLength: 3,
      maxLength: 40,
      pattern: '^[A-Za-z0-9][A-Za-z0-9-]{2,39}$',
      description: '3–40 letters, digits or dashes; stored upper-case',
    }),
    incentiveId: Type.String({ minLength: 1, maxLength: 100, description: 'a reward or offer of this program' }),
    maxUses: Type.Optional(
      Nullable(Type.Integer({ minimum: 1, maximum: 2_147_483_647 }), { description: 'total redemptions allowed; null or absent: unlimited' }),
    ),
    oncePerGuest: Type.Optional(Type.Boolean({ description: 'a guest may redeem it once (default true)' })),
    validFrom: Type.Optional(Nullable(Type.String({ maxLength: 40, description: 'ISO-8601 date-time; absent: valid now' }))),
    validUntil: Type.Optional(Nullable(Type.String({ maxLength: 40, description: 'ISO-8601 date-time, exclusive; absent: no end' }))),
  },
  strict,
);

export const DisablePromoCodeBody = Nullable(
  Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500, description: 'kept in the audit log' })) }, strict),
);

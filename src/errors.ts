import type { RuleFailure } from './domain/rules/rule.ts';

/**
 * The one catalogue of errors Tillpoint answers with. Each has a stable `code` and HTTP status;
 * the HTTP adapter maps any thrown AppError to `{ code, statusCode, message, details? }`.
 */
export const ERRORS = {
  ValidationError: { status: 400, message: 'Request is not valid' },
  PayloadTooLarge: { status: 413, message: 'Request body is too large' },
  UnsupportedMediaType: { status: 415, message: 'Request body must be application/json' },
  Unauthorized: { status: 401, message: 'Missing or unknown API key' },
  Forbidden: { status: 403, message: 'Not allowed' },
  NotFound: { status: 404, message: 'No such route' },
  RulesError: { status: 400, message: 'Rule evaluation failed' },
  IdentifierNotFound: { status: 404, message: 'No guest matches this identifier' },
  StoreNotFound: { status: 404, message: 'Store not found' },
  InvalidIdentifier: { status: 422, message: 'Identifier is neither a 6-digit code nor a loyalty id' },
  OrderSelectionStatusUnclaimable: { status: 422, message: 'This code was already used for another transaction' },
  UserNotFoundError: { status: 404, message: 'Loyalty user not found' },
  RewardNotFoundError: { status: 404, message: 'Reward not found' },
  OfferNotFoundError: { status: 404, message: 'Offer not found' },
  TransactionNotFoundError: { status: 404, message: 'Loyalty transaction not found' },
  TransactionNotClaimable: { status: 400, message: 'Loyalty transaction cannot be changed in its current state' },
  TransactionInsufficientPoints: { status: 400, message: 'Guest does not have enough points' },
  RedeemRewardError: { status: 400, message: 'Loyalty is not enabled at this store' },
  VendorConfigMissing: { status: 422, message: 'Incentive has no PLU configuration for this POS vendor' },
  Conflict: { status: 409, message: 'Conflicting request' },
  LocationNotFound: { status: 404, message: 'Location not found' },
  LicenseNotFound: { status: 404, message: 'Scan Data license not found' },
  LicenseAlreadyAssigned: { status: 409, message: 'This license is already assigned' },
  NotLicensed: { status: 409, message: 'The location has no active Scan Data license' },
  EnrollmentNotFound: { status: 404, message: 'No manufacturer enrollment' },
  ChangeNotFound: { status: 404, message: 'Promotion change not found at this location' },
  ChangeNotPending: { status: 409, message: 'Promotion change was already decided' },
  NothingToAccept: { status: 409, message: 'No pending changes to accept' },
  BatchNotFound: { status: 404, message: 'Update batch not found' },
  InvalidTransition: { status: 409, message: 'Not allowed in the current state' },
  PilotNotReady: { status: 409, message: 'The pilot location has not reviewed, accepted and applied its promotions yet' },
  RateLimited: { status: 429, message: 'Too many requests' },
  LoginCodeInvalid: { status: 401, message: 'Login code is wrong, expired or used up' },
  ReceiptNotFound: { status: 404, message: 'No receipt with this code in this program' },
  ReceiptAlreadyClaimed: { status: 409, message: 'This receipt has already been claimed' },
  ReceiptClaimWindowClosed: { status: 422, message: 'The claim window for this receipt has closed' },
  PromoCodeNotFound: { status: 404, message: 'No such promo code' },
  PromoCodeAlreadyRedeemed: { status: 409, message: 'This promo code was already redeemed by this guest' },
  PromoCodeNotRedeemable: { status: 422, message: 'This promo code is not valid now or is used up' },
  PointsLimitExceeded: { status: 422, message: 'A points balance may not exceed 999,999,999,999' },
  ServiceUnavailable: { status: 503, message: 'Service unavailable' },
  InternalError: { status: 500, message: 'Internal error' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export class AppError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message ?? ERRORS[code].message);
    this.statusCode = ERRORS[code].status;
  }
}

/** 400 naming the offending field, e.g. `transactionDetails.order[2].price`. */
export function invalidField(field: string, message: string): AppError {
  return new AppError('ValidationError', `${field} ${message}`, { field });
}

/**
 * The RulesError envelope: one entry per failed rule. `isEngineError` is true as in the seed's
 * example: the rules engine, not the transport, refused. The HTTP adapter adds `errorConfig`
 * (the refused call).
 */
export function rulesError(failures: RuleFailure[]): AppError {
  return new AppError('RulesError', ERRORS.RulesError.message, { isEngineError: true, ruleEvaluation: failures });
}

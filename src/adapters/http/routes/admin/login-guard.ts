import { Throttle, type ThrottleLimits } from '../../../../app/throttle.ts';

/** 5 wrong passwords for one e-mail from one address within 15 minutes lock that pair for 15 minutes. */
export const ADMIN_LOGIN_LIMITS: ThrottleLimits = { limit: 30, windowMs: 60_000, maxMisses: 5, missWindowMs: 15 * 60_000, lockoutMs: 15 * 60_000 };

/**
 * Brute-force protection of POST /admin/v1/auth/login per e-mail and client address. In-process:
 * behind a load balancer with N processes an attacker gets up to N times the budget; put a shared
 * limiter in front (proxy) when that matters.
 */
export class LoginGuard {
  private readonly throttle: Throttle;

  constructor(limits: ThrottleLimits = ADMIN_LOGIN_LIMITS, now: () => number = Date.now) {
    this.throttle = new Throttle(limits, now);
  }

  private key(email: string, ip: string): string {
    return `login:${email.trim().toLowerCase()}|${ip}`;
  }

  /** Before checking the password: 429 while locked out or over the rate. */
  before(email: string, ip: string): void {
    this.throttle.attempt(this.key(email, ip), 'login attempts');
  }

  failed(email: string, ip: string): void {
    this.throttle.miss(this.key(email, ip));
  }

  succeeded(email: string, ip: string): void {
    this.throttle.reset(this.key(email, ip));
  }
}

import { type Limiter, type LimiterFactory, memoryLimiters, type ThrottleLimits } from '../../../../app/throttle.ts';

/** 5 wrong passwords for one e-mail from one address within 15 minutes lock that pair for 15 minutes. */
export const ADMIN_LOGIN_LIMITS: ThrottleLimits = { limit: 30, windowMs: 60_000, maxMisses: 5, missWindowMs: 15 * 60_000, lockoutMs: 15 * 60_000 };

/**
 * Brute-force protection of POST /admin/v1/auth/login per e-mail and client address, held where
 * the server's limiters are (shared by every process when several serve).
 */
export class LoginGuard {
  private readonly throttle: Limiter;

  constructor(limits: ThrottleLimits = ADMIN_LOGIN_LIMITS, limiters: LimiterFactory = memoryLimiters()) {
    this.throttle = limiters('admin-login', limits);
  }

  private key(email: string, ip: string): string {
    return `login:${email.trim().toLowerCase()}|${ip}`;
  }

  /** Before checking the password: 429 while locked out or over the rate. */
  async before(email: string, ip: string): Promise<void> {
    await this.throttle.attempt(this.key(email, ip), 'login attempts');
  }

  async failed(email: string, ip: string): Promise<void> {
    await this.throttle.miss(this.key(email, ip));
  }

  async succeeded(email: string, ip: string): Promise<void> {
    await this.throttle.reset(this.key(email, ip));
  }
}

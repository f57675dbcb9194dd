/**
 * Sign-in and sign-up limits that stop a guessing attacker without locking everyone else out:
 * - per account: at most ACCOUNT_MAX sign-in attempts in a window, whatever address they come from (rotating
 *   X-Forwarded-For does not help); a successful sign-in clears the account's count;
 * - per client address (the socket's, or the one a trusted proxy saw): at most ADDRESS_MAX failed sign-ins in
 *   a window, across accounts, and SIGNUP_MAX sign-ups;
 * - no address known (the app not started through its server): per account only, never one shared bucket.
 * Attempts are counted when they start, so parallel guesses cannot slip past. Refused attempts are not
 * counted (they cost the attacker nothing but also cannot extend a lockout). Counts live in this process's
 * memory, bounded in size; with several web instances each enforces its own.
 */
const MINUTE = 60_000;

export interface RateRule {
  windowMs: number;
  max: number;
}

export const SIGN_IN_PER_ACCOUNT: RateRule = { windowMs: 15 * MINUTE, max: 10 };
export const SIGN_IN_PER_ADDRESS: RateRule = { windowMs: 15 * MINUTE, max: 100 };
export const SIGN_UP_PER_ADDRESS: RateRule = { windowMs: 60 * MINUTE, max: 20 };
const MAX_KEYS = 100_000;

class Counter {
  private readonly entries = new Map<string, { count: number; resetAt: number }>();

  constructor(readonly rule: RateRule) {}

  /** Seconds until `key` may try again, or 0 when it may now. */
  retryAfter(key: string, now = Date.now()): number {
    const entry = this.entries.get(key);
    if (!entry || entry.resetAt <= now || entry.count < this.rule.max) return 0;
    return Math.max(1, Math.ceil((entry.resetAt - now) / 1000));
  }

  add(key: string, delta = 1, now = Date.now()): void {
    const entry = this.entries.get(key);
    if (!entry || entry.resetAt <= now) {
      if (delta <= 0) return;
      if (this.entries.size >= MAX_KEYS) this.prune(now);
      this.entries.set(key, { count: delta, resetAt: now + this.rule.windowMs });
      return;
    }
    entry.count = Math.max(0, entry.count + delta);
  }

  clear(key: string): void {
    this.entries.delete(key);
  }

  private prune(now: number): void {
    for (const [key, entry] of this.entries) if (entry.resetAt <= now) this.entries.delete(key);
    // Still full: drop the oldest keys (insertion order) rather than grow without bound.
    for (const key of this.entries.keys()) {
      if (this.entries.size < MAX_KEYS) break;
      this.entries.delete(key);
    }
  }
}

export interface Attempt {
  account?: string;
  address: string | null;
}

export class AuthRateLimiter {
  private readonly signInAccount = new Counter(SIGN_IN_PER_ACCOUNT);
  private readonly signInAddress = new Counter(SIGN_IN_PER_ADDRESS);
  private readonly signUpAddress = new Counter(SIGN_UP_PER_ADDRESS);

  /** Starts a sign-in attempt: 0 (counted) or the seconds to wait (not counted). */
  beginSignIn({ account, address }: Attempt): number {
    const wait = Math.max(
      account ? this.signInAccount.retryAfter(account) : 0,
      address ? this.signInAddress.retryAfter(address) : 0,
    );
    if (wait > 0) return wait;
    if (account) this.signInAccount.add(account);
    if (address) this.signInAddress.add(address);
    return 0;
  }

  /** The attempt signed in: the account's count is cleared and the address is not charged for it. */
  signInSucceeded({ account, address }: Attempt): void {
    if (account) this.signInAccount.clear(account);
    if (address) this.signInAddress.add(address, -1);
  }

  beginSignUp({ address }: Attempt): number {
    if (!address) return 0;
    const wait = this.signUpAddress.retryAfter(address);
    if (wait > 0) return wait;
    this.signUpAddress.add(address);
    return 0;
  }
}

/**
 * Failed-login throttling per client address and user name: after `limit` failures within `windowMs`
 * further attempts are refused until the oldest failure leaves the window. Memory is bounded by
 * forgetting keys whose failures have all expired.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit = 5,
    private readonly windowMs = 15 * 60 * 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until the next attempt is allowed; 0 if allowed now. */
  retryAfter(ip: string, username: string): number {
    const recent = this.recent(`${ip}\u0000${username}`);
    if (recent.length < this.limit) return 0;
    return Math.ceil((recent[0]! + this.windowMs - this.now()) / 1000);
  }

  fail(ip: string, username: string): void {
    const key = `${ip}\u0000${username}`;
    this.failures.set(key, [...this.recent(key), this.now()]);
    if (this.failures.size > 100_000) this.prune();
  }

  succeed(ip: string, username: string): void {
    this.failures.delete(`${ip}\u0000${username}`);
  }

  private recent(key: string): number[] {
    const since = this.now() - this.windowMs;
    return (this.failures.get(key) ?? []).filter((t) => t > since);
  }

  private prune(): void {
    for (const key of this.failures.keys()) if (this.recent(key).length === 0) this.failures.delete(key);
  }
}

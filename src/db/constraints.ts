/**
 * Reading which SQLite constraint a failed D1 statement or batch tripped. drizzle wraps D1's
 * error, so the message may sit on any `cause` down the chain.
 */

/** Which constraint a failed batch tripped, e.g. "NOT NULL constraint failed: coupon_redemptions.coupon_id". */
export function constraintViolation(err: unknown): string | undefined {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const match = /(NOT NULL|UNIQUE|CHECK|FOREIGN KEY) constraint failed[^\n]*/.exec(e.message);
    if (match) return match[0];
  }
  return undefined;
}

export function violates(err: unknown, ...needles: string[]): boolean {
  const violation = constraintViolation(err);
  return violation !== undefined && needles.some((n) => violation.includes(n));
}

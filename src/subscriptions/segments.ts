import type { Db } from "../db/client";
import { feeOf, phasesDuring, projectClaims, type PlanRef } from "./phases";
import type { PhaseState, SubscriptionRow } from "./table";

/**
 * A billing period as billing sees it: consecutive segments [from, to) that together cover
 * the period, cut at every instant something that decides a charge changed: the
 * subscription's own phases (plan version, pause, resume, cancel, trial end) and, for a
 * tenant-wide subscription, a project subscription starting or ending (which moves that
 * project's usage in or out of its scope).
 */
export interface Segment {
  from: number;
  to: number;
  state: PhaseState | "none";
  /** The plan version pricing usage here (null before the subscription's first phase). */
  plan: PlanRef | null;
  /** Whose base fee accrues here; null for none. */
  fee: PlanRef | null;
  /** Whose usage: one project's, or everything but the projects that had their own subscription. */
  scope: { projectId: string } | { excludeProjectIds: string[] };
}

export async function periodSegments(
  db: Db,
  sub: Pick<SubscriptionRow, "id" | "tenantId" | "projectId">,
  period: { periodStart: number; periodEnd: number },
): Promise<Segment[]> {
  const { periodStart: start, periodEnd: end } = period;
  const [phases, claims] = await Promise.all([
    phasesDuring(db, sub.id, start, end),
    sub.projectId === null ? projectClaims(db, sub.tenantId, start, end) : Promise.resolve([]),
  ]);
  const cuts = new Set<number>([start, end]);
  for (const p of phases) if (p.startsAt > start) cuts.add(p.startsAt);
  for (const c of claims) for (const t of [c.from, c.to]) if (t !== null && t > start && t < end) cuts.add(t);
  const bounds = [...cuts].sort((a, b) => a - b);

  const segments: Segment[] = [];
  let i = 0;
  for (let k = 0; k + 1 < bounds.length; k++) {
    const from = bounds[k]!;
    const to = bounds[k + 1]!;
    // The phase in force over [from, to): the last one that started by `from`.
    while (i + 1 < phases.length && phases[i + 1]!.startsAt <= from) i++;
    const phase = phases[i] && phases[i]!.startsAt <= from ? phases[i]! : undefined;
    const scope =
      sub.projectId !== null
        ? { projectId: sub.projectId }
        : { excludeProjectIds: [...new Set(claims.filter((c) => c.from <= from && (c.to === null || c.to >= to)).map((c) => c.projectId))].sort() };
    segments.push({
      from,
      to,
      state: phase?.state ?? "none",
      plan: phase ? { planId: phase.planId, version: phase.planVersion } : null,
      fee: phase ? feeOf(phase) : null,
      scope,
    });
  }
  return segments;
}

/** Whether usage in a segment is billed: while the subscription runs (in a trial only if its plan bills trial usage). */
export const billsUsage = (s: Segment, trialUsage: "free" | "billed"): boolean => s.state === "active" || (s.state === "trial" && trialUsage === "billed");

/** `segments` as they will be if a pause ends at `at`: from then on active, with the fee of the plan paused. */
export function resumedAt(segments: readonly Segment[], at: number): Segment[] {
  return segments.flatMap((s) => {
    if (s.state !== "paused" || s.to <= at) return [s];
    const resumed: Segment = { ...s, from: Math.max(s.from, at), state: "active", fee: s.plan };
    return s.from < at ? [{ ...s, to: at }, resumed] : [resumed];
  });
}

/** Whose usage the subscription bills at `at` (in its current period): its segment's scope. */
export async function usageScopeAt(db: Db, sub: SubscriptionRow, at: number): Promise<Segment["scope"]> {
  const segments = await periodSegments(db, sub, { periodStart: sub.currentPeriodStart, periodEnd: sub.currentPeriodEnd });
  return (segments.find((s) => s.from <= at && at < s.to) ?? segments.at(-1))!.scope;
}

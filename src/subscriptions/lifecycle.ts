import { invalidState } from "../http/errors";
import type { SubscriptionStatus } from "./table";

/**
 * The subscription state machine. Statuses:
 *
 *   trialing ──trial ends──► active ◄──resume── paused
 *       │                     │  ▲ └──pause───────┘
 *       │                     │  └──payment recovered── past_due ◄──payment failed──┘
 *       └─────────┬───────────┘
 *                 ▼ cancel (now, or at period end via the roll-over)
 *              canceled ──reactivate──► a new subscription, active from now
 *
 * An action on a status that does not allow it is a 409 INVALID_STATE naming the status.
 */
export type Action = "change-plan" | "cancel" | "reactivate" | "pause" | "resume" | "discount" | "mark-past-due" | "recover";

const LIVE: readonly SubscriptionStatus[] = ["trialing", "active", "paused", "past_due"];

const ALLOWED: Record<Action, readonly SubscriptionStatus[]> = {
  // A paused subscription resumes first, so a pause span never straddles two plans.
  "change-plan": ["trialing", "active", "past_due"],
  cancel: LIVE,
  // Live ones only when a cancellation is pending (checked in the service).
  reactivate: [...LIVE, "canceled"],
  // Trials and unpaid subscriptions cannot be paused: only a running, paid-up one can.
  pause: ["active"],
  resume: ["paused"],
  discount: LIVE,
  "mark-past-due": ["active"],
  recover: ["past_due"],
};

export function canTransition(action: Action, status: SubscriptionStatus): boolean {
  return ALLOWED[action].includes(status);
}

export function assertTransition(action: Action, status: SubscriptionStatus): void {
  if (!canTransition(action, status)) {
    throw invalidState(`Cannot ${action.replaceAll("-", " ")} a subscription that is ${status}`, {
      status,
      action,
      allowedFrom: ALLOWED[action],
    });
  }
}

import type { MeterPlanState } from "./plan-state";

/**
 * Which of a tenant's events a counter counts:
 * - `all`: every event (explicit quotas, tenants without a subscription);
 * - `project`: events of one project (a project's subscription);
 * - `unclaimed`: events with no project, or a project no live subscription
 *   claims (the tenant-wide subscription).
 */
export type Scope = { kind: "all" } | { kind: "project"; projectId: string } | { kind: "unclaimed"; claimed: readonly string[] };

export const ALL: Scope = { kind: "all" };

/** The events `state` governs, given the projects live subscriptions claim. */
export const scopeOfSubscription = (state: MeterPlanState, claimed: readonly string[]): Scope =>
  state.projectId !== null ? { kind: "project", projectId: state.projectId } : { kind: "unclaimed", claimed };

export function scopeKey(scope: Scope): string {
  if (scope.kind === "all") return "*";
  if (scope.kind === "project") return `p:${scope.projectId}`;
  return `u:${scope.claimed.join(",")}`;
}

/** `projectId` is the stored dimension: "" for none. */
export function inScope(scope: Scope, projectId: string): boolean {
  if (scope.kind === "all") return true;
  if (scope.kind === "project") return projectId === scope.projectId;
  return projectId === "" || !scope.claimed.includes(projectId);
}

/** A SQL condition on `project_id` (prefixed with AND) and its bindings. */
export function scopeSql(scope: Scope): { sql: string; args: string[] } {
  if (scope.kind === "project") return { sql: " AND project_id = ?", args: [scope.projectId] };
  if (scope.kind === "unclaimed" && scope.claimed.length > 0) {
    return { sql: ` AND project_id NOT IN (${scope.claimed.map(() => "?").join(",")})`, args: [...scope.claimed] };
  }
  return { sql: "", args: [] };
}

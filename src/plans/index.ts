// The plans module's public face: what code outside the module (the seed surfaces first) calls.
export { findPlanVersion } from "./service";
export { PlanId } from "./schemas";

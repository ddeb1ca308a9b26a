// The metering module's public face: what code outside the module (the seed surfaces first)
// calls. The meter, its storage and the rollup tables stay behind it.
export { recordUsage } from "./service";
export { readUsage } from "./usage";
export { UsageEventInput } from "./schemas";

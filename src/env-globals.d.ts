// Types `ctx.exports` / `exports` from "cloudflare:workers" after the worker's own module.
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import("./index");
    durableNamespaces: "TenantMeter";
  }
}

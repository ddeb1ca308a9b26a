// npm run token -- --tenant <id> --scope "<scopes>" [--sub <id>] [--ttl <seconds>]
// Prints a dev token signed with the local JWT_SECRET (.dev.vars), and nothing else on stdout.
// With JWT_SECRET set in the environment, signs with that instead: a deployment's secret
// (README "Deploy to Cloudflare": the first request).
import { parseArgs } from "node:util";
import { signDevToken } from "./lib.mjs";

const SCOPES = new Set(["billing:read", "billing:update", "usage:write", "admin"]);

try {
  const { values } = parseArgs({
    options: {
      tenant: { type: "string" },
      scope: { type: "string", default: "billing:read billing:update usage:write" },
      sub: { type: "string", default: "dev-user" },
      ttl: { type: "string", default: "86400" },
    },
  });
  if (!values.tenant) throw new Error("--tenant is required");
  const unknown = values.scope.split(" ").filter((s) => s && !SCOPES.has(s));
  if (unknown.length) throw new Error(`unknown scope(s): ${unknown.join(", ")} (known: ${[...SCOPES].join(" ")})`);
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl <= 0) throw new Error("--ttl must be a positive integer of seconds");
  if (ttl > 86400) console.error("token: the API refuses lifetimes over JWT_MAX_TTL_SECONDS (default 86400) unless it is raised");
  const secret = process.env.JWT_SECRET || undefined;
  process.stdout.write(`${await signDevToken({ tenant: values.tenant, scope: values.scope, sub: values.sub, ttl, secret })}\n`);
} catch (err) {
  console.error(`token: ${err.message}`);
  console.error('usage: npm run token -- --tenant <id> --scope "<scopes>" [--sub <id>] [--ttl <seconds>]');
  process.exit(2);
}

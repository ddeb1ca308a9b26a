// npm run dev: the console build, local D1 migrations + demo data, ready-to-paste tokens and
// console links, then wrangler dev on :8787.
// Every step is idempotent, so re-running it is safe.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";
import { seedDemoData } from "./demo-data.mjs";
import { DEV_VARS, signDevToken } from "./lib.mjs";

const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: process.env.CI ?? "" };
const wrangler = (args) => {
  const run = spawnSync("wrangler", args, { stdio: ["ignore", "inherit", "inherit"], env, shell: false });
  if (run.status !== 0) process.exit(run.status ?? 1);
};

if (!existsSync(DEV_VARS)) copyFileSync(".dev.vars.example", DEV_VARS);
// The console is static assets (wrangler.toml [assets]); `npm run build` rebuilds it while dev runs.
const build = spawnSync("vite", ["build", "--config", "console/vite.config.mjs", "--logLevel", "warn"], { stdio: "inherit", env, shell: false });
if (build.status !== 0) process.exit(build.status ?? 1);
wrangler(["d1", "migrations", "apply", "DB", "--local"]);
wrangler(["d1", "execute", "DB", "--local", "--file", "scripts/demo-seed.sql"]);

const port = process.env.PORT ?? "8787";
const tenantToken = await signDevToken({ tenant: "acme", scope: "billing:read billing:update usage:write" });
const adminToken = await signDevToken({ tenant: "platform", scope: "admin", sub: "operator" });
console.log(`
Demo tenant "acme" is ready. Tokens (valid 24h):

  export TOKEN=${tenantToken}
  export ADMIN_TOKEN=${adminToken}

  curl -H "Authorization: Bearer $TOKEN" http://localhost:${port}/api/v1/billing/plans
  Docs: http://localhost:${port}/docs

Console (the token moves into the tab's session storage and leaves the address bar):

  tenant acme: http://localhost:${port}/console/#token=${tenantToken}
  operator:    http://localhost:${port}/console/#token=${adminToken}
`);

const dev = spawn("wrangler", ["dev", "--port", port, "--ip", "127.0.0.1", "--test-scheduled", ...process.argv.slice(2)], { stdio: "inherit", env });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => process.exit(code ?? 0));

// Once the server answers, add the demo subscription, usage and spend through the API.
const base = `http://127.0.0.1:${port}`;
for (let i = 0; i < 120; i++) {
  const up = await fetch(`${base}/health`).then((r) => r.ok, () => false);
  if (up) {
    try {
      const seeded = await seedDemoData(base, { tenantToken, adminToken });
      console.log(`Demo data: acme on the "scale" plan, ${seeded.events} usage events, ${seeded.items} spend items.`);
    } catch (err) {
      console.error(`Demo data could not be written: ${err.message}`);
    }
    break;
  }
  await new Promise((r) => setTimeout(r, 500));
}

// npm run dev: the console build, local D1 migrations, wrangler dev on :8787 (PORT), demo data,
// then ready-to-paste tokens and console links.
// Every step is idempotent, so re-running it is safe.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { seedClockDemo, seedDemoData } from "./demo-data.mjs";
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

/** Resolves to a port the OS says is free on loopback (`0`), or to `port` if it can be bound. */
const bindable = (port) =>
  new Promise((resolve) => {
    const probe = createServer()
      .once("error", () => resolve(undefined))
      .listen(port, "127.0.0.1", () => {
        const { port: bound } = probe.address();
        probe.close(() => resolve(bound));
      });
  });

// PORT=8788 npm run dev starts a second server next to the first.
const port = process.env.PORT ?? "8787";
if ((await bindable(Number(port))) === undefined) {
  console.error(`Port ${port} is in use (another npm run dev?). Start this one on another: PORT=${Number(port) + 1} npm run dev`);
  process.exit(1);
}
// wrangler's devtools inspector would take the fixed 9229 and clash with a second server.
const inspectorPort = await bindable(0);

const tenantToken = await signDevToken({ tenant: "acme", scope: "billing:read billing:update usage:write" });
const adminToken = await signDevToken({ tenant: "platform", scope: "admin", sub: "operator" });
const globexToken = await signDevToken({ tenant: "globex", scope: "billing:read billing:update usage:write" });

const devArgs = ["dev", "--port", port, "--ip", "127.0.0.1", "--inspector-port", String(inspectorPort), "--test-scheduled"];
// Links in responses (pdfUrl) point at this server, whatever its port.
devArgs.push("--var", `PUBLIC_BASE_URL:http://localhost:${port}`);
// Test clocks are a development feature (off in wrangler.toml, so off when deployed).
devArgs.push("--var", "TEST_CLOCKS:true");
const dev = spawn("wrangler", [...devArgs, ...process.argv.slice(2)], { stdio: "inherit", env });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => process.exit(code ?? 0));

// Once the server answers, add the demo subscription, usage and spend through the API; then
// print the tokens and links, last, so they are not lost above wrangler's start-up output.
const base = `http://127.0.0.1:${port}`;
let status = `The server did not answer on ${base} within a minute; the demo data was not written.`;
for (let i = 0; i < 120; i++) {
  const up = await fetch(`${base}/health`).then(
    (r) => r.ok,
    () => false,
  );
  if (up) {
    try {
      const seeded = await seedDemoData(base, { tenantToken, adminToken });
      status = `Demo data: acme on the "scale" plan with a prepaid wallet ($${(seeded.walletCredit / 100).toFixed(2)} granted, usage debited from it), ${seeded.events} usage events, ${seeded.items} spend items.`;
    } catch (err) {
      status = `Demo data could not be written: ${err.message}`;
    }
    try {
      const clock = await seedClockDemo(base, { adminToken });
      status += `\nTest clock ${clock.clockId}: globex billed through three months (${clock.created ? "advanced just now" : "in an earlier run"}).`;
    } catch (err) {
      status += `\nThe test clock demo could not be written: ${err.message}`;
    }
    break;
  }
  await new Promise((r) => setTimeout(r, 500));
}
console.log(`
${status}
Tokens (valid 24 h; \`npm run token -- --tenant <id> --scope "<scopes>"\` prints more):

  export TOKEN=${tenantToken}
  export ADMIN_TOKEN=${adminToken}

  curl -H "Authorization: Bearer $TOKEN" http://localhost:${port}/api/v1/billing/plans
  API reference: http://localhost:${port}/docs

Console (the token moves into the tab's session storage and leaves the address bar):

  tenant acme: http://localhost:${port}/console/#token=${tenantToken}
  globex (on a test clock): http://localhost:${port}/console/#token=${globexToken}
  operator:    http://localhost:${port}/console/#token=${adminToken}
`);

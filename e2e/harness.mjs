// What the console's browser tests stand on: Debian's Chromium (installed with apt when it is
// missing), the console built by Vite, and the Worker started in workerd through Miniflare
// (bench/lib/worker.mjs: the `wrangler deploy` bundle with its static assets, fresh storage,
// loopback only).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { startWorker } from "../bench/lib/worker.mjs";
import { mintToken, newSecret } from "../bench/lib/tokens.mjs";

const require = createRequire(import.meta.url);
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const RESULTS = "test-results/console";

/**
 * The browser, or why there is none. Installs Debian's chromium when it is missing and apt
 * can (we run as root in CI); anywhere else the suite is skipped with this reason printed.
 */
export function ensureChromium() {
  if (existsSync(CHROMIUM)) return { path: CHROMIUM };
  const apt = spawnSync("sh", ["-c", "command -v apt-get"], { encoding: "utf8" });
  if (apt.status !== 0) return { skip: `${CHROMIUM} is missing and apt-get is not available: install Chromium and set CHROMIUM_PATH` };
  if (process.getuid?.() !== 0) return { skip: `${CHROMIUM} is missing; run as root (or: sudo apt-get install -y chromium) to install it` };
  console.log("# installing Debian's chromium for the browser tests (apt-get install -y chromium)");
  const run = spawnSync("sh", ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium"], { stdio: "inherit" });
  if (run.status !== 0 || !existsSync(CHROMIUM)) return { skip: `apt-get install chromium failed (exit ${run.status})` };
  return { path: CHROMIUM };
}

export async function launchBrowser(path) {
  return chromium.launch({
    executablePath: path,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * Builds the console (so the test sees the code as it is now) and starts the Worker. Webhook
 * endpoints may be loopback receivers (`http://127.0.0.1:…`), as in development.
 */
export async function startServer(vars = {}) {
  const build = spawnSync(
    process.execPath,
    [join("node_modules", "vite", "bin", "vite.js"), "build", "--config", "console/vite.config.mjs", "--logLevel", "warn"],
    {
      stdio: "inherit",
    },
  );
  if (build.status !== 0) throw new Error(`console build failed (exit ${build.status})`);
  const secret = newSecret();
  const worker = await startWorker({ vars: { JWT_SECRET: secret, LOG_LEVEL: "error", TEST_CLOCKS: "true", WEBHOOKS_ALLOW_LOOPBACK: "true", ...vars } });
  return { ...worker, token: (claims) => mintToken(secret, claims) };
}

/** A JSON API call as a client would make it. */
export function apiClient(base) {
  return async (method, path, token, body) => {
    const res = await fetch(`${base}/api/v1/billing/${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = await res.json().catch(() => undefined);
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json.data;
  };
}

const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** axe-core run in the page (evaluated, so the console's CSP need not allow it); serious and critical violations. */
export async function seriousViolations(page) {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => (await globalThis.axe.run(document, { resultTypes: ["violations"] })).violations);
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} — ${v.nodes
          .map((n) => n.target.join(" "))
          .slice(0, 5)
          .join(", ")}`,
    );
}

/** Waits until the view has its heading and nothing is loading any more. */
export async function settled(page) {
  await page.waitForSelector("main h1");
  await page.waitForFunction(() => document.querySelectorAll("[data-loading]").length === 0, undefined, { timeout: 15_000 });
}

export async function screenshot(page, name) {
  mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: `${RESULTS}/${name}.png`, fullPage: true });
}

// npm run lint:openapi (the step of `npm test` after vitest): the OpenAPI document as the Worker
// serves it, linted by Redocly CLI (redocly.yaml: its recommended rules) and Spectral
// (.spectral.yaml: spectral:oas). Exits non-zero on any error or warning of either, so the
// document stays clean: a rule that does not fit is turned off in its config, with the reason.
//
// The document comes from the real Worker: the `wrangler deploy` bundle started in workerd
// through Miniflare (bench/lib/worker.mjs), loopback only, without the console's assets and
// without PUBLIC_BASE_URL (so `servers` is relative, as on a deployment that sets none).
// Offline: no telemetry or update checks, no remote rulesets.
//
// It also checks that the document built in Node without a Worker (scripts/openapi-document.mjs,
// what `npm run client:generate` generates the TypeScript client from) is this one, exactly.
//
//   node scripts/lint-openapi.mjs [--out openapi.json]   # --out also keeps the document
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { isDeepStrictEqual, parseArgs } from "node:util";
import { startWorker } from "../bench/lib/worker.mjs";
import { buildOpenApiDocument } from "./openapi-document.mjs";

const require = createRequire(import.meta.url);
const { values: args } = parseArgs({ options: { out: { type: "string" } } });
const started = Date.now();

async function servedDocument() {
  // wrangler's dry-run build wants the assets directory to exist even when none are served.
  mkdirSync("dist/assets", { recursive: true });
  const worker = await startWorker({ assets: false, vars: { LOG_LEVEL: "error", PUBLIC_BASE_URL: "" } });
  try {
    const res = await fetch(`${worker.url}/api/v1/billing/openapi.json`);
    if (!res.ok) throw new Error(`GET /api/v1/billing/openapi.json answered ${res.status}`);
    return await res.text();
  } finally {
    await worker.close();
  }
}

/** Runs a package's CLI under this Node, offline; its JSON report on stdout. */
function run(pkg, bin, argv) {
  const entry = join(dirname(require.resolve(`${pkg}/package.json`)), bin);
  const result = spawnSync(process.execPath, [entry, ...argv], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", NO_UPDATE_NOTIFIER: "1" },
  });
  if (result.error) throw result.error;
  return result;
}

function parseReport(name, result) {
  try {
    return JSON.parse(result.stdout);
  } catch {
    throw new Error(`${name} did not produce a report (exit ${result.status}):\n${result.stderr || result.stdout}`);
  }
}

/** Redocly: `{totals, problems: [{ruleId, severity, message, location: [{pointer}]}]}`. */
function redocly(file) {
  const result = run("@redocly/cli", "bin/cli.js", ["lint", file, "--config", "redocly.yaml", "--format", "json", "--max-problems", "10000"]);
  const report = parseReport("redocly", result);
  return report.problems.map((p) => ({ severity: p.severity, rule: p.ruleId, where: p.location?.[0]?.pointer ?? "", message: p.message }));
}

const SPECTRAL_SEVERITY = ["error", "warn", "info", "hint"];

/** Spectral: `[{code, severity (0 error … 3 hint), path, message}]`. */
function spectral(file) {
  const result = run("@stoplight/spectral-cli", "dist/index.js", ["lint", file, "--ruleset", ".spectral.yaml", "--format", "json", "--quiet"]);
  const report = parseReport("spectral", result);
  return report.map((p) => ({ severity: SPECTRAL_SEVERITY[p.severity] ?? "info", rule: p.code, where: `#/${p.path.join("/")}`, message: p.message }));
}

const dir = mkdtempSync(join(tmpdir(), "edge-billing-openapi-"));
let failed = false;
try {
  const file = join(dir, "openapi.json");
  const served = await servedDocument();
  writeFileSync(file, served);
  if (!isDeepStrictEqual(JSON.parse(served), await buildOpenApiDocument())) {
    console.log("client: the document built in Node (scripts/openapi-document.mjs) differs from the one the Worker serves");
    failed = true;
  } else {
    console.log("client: the document built in Node is the one the Worker serves");
  }
  if (args.out) copyFileSync(file, args.out);
  for (const [name, lint] of [
    ["redocly", redocly],
    ["spectral", spectral],
  ]) {
    const problems = lint(file);
    const count = (severity) => problems.filter((p) => p.severity === severity).length;
    console.log(`${name}: ${count("error")} errors, ${count("warn")} warnings, ${problems.length - count("error") - count("warn")} other`);
    for (const p of problems) console.log(`  ${p.severity} ${p.rule} ${p.where}: ${p.message}`);
    if (count("error") + count("warn") > 0) failed = true;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`OpenAPI lint ${failed ? "failed" : "passed"} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(failed ? 1 : 0);

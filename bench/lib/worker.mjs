// Starts the production build of the Worker in workerd through Miniflare directly: no
// wrangler dev proxy, no inspector, local D1 / Durable Objects / Queues / R2 in memory,
// listening on loopback only. Bindings come from wrangler.toml, so the bench runs what
// `wrangler deploy` would upload with the configuration it would use.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig, unstable_splitSqlQuery } from "wrangler";

const require = createRequire(import.meta.url);

/**
 * The Worker's Miniflare options from wrangler.toml, as `wrangler dev` builds them, without its
 * check of `[secrets] required` (it looks for them in .dev.vars or the environment and warns about
 * each one missing): callers pass the secrets they use as bindings (`vars`).
 */
export function configuredWorkerOptions(config = "wrangler.toml") {
  const parsed = unstable_readConfig({ config });
  parsed.secrets = undefined;
  return unstable_getMiniflareWorkerOptions(parsed).workerOptions;
}

/** `wrangler deploy --dry-run`: the exact bundle a deploy would upload. */
export function buildWorker(outdir = mkdtempSync(join(tmpdir(), "edge-billing-bench-"))) {
  const wrangler = join(dirname(require.resolve("wrangler/package.json")), "bin/wrangler.js");
  const run = spawnSync(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", outdir], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_LOG: "error" },
  });
  if (run.status !== 0) throw new Error(`wrangler build failed (exit ${run.status})`);
  return { scriptPath: join(outdir, "index.js"), outdir };
}

/** The bundle's files as Miniflare modules: the entry first, then each data module it imports. */
function bundleModules(outdir) {
  const files = readdirSync(outdir).filter((f) => !f.endsWith(".map") && f !== "README.md");
  const entry = { type: "ESModule", path: join(outdir, "index.js") };
  const data = files.filter((f) => f !== "index.js").map((f) => ({ type: f.endsWith(".js") ? "ESModule" : "Data", path: join(outdir, f) }));
  return [entry, ...data];
}

/** Applies migrations/*.sql in order, as `wrangler d1 migrations apply` would. */
async function migrate(db, dir = "migrations") {
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    for (const statement of unstable_splitSqlQuery(readFileSync(join(dir, file), "utf8"))) {
      await db.prepare(statement).run();
    }
  }
}

/**
 * Where the instance keeps D1 / Durable Object / queue storage for the run: a fresh
 * directory on a RAM file system when there is one. Miniflare otherwise writes SQLite
 * files under the OS temp dir, and on a VM disk every Durable Object commit then waits
 * for an fsync (tens of ms here), which measures the disk, not workerd or our code;
 * production Durable Objects do not commit to a local disk either. BENCH_STORAGE_DIR
 * overrides (e.g. a directory on disk, to see that cost).
 */
export function storageDir() {
  const parent = process.env.BENCH_STORAGE_DIR ?? (existsSync("/dev/shm") ? "/dev/shm" : tmpdir());
  return mkdtempSync(join(parent, "edge-billing-bench-state-"));
}

/**
 * Builds and starts the Worker with empty storage. Returns its loopback URL, the
 * Miniflare instance (for bindings such as getD1Database), where its storage lives,
 * and close(), which also removes the build and the storage.
 * `vars` are added to (and override) wrangler.toml's [vars]; `extra` are more Miniflare
 * options (e.g. `{ inspectorPort }` to attach a profiler); `assets: false` serves the API only.
 */
export async function startWorker({ vars = {}, config = "wrangler.toml", extra = {}, assets = true } = {}) {
  const build = buildWorker();
  const state = storageDir();
  const cleanUp = () => {
    rmSync(build.outdir, { recursive: true, force: true });
    rmSync(state, { recursive: true, force: true });
  };
  // The bundle is an ES module plus the data modules wrangler.toml's [[rules]] name (the
  // invoice PDF fonts), listed here as wrangler would upload them.
  // The rate limit bindings are left out: the bench drives far more than one tenant's budget
  // on purpose, and locally each check is a Durable Object round trip, where Cloudflare's
  // binding is a counter in the same process. Without a binding the Worker enforces nothing.
  // `assets: false` leaves the console's static assets out: locally they put an asset-router
  // worker in front of every request (about 0.8 ms of CPU each here), where Cloudflare routes
  // assets before the Worker runs and /api/* goes straight to it (run_worker_first).
  const { modulesRules: _rules, rootPath: _root, ratelimits: _limits, assets: assetOptions, ...workerOptions } = configuredWorkerOptions(config);
  if (assets && assetOptions) workerOptions.assets = assetOptions;
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      ...workerOptions,
      name: "edge-billing",
      modules: bundleModules(build.outdir),
      modulesRoot: build.outdir,
      bindings: { ...workerOptions.bindings, ...vars },
      cronTriggers: [],
      host: "127.0.0.1",
      port: 0,
      logRequests: false,
      verbose: false,
      resourcePersistencePath: state,
      ...extra,
    }),
  );
  let url;
  try {
    url = await mf.ready;
    await migrate(await mf.getD1Database("DB"));
  } catch (err) {
    await mf.dispose().catch(() => undefined);
    cleanUp();
    throw err;
  }
  return {
    url: url.origin,
    mf,
    storage: state,
    async close() {
      await mf.dispose();
      cleanUp();
    },
  };
}

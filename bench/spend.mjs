// Spend tracking benchmark: breakdown and trend latency over 10,000 and 100,000 items (and
// their ratio), and full-text search latency over 100,000 items.
//
//   benchSpend({ baseUrl, token })  against a running worker (used by `npm run bench`)
//   npx node bench/spend.mjs        standalone: builds the worker, starts it in workerd via
//                                   Miniflare (no wrangler dev proxy), runs, prints JSON
//
// Items are seeded through the API's bulk endpoint (POST /items/batch, 500 items a request,
// 4 in flight), so the FTS index, tag rows and monthly totals are filled by the same triggers
// production writes go through. With an admin token the 10,000- and 100,000-item datasets are
// two tenants measured in alternation (same machine load for both); see benchSpend. The table grows the way spend does: the same ~100 items a day, over a
// longer history (10,000 items ≈ 100 days, 100,000 ≈ 1,000 days). "window" reports cover a
// fixed recent period (the last 30 days for breakdown, 90 for a daily trend) and read only
// that period's index entries; "allTime" reports (breakdown by provider, monthly trend) cover
// every item and read the trigger-maintained monthly totals.
// Every latency is one request at a time, from send to the end of the body.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const DAY_MS = 86_400_000;
const PER_DAY = 100;
const BATCH = 500;
const IN_FLIGHT = 4;
const SAMPLES = 200;
const WARMUP = 20;
// The newest day of the generated history; the windows end here. Mid-month on purpose: the
// 30- and 90-day windows are not whole months, so they read the items through the covering
// index, while the all-time reports read the monthly totals.
const LAST_DAY = Date.UTC(2026, 5, 25);

const PROVIDERS = {
  gcp: ["Compute Engine", "Cloud Storage", "BigQuery", "Cloud SQL", "Networking"],
  aws: ["Amazon EC2", "Amazon S3", "Amazon RDS", "AWS Lambda", "Amazon CloudFront"],
  openai: ["gpt-4o, input", "gpt-4o, output", "embeddings", "whisper"],
  anthropic: ["Claude Sonnet Input Tokens", "Claude Sonnet Output Tokens", "Web Search"],
  datadog: ["Infrastructure hosts", "Log ingestion"],
};
const PROVIDER_NAMES = Object.keys(PROVIDERS);
const CATEGORIES = ["Infrastructure", "AI", "Observability", "Data", null];
const TAGS = ["compute", "storage", "ai", "production", "staging", "network", "database"];
const WORDS = ["daily", "usage", "reserved", "on-demand", "egress", "tokens", "cluster", "replica", "backup", "batch"];

/** Deterministic pseudo-random numbers, so every run seeds the same data. */
function rng(seed) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32;
}

function makeItem(n, random) {
  const provider = PROVIDER_NAMES[Math.floor(random() * PROVIDER_NAMES.length)];
  const services = PROVIDERS[provider];
  const service = services[Math.floor(random() * services.length)];
  const day = Math.floor(n / PER_DAY);
  const tags = TAGS.filter(() => random() < 0.25);
  const category = CATEGORIES[Math.floor(random() * CATEGORIES.length)];
  return {
    name: `${provider.toUpperCase()} ${service}`,
    amount: 1 + Math.floor(random() * 250_000),
    provider,
    service,
    providerRef: `bench-${n}`,
    tags,
    description: `${WORDS[n % WORDS.length]} ${WORDS[(n * 7) % WORDS.length]} cost for ${service}`,
    recurring: random() < 0.3,
    date: new Date(LAST_DAY - day * DAY_MS + Math.floor(random() * DAY_MS)).toISOString(),
    ...(category ? { category } : {}),
  };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
const round = (n, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The token's claims (unverified: only to learn whether it is an admin token). */
function claims(token) {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8"));
}

function client(baseUrl, token, tenantId) {
  const api = `${baseUrl.replace(/\/$/, "")}/api/v1/billing`;
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const withTenant = (path) => (tenantId ? `${path}${path.includes("?") ? "&" : "?"}tenantId=${encodeURIComponent(tenantId)}` : path);
  return async function request(method, path, body) {
    const res = await fetch(`${api}/${withTenant(path)}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text);
  };
}

async function seed(request, from, to, random, totals) {
  let next = from;
  async function worker() {
    while (next < to) {
      const start = next;
      next = Math.min(to, next + BATCH);
      const items = [];
      for (let n = start; n < next; n++) items.push(makeItem(n, random));
      for (const item of items) totals.set(item.provider, (totals.get(item.provider) ?? 0) + item.amount);
      await request("POST", "items/batch", { items });
    }
  }
  const started = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return (to - from) / ((performance.now() - started) / 1000);
}

const day = (ms) => new Date(ms).toISOString().slice(0, 10);
const QUERIES = {
  breakdown: {
    window: `reports/breakdown?by=provider&from=${day(LAST_DAY - 29 * DAY_MS)}&to=${day(LAST_DAY)}`,
    allTime: "reports/breakdown?by=provider",
  },
  trend: {
    window: `reports/trend?interval=day&from=${day(LAST_DAY - 89 * DAY_MS)}&to=${day(LAST_DAY)}`,
    allTime: "reports/trend?interval=month",
  },
};
const SEARCHES = ["compute", "comp", "gpt input", "storage production", "claude web", '"unbalanced (NEAR', "egress cloudfront", "xyzzy"];

async function timed(request, path) {
  const t0 = performance.now();
  await request("GET", path);
  return performance.now() - t0;
}

const stats = (samples) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)) };
};

/** Latency of `paths` (in turn) against one or more datasets, alternating between them per request. */
async function latency(requests, paths) {
  for (let i = 0; i < WARMUP; i++) for (const request of requests) await request("GET", paths[i % paths.length]);
  const samples = requests.map(() => []);
  for (let i = 0; i < SAMPLES; i++) {
    for (const [n, request] of requests.entries()) samples[n].push(await timed(request, paths[i % paths.length]));
  }
  return samples.map(stats);
}

const withRatio = (query, at10k, at100k) => ({
  query,
  at10k,
  at100k,
  ratioP50: round(at100k.p50Ms / at10k.p50Ms),
  ratioP99: round(at100k.p99Ms / at10k.p99Ms),
});

/** Nothing lost, nothing counted twice: the report equals what was sent, to the cent. */
async function checkTotals(request, totals, items) {
  const breakdown = (await request("GET", "reports/breakdown?by=provider")).data;
  const sent = [...totals].map(([key, amount]) => ({ key, amount })).sort((a, b) => b.amount - a.amount);
  const reported = breakdown.map((r) => ({ key: r.key, amount: r.amount }));
  const summary = (await request("GET", "reports/summary")).data;
  if (summary.itemCount !== items || JSON.stringify(sent) !== JSON.stringify(reported)) {
    throw new Error(`spend totals differ from what was seeded: ${JSON.stringify({ sent, reported, itemCount: summary.itemCount })}`);
  }
}

/**
 * @param {{ baseUrl: string, token: string, log?: (msg: string) => void }} opts
 *   token: an admin token, or one with billing:read billing:update for a tenant without spend
 *   items. With an admin token the bench seeds two fresh tenants (10,000 and 100,000 items of
 *   the same generated history) and alternates requests between them, so both sizes are
 *   measured under the same machine load; otherwise it measures its one tenant at 10,000
 *   items, grows it to 100,000 and measures again.
 */
export async function benchSpend({ baseUrl, token, log = (msg) => console.error(msg) }) {
  const admin = String(claims(token).scope ?? "")
    .split(" ")
    .includes("admin");
  const run = Date.now().toString(36);
  const small = client(baseUrl, token, admin ? `bench-spend-10k-${run}` : undefined);
  const large = admin ? client(baseUrl, token, `bench-spend-100k-${run}`) : small;
  if ((await small("GET", "status")).data.totalItems > 0) throw new Error("benchSpend needs a tenant without spend items (or an admin token)");

  const results = { breakdown: {}, trend: {} };
  const smallTotals = new Map();
  const largeTotals = admin ? new Map() : smallTotals;
  const seeding = {};
  if (admin) {
    log("spend: seeding 10,000 items (tenant A) and 100,000 items (tenant B)");
    seeding.itemsPerSecond10k = Math.round(await seed(small, 0, 10_000, rng(42), smallTotals));
    seeding.itemsPerSecond100k = Math.round(await seed(large, 0, 100_000, rng(42), largeTotals));
    for (const [name, q] of Object.entries(QUERIES)) {
      for (const scope of ["window", "allTime"]) {
        const [at10k, at100k] = await latency([small, large], [q[scope]]);
        results[name][scope] = withRatio(q[scope], at10k, at100k);
      }
    }
  } else {
    log("spend: seeding 10,000 items");
    const random = rng(42);
    seeding.itemsPerSecond10k = Math.round(await seed(small, 0, 10_000, random, smallTotals));
    const at10k = {};
    for (const [name, q] of Object.entries(QUERIES)) {
      for (const scope of ["window", "allTime"]) [at10k[`${name}.${scope}`]] = await latency([small], [q[scope]]);
    }
    log("spend: seeding 90,000 more items (100,000)");
    seeding.itemsPerSecond100k = Math.round(await seed(small, 10_000, 100_000, random, smallTotals));
    for (const [name, q] of Object.entries(QUERIES)) {
      for (const scope of ["window", "allTime"]) {
        const [at100k] = await latency([small], [q[scope]]);
        results[name][scope] = withRatio(q[scope], at10k[`${name}.${scope}`], at100k);
      }
    }
  }

  log("spend: search over 100,000 items");
  const [searchStats] = await latency(
    [large],
    SEARCHES.map((q) => `search?q=${encodeURIComponent(q)}&limit=20`),
  );
  if (!(await large("GET", "search?q=comp&limit=100")).data.length) throw new Error("search found nothing");
  if (admin) await checkTotals(small, smallTotals, 10_000);
  await checkTotals(large, largeTotals, 100_000);

  return {
    mode: admin ? "interleaved" : "sequential",
    breakdown: results.breakdown,
    trend: results.trend,
    search: { items: 100_000, queries: SEARCHES, ...searchStats },
    seeding,
    consistent: true,
  };
}

// ---- standalone ---------------------------------------------------------------------------

async function startWorker(secret) {
  const { Miniflare, convertV4MiniflareOptions } = await import("miniflare");
  const { unstable_splitSqlQuery } = await import("wrangler");
  const { configuredWorkerOptions } = await import("./lib/worker.mjs");
  // Inside the project (.wrangler/ is git-ignored): workerd resolves module paths below its root.
  mkdirSync(".wrangler/tmp", { recursive: true });
  const outdir = mkdtempSync(join(".wrangler/tmp", "bench-spend-"));
  // `wrangler deploy --dry-run`: the exact bundle a deploy would upload.
  const build = spawnSync("wrangler", ["deploy", "--dry-run", "--outdir", outdir], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_LOG: "error" },
  });
  if (build.status !== 0) throw new Error(`wrangler build failed (exit ${build.status})`);
  // The dry-run bundle is a single ES module, so wrangler's module rules do not apply.
  const workerOptions = configuredWorkerOptions("wrangler.toml");
  delete workerOptions.modulesRules;
  // No persistence path: D1, Durable Objects, queues and R2 live in memory for this run.
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port: 0,
      verbose: false,
      logRequests: false,
      workers: [
        {
          ...workerOptions,
          name: "edge-billing",
          modules: true,
          scriptPath: join(outdir, "index.js"),
          bindings: { ...workerOptions.bindings, JWT_SECRET: secret, LOG_LEVEL: "error" },
          cronTriggers: [],
        },
      ],
    }),
  );
  const url = await mf.ready;
  const db = await mf.getD1Database("DB");
  for (const file of readdirSync("migrations")
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    for (const statement of unstable_splitSqlQuery(readFileSync(join("migrations", file), "utf8"))) await db.prepare(statement).run();
  }
  return {
    url: url.origin,
    async close() {
      await mf.dispose();
      rmSync(outdir, { recursive: true, force: true });
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { SignJWT } = await import("jose");
  const secret = `bench-${crypto.randomUUID()}`;
  const worker = await startWorker(secret);
  try {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ tenant: "platform", scope: "admin" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("bench")
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(new TextEncoder().encode(secret));
    console.log(JSON.stringify(await benchSpend({ baseUrl: worker.url, token }), null, 2));
  } finally {
    await worker.close();
  }
}

// Where a hold reserve and a commit spend their time next to a plain request and a wallet record:
// `node bench/holds-profile.mjs` starts the production build in workerd (as bench/run.mjs does) and
// runs, in interleaved rounds, GET /health, a recorded event for a wallet tenant (priced and
// debited), hold reserves, the commits of those holds, and hold + commit pairs as the bench sends
// them; it prints workerd's CPU time per request (per pair for pairs), median of the rounds.
//
// PROFILE=commit,reserve (any of the names) also takes a V8 CPU profile of those loads through
// the inspector and writes <name>-<round>.cpuprofile to PROFILE_DIR (default: the OS temp dir),
// to open in Chrome DevTools or read with any .cpuprofile tool. HOLDS_N (2000 requests per load
// and round), HOLDS_ROUNDS (3) and HOLDS_LOADS (a comma-separated subset) change the run. Bounded
// like the bench: every load stops after its requests or 60 s.
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { workerdCpuSeconds } from "./lib/cpu.mjs";
import { connect, round, runLoad } from "./lib/load.mjs";
import { mintToken, newSecret } from "./lib/tokens.mjs";
import { startWorker } from "./lib/worker.mjs";
import { runPairs, setupWallets } from "./wallet.mjs";

const N = Number(process.env.HOLDS_N ?? 2000);
const ROUNDS = Number(process.env.HOLDS_ROUNDS ?? 3);
const PROFILE = (process.env.PROFILE ?? "").split(",").filter(Boolean);
const PROFILE_DIR = process.env.PROFILE_DIR ?? tmpdir();
const CONCURRENCY = 16;
const MAX_MS = 60_000;
const INSPECTOR_PORT = 9339;
const API = "/api/v1/billing";

/** A minimal Chrome DevTools Protocol client for the worker's inspector (Miniflare's proxy). */
async function inspector(port) {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const target = targets.find((t) => t.id.includes("edge-billing")) ?? targets[0];
  const ws = new WebSocket(target.webSocketDebuggerUrl ?? `ws://127.0.0.1:${port}/${target.id}`);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let id = 0;
  const waiting = new Map();
  ws.onmessage = (m) => {
    const msg = JSON.parse(m.data);
    waiting.get(msg.id)?.(msg);
    waiting.delete(msg.id);
  };
  const send = (method, params = {}) =>
    new Promise((resolve) => {
      waiting.set(++id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: 100 });
  return { send, close: () => ws.close() };
}

const secret = newSecret();
const worker = await startWorker({
  vars: { JWT_SECRET: secret, LOG_LEVEL: "warn" },
  assets: false,
  extra: PROFILE.length ? { inspectorPort: INSPECTOR_PORT } : {},
});
const pool = connect(worker.url, CONCURRENCY);
try {
  const admin = await mintToken(secret, { tenant: "platform", scope: "admin", sub: "bench" });
  const tenants = Array.from({ length: 8 }, (_, i) => `holds-w-${i}`);
  await setupWallets(pool, { admin, tenants });
  const tokens = Object.fromEntries(
    await Promise.all(tenants.map(async (t) => [t, await mintToken(secret, { tenant: t, scope: "usage:write billing:read" })])),
  );
  const headers = (t) => ({ authorization: `Bearer ${tokens[t]}`, "content-type": "application/json" });
  const next = { record: 0, reserve: 0, commit: 0 };
  const post = (path, tenant, body) => ({ method: "POST", path: `${API}/tenants/${tenant}${path}`, headers: headers(tenant), body: JSON.stringify(body) });
  const loads = {
    health: { request: () => ({ method: "GET", path: "/health" }), expect: (s) => s === 200 },
    walletRecord: {
      request: () => {
        const i = next.record++;
        return post("/usage", tenants[i % tenants.length], { eventId: `w-${i}`, metric: "apiCalls", quantity: 1 });
      },
      expect: (s) => s === 200,
    },
    // Holds of a 10-minute ttl, committed by the next load in the same order.
    reserve: {
      request: () => {
        const i = next.reserve++;
        return post("/usage/holds", tenants[i % tenants.length], { holdId: `h-${i}`, metric: "apiCalls", quantity: 2, ttlSeconds: 600 });
      },
      expect: (s) => s === 201,
    },
    commit: {
      request: () => {
        const i = next.commit++;
        return post(`/usage/holds/h-${i}/commit`, tenants[i % tenants.length], { quantity: 1 });
      },
      expect: (s, body) => s === 200 && body.includes('"committed":"1"'),
    },
    pairs: { pairs: true },
  };
  const only = process.env.HOLDS_LOADS?.split(",");
  if (only) for (const name of Object.keys(loads)) if (!only.includes(name)) delete loads[name];
  if (loads.commit && !loads.reserve) throw new Error("commit needs reserve (it commits the holds reserve opened)");
  const run = (load, requests, prefix) =>
    load.pairs
      ? runPairs(pool, { tenants, headers, concurrency: CONCURRENCY, pairs: requests / 2, maxMs: MAX_MS, prefix })
      : runLoad(pool, { concurrency: CONCURRENCY, requests, maxMs: MAX_MS, ...load });
  // Warm-up: JIT, the objects' SQLite and caches.
  for (const load of Object.values(loads)) await run(load, 500, "warm");
  const insp = PROFILE.length ? await inspector(INSPECTOR_PORT) : null;
  const cpu = Object.fromEntries(Object.keys(loads).map((name) => [name, []]));
  let errors = 0;
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, load] of Object.entries(loads)) {
      const profiled = insp && PROFILE.includes(name);
      if (profiled) await insp.send("Profiler.start");
      const cpu0 = workerdCpuSeconds();
      const sample = await run(load, N, `r${r}`);
      if (cpu0 !== null) cpu[name].push(((workerdCpuSeconds() - cpu0) / sample.requests) * 1e6);
      if (profiled) {
        const { result } = await insp.send("Profiler.stop");
        const file = join(PROFILE_DIR, `${name}-${r}.cpuprofile`);
        writeFileSync(file, JSON.stringify(result.profile));
        console.log(`profile: ${file}`);
      }
      if (sample.errors) {
        errors += sample.errors;
        console.log(`${name}: ${sample.errors} failed, first: ${sample.firstError}`);
      }
    }
  }
  insp?.close();
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    `\nworkerd CPU µs per request (per pair for pairs), median of ${ROUNDS} rounds of ${N} requests${PROFILE.length ? " (profiling adds to it)" : ""}:`,
  );
  for (const [name, xs] of Object.entries(cpu)) {
    if (xs.length) console.log(`  ${name.padEnd(13)} ${String(Math.round(median(xs))).padStart(6)}   rounds: ${xs.map(Math.round).join(" ")}`);
  }
  if (cpu.health?.length && cpu.pairs?.length)
    console.log(`  pair / health ${round(median(cpu.pairs) / median(cpu.health), 2)} (the bench's pair target, 0.25 of the ceiling, is about 4)`);
  if (errors) process.exitCode = 1;
} finally {
  await pool.close();
  await worker.close();
}

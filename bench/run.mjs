// npm run bench: the load benchmark. Starts the production build in workerd (Miniflare,
// no dev proxy, loopback only), drives a bounded load from this machine, prints one table
// and writes bench/results.json. Exits non-zero if the recorded totals differ from what
// was sent (lost or double-counted events) or if requests failed.
//
// Every phase is bounded by a request count and a time limit; the whole run stops by itself.
import { fileURLToPath } from "node:url";
import { startWorker } from "./lib/worker.mjs";
import { workerdCpuSeconds } from "./lib/cpu.mjs";
import { connect, round, runLoad, summarize } from "./lib/load.mjs";
import { mintToken, newSecret } from "./lib/tokens.mjs";
import { machineInfo, printTable, writeResults } from "./lib/report.mjs";
import { benchPreview } from "./preview.mjs";
import { benchSpend } from "./spend.mjs";
import { runPairs, setupWallets, walletRace } from "./wallet.mjs";

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const PHASE_MAX_MS = 20_000;
const TENANTS = 8;
const BATCHES = Number(process.env.BENCH_BATCHES ?? 100);
const BATCH_SIZE = 1000;
/** Share of each batch that replays events already sent (must not be counted twice). */
const REPLAY_EVERY = 50;
const END_TO_END_MAX_MS = 60_000;
/** Rounds the ceiling, record and check loads alternate in. */
const ROUNDS = 5;
/** BENCH_SPEND=0 skips the spend-tracking phase (bench/spend.mjs), which runs last. */
const WITH_SPEND = process.env.BENCH_SPEND !== "0";
/** BENCH_PREVIEW=0 skips the invoice-preview scaling phase (bench/preview.mjs); BENCH_PREVIEW_EVENTS sets its large tenant's events. */
const WITH_PREVIEW = process.env.BENCH_PREVIEW !== "0";
const PREVIEW_EVENTS = Number(process.env.BENCH_PREVIEW_EVENTS ?? 1_000_000);

const API = "/api/v1/billing";
const loadAtStart = machineInfo().loadAvg1m;
const secret = newSecret();
// The API as Cloudflare runs it: the console's assets are routed by the platform, not the Worker.
const worker = await startWorker({ vars: { JWT_SECRET: secret, LOG_LEVEL: "warn" }, assets: false });
const pool = connect(worker.url, CONCURRENCY);
let exitCode = 0;

try {
  const tenants = Array.from({ length: TENANTS }, (_, i) => `bench-${i}`);
  const tokens = Object.fromEntries(
    await Promise.all(tenants.map(async (t) => [t, await mintToken(secret, { tenant: t, scope: "usage:write billing:read" })])),
  );
  const json = (tenant) => ({ authorization: `Bearer ${tokens[tenant]}`, "content-type": "application/json" });
  const auth = (tenant) => ({ authorization: `Bearer ${tokens[tenant]}` });
  /** Events each tenant has had accepted, and the exact total (in tenths, all quantities are 0.1). */
  const sent = Object.fromEntries(tenants.map((t) => [t, new Set()]));
  const ok200 = (s) => s === 200;

  // Warm-up: JIT, the objects' SQLite, the D1 schema. Its events count like any others.
  await runLoad(pool, { concurrency: CONCURRENCY, requests: 2000, maxMs: 10_000, request: () => ({ method: "GET", path: "/health" }) });
  let singles = 0;
  const recordOne = () => {
    const i = singles++;
    const tenant = tenants[i % TENANTS];
    sent[tenant].add(`single-${i}`);
    return {
      method: "POST",
      path: `${API}/tenants/${tenant}/usage`,
      headers: json(tenant),
      body: JSON.stringify({ eventId: `single-${i}`, metric: "apiCalls", quantity: 0.1, projectId: `p${i % 4}` }),
    };
  };
  await runLoad(pool, { concurrency: CONCURRENCY, requests: 800, maxMs: 10_000, request: recordOne, expect: ok200 });

  // Entitlements are read for tenants of their own, on `pro` (hard limits, so the metered
  // features are evaluated against quotas) with some usage; the metering tenants stay without a plan.
  const entTenants = Array.from({ length: TENANTS }, (_, i) => `bench-ent-${i}`);
  const entTokens = Object.fromEntries(
    await Promise.all(entTenants.map(async (t) => [t, await mintToken(secret, { tenant: t, scope: "usage:write billing:read billing:update" })])),
  );
  for (const t of entTenants) {
    const headers = { authorization: `Bearer ${entTokens[t]}`, "content-type": "application/json" };
    const sub = await pool.request({
      method: "POST",
      path: `${API}/tenants/${t}/subscriptions`,
      headers,
      body: JSON.stringify({ planId: "pro", trial: false }),
    });
    if (sub.statusCode !== 201) throw new Error(`bench: subscribing ${t} answered ${sub.statusCode} ${await sub.body.text()}`);
    await sub.body.dump();
    for (const [i, metric] of ["apiCalls", "llmTokens", "storage"].entries()) {
      const use = await pool.request({
        method: "POST",
        path: `${API}/tenants/${t}/usage`,
        headers,
        body: JSON.stringify({ eventId: `ent-${i}`, metric, quantity: 10 }),
      });
      if (use.statusCode !== 200) throw new Error(`bench: usage for ${t} answered ${use.statusCode} ${await use.body.text()}`);
      await use.body.dump();
    }
  }

  // Wallet tenants: a priced plan and a prepaid wallet each, so every recorded event is priced
  // at its marginal cost and debited in the meter's transaction (bench/wallet.mjs).
  const admin = await mintToken(secret, { tenant: "platform", scope: "admin", sub: "bench" });
  const walletTenants = Array.from({ length: TENANTS }, (_, i) => `bench-w-${i}`);
  await setupWallets(pool, { admin, tenants: walletTenants });
  const walletTokens = Object.fromEntries(
    await Promise.all(walletTenants.map(async (t) => [t, await mintToken(secret, { tenant: t, scope: "usage:write billing:read" })])),
  );
  const walletJson = (tenant) => ({ authorization: `Bearer ${walletTokens[tenant]}`, "content-type": "application/json" });
  let walletSingles = 0;

  // 1–4. The ceiling (a trivial route in the same runtime), single-event record (JWT,
  // validation, one Durable Object call per event), quota check and entitlements (both
  // read-only), run in interleaved rounds so that all four see the same machine load.
  const phases = {
    ceiling: { request: () => ({ method: "GET", path: "/health" }), expect: ok200 },
    record: { request: recordOne, expect: (s, body) => s === 200 && body.includes('"accepted"') },
    check: {
      request: (i) => {
        const tenant = tenants[i % TENANTS];
        return { method: "GET", path: `${API}/quotas/tenants/${tenant}/check?metric=apiCalls&quantity=1`, headers: auth(tenant) };
      },
      expect: (s, body) => s === 200 && body.includes('"allowed":true'),
    },
    entitlements: {
      request: (i) => {
        const tenant = entTenants[i % TENANTS];
        return { method: "GET", path: `${API}/tenants/${tenant}/entitlements`, headers: { authorization: `Bearer ${entTokens[tenant]}` } };
      },
      expect: (s, body) => s === 200 && body.includes('"planId":"pro"') && body.includes('"used":10'),
    },
    walletRecord: {
      request: () => {
        const i = walletSingles++;
        const tenant = walletTenants[i % TENANTS];
        return {
          method: "POST",
          path: `${API}/tenants/${tenant}/usage`,
          headers: walletJson(tenant),
          body: JSON.stringify({ eventId: `w-${i}`, metric: "apiCalls", quantity: 1 }),
        };
      },
      expect: (s, body) => s === 200 && body.includes('"accepted"'),
    },
  };
  const samples = { ceiling: [], record: [], check: [], entitlements: [], walletRecord: [], pairs: [] };
  const cpuSeconds = { ceiling: 0, record: 0, check: 0, entitlements: 0, walletRecord: 0, pairs: 0 };
  for (let round_ = 0; round_ < ROUNDS; round_++) {
    for (const [name, load] of Object.entries(phases)) {
      const cpu0 = workerdCpuSeconds();
      samples[name].push(await runLoad(pool, { concurrency: CONCURRENCY, requests: REQUESTS / ROUNDS, maxMs: PHASE_MAX_MS / ROUNDS, ...load }));
      if (cpu0 !== null) cpuSeconds[name] += workerdCpuSeconds() - cpu0;
    }
    // Hold + commit pairs (two requests each, in sequence), in the same rounds.
    const cpu0 = workerdCpuSeconds();
    samples.pairs.push(
      await runPairs(pool, {
        tenants: walletTenants,
        headers: walletJson,
        concurrency: CONCURRENCY,
        pairs: REQUESTS / ROUNDS / 2,
        maxMs: PHASE_MAX_MS / ROUNDS,
        prefix: `r${round_}`,
      }),
    );
    if (cpu0 !== null) cpuSeconds.pairs += workerdCpuSeconds() - cpu0;
  }
  /** The phase's figures plus workerd's CPU time per request, steadier than req/s on a shared machine. */
  const figures = (name) => {
    const s = summarize(...samples[name]);
    return { ...s, cpuUsPerRequest: workerdCpuSeconds() === null ? null : round((cpuSeconds[name] / s.requests) * 1e6, 0) };
  };
  const ceiling = figures("ceiling");
  const record = figures("record");
  const check = figures("check");
  const entitlements = figures("entitlements");
  const walletRecord = figures("walletRecord");
  const pairs = figures("pairs");

  // 4. Batch ingestion: 1,000-event batches through the queue. Every REPLAY_EVERY-th event
  // repeats an id sent before, which must not be counted twice.
  const batchStarted = process.hrtime.bigint();
  const batchCpu0 = workerdCpuSeconds();
  const batchBodies = Array.from({ length: BATCHES }, (_, b) => {
    const tenant = tenants[b % TENANTS];
    const events = Array.from({ length: BATCH_SIZE }, (_, i) => {
      const n = b * BATCH_SIZE + i;
      const eventId = i % REPLAY_EVERY === REPLAY_EVERY - 1 ? `single-${(n * 7) % singles}` : `batch-${n}`;
      return { eventId, metric: "apiCalls", quantity: 0.1, projectId: `p${n % 4}`, resource: `r${n % 16}` };
    });
    return { tenant, events };
  });
  for (const { tenant, events } of batchBodies) {
    // A replayed single-event id counts only if it was sent to this tenant; otherwise it is new here.
    for (const e of events) sent[tenant].add(e.eventId);
  }
  const batchSample = await runLoad(pool, {
    concurrency: Math.min(CONCURRENCY, 8),
    requests: BATCHES,
    maxMs: PHASE_MAX_MS * 3,
    request: (b) => ({
      method: "POST",
      path: `${API}/tenants/${batchBodies[b].tenant}/usage/batch`,
      headers: json(batchBodies[b].tenant),
      body: JSON.stringify({ events: batchBodies[b].events }),
    }),
    expect: (s) => s === 202,
  });
  const batch = summarize(batchSample);
  const batchEvents = batch.requests * BATCH_SIZE;
  const acceptedEventsPerSec = round(batchEvents / batch.seconds, 0);

  // End to end: until every tenant's summary shows everything sent (or the time limit).
  const expected = (t) => sent[t].size;
  const summaryOf = async (t) => {
    const res = await pool.request({ method: "GET", path: `${API}/tenants/${t}/usage/summary?metric=apiCalls`, headers: auth(t) });
    const body = await res.body.json();
    const item = body.data.items[0] ?? { events: 0, quantity: "0", rejected: 0 };
    return item;
  };
  const deadline = Date.now() + END_TO_END_MAX_MS;
  let totals;
  for (;;) {
    totals = Object.fromEntries(await Promise.all(tenants.map(async (t) => [t, await summaryOf(t)])));
    if (tenants.every((t) => totals[t].events >= expected(t)) || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const endToEndSeconds = Number(process.hrtime.bigint() - batchStarted) / 1e9;
  const batchCpuUsPerEvent = batchCpu0 === null ? null : round(((workerdCpuSeconds() - batchCpu0) / (batch.requests * BATCH_SIZE)) * 1e6, 1);
  const uniqueBatchEvents = batchBodies.reduce((n, b) => n + b.events.filter((e) => e.eventId.startsWith("batch-")).length, 0);
  const endToEndEventsPerSec = round(uniqueBatchEvents / endToEndSeconds, 0);

  // Correctness: every tenant's count and exact decimal total equal what was sent.
  const tenth = (n) => (n % 10 === 0 ? `${n / 10}` : `${Math.floor(n / 10)}.${n % 10}`);
  const mismatches = tenants
    .filter((t) => totals[t].events !== expected(t) || totals[t].quantity !== tenth(expected(t)) || totals[t].rejected !== 0)
    .map(
      (t) => `${t}: expected ${expected(t)} events = ${tenth(expected(t))}, got ${totals[t].events} = ${totals[t].quantity} (rejected ${totals[t].rejected})`,
    );
  // The race: concurrent holds and events against a wallet of exactly 1,000 ¢ (fails the bench if overspent or off by a cent).
  const race = await walletRace(pool, { admin, tenant: "bench-race" });
  const failedRequests = ceiling.errors + record.errors + check.errors + entitlements.errors + walletRecord.errors + pairs.errors + batch.errors;
  const sentTotal = tenants.reduce((n, t) => n + expected(t), 0);
  const countedTotal = tenants.reduce((n, t) => n + totals[t].events, 0);
  const correct = mismatches.length === 0 && failedRequests === 0 && race.consistent;

  const ratio = (a) => round(a / ceiling.rps, 2);
  const results = {
    ceiling: { rps: ceiling.rps, p50Ms: ceiling.p50Ms, p99Ms: ceiling.p99Ms, requests: ceiling.requests, cpuUsPerRequest: ceiling.cpuUsPerRequest },
    record: {
      rps: record.rps,
      p50Ms: record.p50Ms,
      p99Ms: record.p99Ms,
      ratio: ratio(record.rps),
      requests: record.requests,
      cpuUsPerRequest: record.cpuUsPerRequest,
    },
    check: {
      rps: check.rps,
      p50Ms: check.p50Ms,
      p99Ms: check.p99Ms,
      ratio: ratio(check.rps),
      requests: check.requests,
      cpuUsPerRequest: check.cpuUsPerRequest,
    },
    entitlements: {
      rps: entitlements.rps,
      p50Ms: entitlements.p50Ms,
      p99Ms: entitlements.p99Ms,
      ratio: ratio(entitlements.rps),
      requests: entitlements.requests,
      cpuUsPerRequest: entitlements.cpuUsPerRequest,
    },
    walletRecord: {
      rps: walletRecord.rps,
      p50Ms: walletRecord.p50Ms,
      p99Ms: walletRecord.p99Ms,
      ratio: ratio(walletRecord.rps),
      requests: walletRecord.requests,
      cpuUsPerRequest: walletRecord.cpuUsPerRequest,
    },
    holdPairs: {
      pairsPerSec: pairs.rps,
      p50Ms: pairs.p50Ms,
      p99Ms: pairs.p99Ms,
      ratio: ratio(pairs.rps),
      pairs: pairs.requests,
      cpuUsPerPair: pairs.cpuUsPerRequest,
    },
    walletRace: race,
    batch: {
      acceptedEventsPerSec,
      endToEndEventsPerSec,
      batches: batch.requests,
      batchSize: BATCH_SIZE,
      p50Ms: batch.p50Ms,
      p99Ms: batch.p99Ms,
      endToEndSeconds: round(endToEndSeconds, 2),
      cpuUsPerEvent: batchCpuUsPerEvent,
    },
    correct,
    totals: { sent: sentTotal, counted: countedTotal, failedRequests, mismatches },
    config: { concurrency: CONCURRENCY, tenants: TENANTS, logLevel: "warn", storage: worker.storage },
    targets: {
      recordRatio: 0.4,
      recordP99VsCeiling: 3,
      checkRatio: 0.5,
      entitlementsRatio: 0.5,
      walletRecordRatio: 0.4,
      holdPairRatio: 0.25,
      batchEndToEndEventsPerSec: 20_000,
    },
    machine: { ...machineInfo(), loadAvg1mAtStart: loadAtStart },
    time: new Date().toISOString(),
  };

  const pass = (ok) => (ok ? "ok" : "MISS");
  console.log(
    `\nedge-billing bench — ${results.machine.cpus} CPUs, load ${loadAtStart} → ${results.machine.loadAvg1m}, node ${results.machine.node}, ${results.machine.workerd}, concurrency ${CONCURRENCY}`,
  );
  console.log("(CPU µs: workerd CPU time per request, per event for batches; steadier than req/s when other work shares the machine)\n");
  printTable(
    ["path", "rps / events/s", "p50 ms", "p99 ms", "CPU µs", "vs ceiling", "target"],
    [
      ["ceiling  GET /health", ceiling.rps, ceiling.p50Ms, ceiling.p99Ms, ceiling.cpuUsPerRequest, "1.00", ""],
      [
        "record   POST …/usage",
        record.rps,
        record.p50Ms,
        record.p99Ms,
        record.cpuUsPerRequest,
        `${ratio(record.rps).toFixed(2)} (p99 ×${round(record.p99Ms / ceiling.p99Ms, 1)})`,
        `≥0.40, p99 ≤×3: ${pass(ratio(record.rps) >= 0.4 && record.p99Ms <= 3 * ceiling.p99Ms)}`,
      ],
      [
        "check    GET …/quotas/…/check",
        check.rps,
        check.p50Ms,
        check.p99Ms,
        check.cpuUsPerRequest,
        ratio(check.rps).toFixed(2),
        `≥0.50: ${pass(ratio(check.rps) >= 0.5)}`,
      ],
      [
        "entitle. GET …/entitlements",
        entitlements.rps,
        entitlements.p50Ms,
        entitlements.p99Ms,
        entitlements.cpuUsPerRequest,
        ratio(entitlements.rps).toFixed(2),
        `≥0.50: ${pass(ratio(entitlements.rps) >= 0.5)}`,
      ],
      [
        "wallet   POST …/usage + debit",
        walletRecord.rps,
        walletRecord.p50Ms,
        walletRecord.p99Ms,
        walletRecord.cpuUsPerRequest,
        ratio(walletRecord.rps).toFixed(2),
        `≥0.40: ${pass(ratio(walletRecord.rps) >= 0.4)}`,
      ],
      [
        "hold+commit pairs/s",
        pairs.rps,
        pairs.p50Ms,
        pairs.p99Ms,
        pairs.cpuUsPerRequest,
        ratio(pairs.rps).toFixed(2),
        `≥0.25: ${pass(ratio(pairs.rps) >= 0.25)}`,
      ],
      ["batch    accepted at the edge", acceptedEventsPerSec, batch.p50Ms, batch.p99Ms, "", "", ""],
      ["batch    end to end", endToEndEventsPerSec, "", "", batchCpuUsPerEvent, "", `≥20,000/s: ${pass(endToEndEventsPerSec >= 20_000)}`],
    ],
  );
  console.log(
    `\ncorrectness: ${correct ? "OK" : "FAILED"} — sent ${sentTotal} distinct events (+${batchEvents - uniqueBatchEvents} replays), counted ${countedTotal}, failed requests ${failedRequests}`,
  );
  for (const m of mismatches) console.log(`  ${m}`);
  console.log(
    `wallet race: ${race.consistent ? "OK" : "FAILED"} — ${race.operations} concurrent holds and events against ${race.cents} ¢: ${race.accepted} accepted (${race.holds} holds, ${race.events} events), ${race.refused} × 402; balance ${race.balance} ¢, expected ${race.expected} ¢`,
  );
  if (
    ceiling.firstError ||
    record.firstError ||
    check.firstError ||
    entitlements.firstError ||
    walletRecord.firstError ||
    pairs.firstError ||
    batch.firstError
  ) {
    console.log("  first errors:", {
      ceiling: ceiling.firstError,
      record: record.firstError,
      check: check.firstError,
      entitlements: entitlements.firstError,
      walletRecord: walletRecord.firstError,
      pairs: pairs.firstError,
      batch: batch.firstError,
    });
  }

  // Spend tracking (bench/spend.mjs) runs after the metering phases so it cannot skew them.
  if (WITH_SPEND) {
    const operator = await mintToken(secret, { tenant: "platform", scope: "admin", sub: "bench" });
    try {
      results.spend = await benchSpend({ baseUrl: worker.url, token: operator });
    } catch (err) {
      results.spend = { consistent: false, error: err instanceof Error ? err.message : String(err) };
      results.correct = false;
    }
  }
  // Invoice preview at 10k vs 1M events in the period (reads rollups, so it should not grow).
  if (WITH_PREVIEW) {
    try {
      results.preview = await benchPreview({
        pool,
        large: PREVIEW_EVENTS,
        token: (tenant) => mintToken(secret, { tenant, scope: "billing:read billing:update usage:write" }),
      });
      if (!results.preview.consistent) results.correct = false;
    } catch (err) {
      results.preview = { consistent: false, error: err instanceof Error ? err.message : String(err) };
      results.correct = false;
    }
    const p = results.preview;
    console.log(
      p.error
        ? `preview: FAILED — ${p.error}`
        : `preview: p50 ${p.at10k.p50Ms} ms at ${p.at10k.events} events, ${p.at1m.p50Ms} ms at ${p.at1m.events} (p99 ${p.at10k.p99Ms} / ${p.at1m.p99Ms}); ratio ${p.ratioP50} (target ≤1.5: ${pass(p.ratioP50 <= 1.5)}); ingest ${p.ingestSeconds}s`,
    );
  }
  writeResults(fileURLToPath(new URL("./results.json", import.meta.url)), results);
  if (results.spend) {
    const s = results.spend;
    console.log(
      s.error ? `spend: FAILED — ${s.error}` : `spend: consistent; breakdown/trend/search latencies over 10k and 100k items in bench/results.json ("spend")`,
    );
  }
  console.log("results: bench/results.json");
  if (!results.correct) exitCode = 1;
} finally {
  await pool.close();
  await worker.close();
}
process.exit(exitCode);

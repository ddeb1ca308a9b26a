// The billing preview must not cost more as raw events pile up: it reads hourly rollups.
// Two tenants on the metered "scale" plan get 10,000 and 1,000,000 events through the real
// path (POST …/usage/batch → queue → TenantMeter → rollups), spread over the same grid of
// hours × projects × resources, so both have the same rollup rows and differ only in events.
// Then GET …/billing/preview is timed for each. Target: p50 ratio (1M / 10k) ≤ 1.5.
import { runLoad, summarize, round } from "./lib/load.mjs";

const API = "/api/v1/billing";
const HOURS = 240;
const PROJECTS = 4;
const RESOURCES = 4;
const BATCH = 1000;

export async function benchPreview({ pool, token, small = 10_000, large = 1_000_000, concurrency = 8 }) {
  const tenants = { small: { id: "preview-10k", events: small }, large: { id: "preview-1m", events: large } };
  const now = Date.now();
  const startAt = new Date(now - (HOURS + 2) * 3_600_000).toISOString();
  const ingestStarted = Date.now();
  for (const t of Object.values(tenants)) {
    t.token = await token(t.id);
    const headers = { authorization: `Bearer ${t.token}`, "content-type": "application/json" };
    const res = await pool.request({
      method: "POST",
      path: `${API}/tenants/${t.id}/subscriptions`,
      headers,
      body: JSON.stringify({ planId: "scale", trial: false, startAt }),
    });
    if (res.statusCode !== 201 && res.statusCode !== 409) throw new Error(`subscribe ${t.id}: ${res.statusCode} ${await res.body.text()}`);
    await res.body.dump?.();
    const batches = Math.ceil(t.events / BATCH);
    const sample = await runLoad(pool, {
      concurrency,
      requests: batches,
      maxMs: 600_000,
      request: (b) => ({
        method: "POST",
        path: `${API}/tenants/${t.id}/usage/batch`,
        headers,
        body: JSON.stringify({
          events: Array.from({ length: Math.min(BATCH, t.events - b * BATCH) }, (_, i) => {
            const n = b * BATCH + i;
            const cell = n % (HOURS * PROJECTS * RESOURCES);
            const hour = Math.floor(cell / (PROJECTS * RESOURCES));
            return {
              eventId: `pv-${n}`,
              metric: "apiCalls",
              quantity: 1,
              timestamp: new Date(now - (hour + 1) * 3_600_000 + 1000).toISOString(),
              projectId: `p${cell % PROJECTS}`,
              resource: `r${Math.floor(cell / PROJECTS) % RESOURCES}`,
            };
          }),
        }),
      }),
      expect: (s) => s === 202,
    });
    if (sample.errors) throw new Error(`ingest ${t.id}: ${sample.errors} failed batches (${sample.firstError})`);
  }
  // Until each tenant's summary shows every event (the queue drains asynchronously).
  const deadline = Date.now() + 600_000;
  for (const t of Object.values(tenants)) {
    for (;;) {
      const res = await pool.request({
        method: "GET",
        path: `${API}/tenants/${t.id}/usage/summary?metric=apiCalls&from=${encodeURIComponent(startAt)}`,
        headers: { authorization: `Bearer ${t.token}` },
      });
      const body = await res.body.json();
      t.counted = body.data?.items?.[0]?.events ?? 0;
      if (t.counted >= t.events || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const ingestSeconds = (Date.now() - ingestStarted) / 1000;

  const previewOf = async (t) => {
    const sample = await runLoad(pool, {
      concurrency: 4,
      requests: 200,
      maxMs: 60_000,
      request: () => ({ method: "GET", path: `${API}/tenants/${t.id}/billing/preview`, headers: { authorization: `Bearer ${t.token}` } }),
      expect: (s, body) => s === 200 && body.includes(`"apiCalls: ${t.events} used`),
    });
    return summarize(sample);
  };
  // Interleave so both see the same machine load.
  const runs = { small: [], large: [] };
  for (let r = 0; r < 3; r++) for (const k of ["small", "large"]) runs[k].push(await previewOf(tenants[k]));
  const figures = (k) => {
    const xs = runs[k];
    const med = (f) => xs.map(f).sort((a, b) => a - b)[1];
    return {
      events: tenants[k].events,
      counted: tenants[k].counted,
      p50Ms: med((x) => x.p50Ms),
      p99Ms: med((x) => x.p99Ms),
      errors: xs.reduce((n, x) => n + x.errors, 0),
      firstError: xs.find((x) => x.firstError)?.firstError,
    };
  };
  const s = figures("small");
  const l = figures("large");
  return {
    at10k: s,
    at1m: l,
    ratioP50: round(l.p50Ms / s.p50Ms, 2),
    ratioP99: round(l.p99Ms / s.p99Ms, 2),
    ingestSeconds: round(ingestSeconds, 1),
    rollupGrid: { hours: HOURS, projects: PROJECTS, resources: RESOURCES },
    consistent: s.counted === s.events && l.counted === l.events && s.errors === 0 && l.errors === 0,
  };
}

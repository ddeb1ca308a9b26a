// The wallet's share of `npm run bench`: tenants with a prepaid wallet on a priced plan, so every
// recorded event is priced and debited in the meter's transaction; hold + commit pairs; and a
// race of concurrent holds and events against a wallet of exactly N cents, which must never
// overspend and must end at exactly the grants less the priced accepted usage.
import { round } from "./lib/load.mjs";

const API = "/api/v1/billing";
export const WALLET_PLAN = "bench-wallet";
/** Enough that the debit phases never run out: they measure the debit, not the refusal. */
const BIG_GRANT = 100_000_000_000;

async function send(pool, req, want) {
  const res = await pool.request(req);
  const text = await res.body.text();
  if (!want.includes(res.statusCode)) throw new Error(`bench: ${req.method} ${req.path} answered ${res.statusCode} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : null;
}

/** The plan (1 ¢ per call, so each event moves the balance) and a subscribed, funded tenant per id. */
export async function setupWallets(pool, { admin, tenants, amount = BIG_GRANT }) {
  const headers = { authorization: `Bearer ${admin}`, "content-type": "application/json" };
  const plan = { id: WALLET_PLAN, name: "Bench wallet", basePrice: 0, meters: [{ metric: "apiCalls", price: { model: "per_unit", unitPrice: "1" } }] };
  await send(pool, { method: "POST", path: `${API}/plans`, headers, body: JSON.stringify(plan) }, [201, 409]);
  for (const t of tenants) {
    await send(
      pool,
      { method: "POST", path: `${API}/tenants/${t}/subscriptions`, headers, body: JSON.stringify({ planId: WALLET_PLAN, trial: false }) },
      [201],
    );
    await send(
      pool,
      {
        method: "POST",
        path: `${API}/tenants/${t}/wallet/grants`,
        headers,
        body: JSON.stringify({ grantId: "bench", amount, currency: "USD", reason: "bench" }),
      },
      [201],
    );
  }
}

/**
 * Hold + commit pairs, `concurrency` clients each opening a hold and committing it, until
 * `pairs` are done or `maxMs` passed: a sample in the shape runLoad returns, one latency per pair.
 */
export async function runPairs(pool, { tenants, headers, concurrency, pairs, maxMs, prefix }) {
  const latencies = new Float64Array(pairs);
  let next = 0;
  let done = 0;
  let errors = 0;
  let firstError;
  const started = process.hrtime.bigint();
  const deadline = Date.now() + maxMs;
  async function client() {
    while (next < pairs && Date.now() < deadline) {
      const i = next++;
      const tenant = tenants[i % tenants.length];
      const holdId = `${prefix}-${i}`;
      const t0 = process.hrtime.bigint();
      try {
        const open = await pool.request({
          method: "POST",
          path: `${API}/tenants/${tenant}/usage/holds`,
          headers: headers(tenant),
          body: JSON.stringify({ holdId, metric: "apiCalls", quantity: 2, ttlSeconds: 60 }),
        });
        const opened = await open.body.text();
        const commit =
          open.statusCode === 201
            ? await pool.request({
                method: "POST",
                path: `${API}/tenants/${tenant}/usage/holds/${holdId}/commit`,
                headers: headers(tenant),
                body: JSON.stringify({ quantity: 1 }),
              })
            : null;
        const committed = commit ? await commit.body.text() : "";
        latencies[done++] = Number(process.hrtime.bigint() - t0) / 1e6;
        if (commit?.statusCode !== 200) {
          errors++;
          firstError ??= commit ? `${commit.statusCode} ${committed.slice(0, 200)}` : `${open.statusCode} ${opened.slice(0, 200)}`;
        }
      } catch (err) {
        latencies[done++] = Number(process.hrtime.bigint() - t0) / 1e6;
        errors++;
        firstError ??= String(err);
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, client));
  return {
    requests: done,
    errors,
    ...(firstError ? { firstError } : {}),
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    latencies: latencies.subarray(0, done),
  };
}

/**
 * 50 concurrent operations (holds of 30 and events of 30, alternating) against a wallet of
 * exactly `cents`, then every hold committed for 20: the balance never goes below zero and
 * ends at exactly the grant less the priced usage the wallet accepted.
 */
export async function walletRace(pool, { admin, tenant, cents = 1000, operations = 50 }) {
  await setupWallets(pool, { admin, tenants: [tenant], amount: cents });
  const headers = { authorization: `Bearer ${admin}`, "content-type": "application/json" };
  const answers = await Promise.all(
    Array.from({ length: operations }, async (_, i) => {
      const hold = i % 2 === 0;
      const res = await pool.request(
        hold
          ? {
              method: "POST",
              path: `${API}/tenants/${tenant}/usage/holds`,
              headers,
              body: JSON.stringify({ holdId: `race-${i}`, metric: "apiCalls", quantity: 30, ttlSeconds: 600 }),
            }
          : {
              method: "POST",
              path: `${API}/tenants/${tenant}/usage`,
              headers,
              body: JSON.stringify({ eventId: `race-${i}`, metric: "apiCalls", quantity: 30 }),
            },
      );
      const body = await res.body.text();
      return { hold, id: `race-${i}`, status: res.statusCode, body };
    }),
  );
  const accepted = answers.filter((a) => a.status === 200 || a.status === 201);
  const refused = answers.filter((a) => a.status === 402 && a.body.includes("INSUFFICIENT_CREDITS"));
  const events = accepted.filter((a) => !a.hold).length;
  const holds = accepted.filter((a) => a.hold);
  for (const h of holds) {
    await send(pool, { method: "POST", path: `${API}/tenants/${tenant}/usage/holds/${h.id}/commit`, headers, body: JSON.stringify({ quantity: 20 }) }, [200]);
  }
  const wallet = await send(pool, { method: "GET", path: `${API}/tenants/${tenant}/wallet`, headers }, [200]);
  const balance = wallet.data.balances[0];
  const expected = cents - 30 * events - 20 * holds.length;
  const consistent =
    accepted.length + refused.length === operations &&
    30 * accepted.length <= cents &&
    balance.available === expected &&
    balance.held === 0 &&
    balance.available >= 0;
  return {
    operations,
    cents,
    accepted: accepted.length,
    refused: refused.length,
    holds: holds.length,
    events,
    balance: balance.available,
    expected,
    consistent,
  };
}

export const pairFigures = (s, ceilingRps) => ({ pairsPerSec: round(s.requests / s.seconds, 0), ratio: round(s.requests / s.seconds / ceilingRps, 2) });

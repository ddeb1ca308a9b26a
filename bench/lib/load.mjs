// A bounded closed-loop load generator: `concurrency` clients over keep-alive
// connections, each sending its next request as soon as the previous answer arrives,
// until `requests` have been sent or `maxMs` has passed. Latency is measured per
// request from send to the end of the body.
// undici is installed with wrangler and Miniflare; its Pool keeps the client's own cost per
// request low, which matters when the client shares two cores with workerd.
import { Pool } from "undici";

export function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export const round = (n, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** A pool of keep-alive connections to `origin` (loopback). */
export function connect(origin, connections) {
  // A stuck request fails after 30 s instead of holding the run (every phase is bounded).
  return new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: 30_000, bodyTimeout: 30_000 });
}

/**
 * @param pool from connect()
 * @param opts.request (i) => ({ method, path, headers?, body? }) for the i-th request
 * @param opts.expect (status, body, i) => boolean; a false answer is counted as an error
 * @returns a sample: { requests, errors, firstError?, seconds, latencies } (see summarize)
 */
export async function runLoad(pool, { request, concurrency, requests, maxMs, expect = (s) => s < 400 }) {
  const latencies = new Float64Array(requests);
  let next = 0;
  let done = 0;
  let errors = 0;
  let firstError;
  const started = process.hrtime.bigint();
  const deadline = Date.now() + maxMs;
  async function client() {
    while (next < requests && Date.now() < deadline) {
      const i = next++;
      const { method, path, headers, body } = request(i);
      const t0 = process.hrtime.bigint();
      try {
        const res = await pool.request({ method, path, headers, body });
        const text = await res.body.text();
        latencies[done++] = Number(process.hrtime.bigint() - t0) / 1e6;
        if (!expect(res.statusCode, text, i)) {
          errors++;
          firstError ??= `${res.statusCode} ${text.slice(0, 200)}`;
        }
      } catch (err) {
        latencies[done++] = Number(process.hrtime.bigint() - t0) / 1e6;
        errors++;
        firstError ??= String(err);
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, client));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { requests: done, errors, ...(firstError ? { firstError } : {}), seconds, latencies: latencies.subarray(0, done) };
}

/**
 * One figure from one or more samples of the same load (e.g. rounds interleaved with other
 * loads): requests/s over the time spent in them, and latency percentiles over all requests.
 */
export function summarize(...samples) {
  const requests = samples.reduce((n, s) => n + s.requests, 0);
  const seconds = samples.reduce((n, s) => n + s.seconds, 0);
  const sorted = new Float64Array(requests);
  let at = 0;
  for (const s of samples) {
    sorted.set(s.latencies, at);
    at += s.latencies.length;
  }
  sorted.sort();
  const firstError = samples.find((s) => s.firstError)?.firstError;
  return {
    requests,
    errors: samples.reduce((n, s) => n + s.errors, 0),
    ...(firstError ? { firstError } : {}),
    seconds: round(seconds, 3),
    rps: round(requests / seconds, 0),
    p50Ms: round(percentile(sorted, 50)),
    p90Ms: round(percentile(sorted, 90)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted[sorted.length - 1] ?? 0),
  };
}

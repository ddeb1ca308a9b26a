// Demo data for `npm run dev`, written through the API itself once the server is up, so the
// demo exercises the real paths (meter, queue, D1). Idempotent: fixed event ids and provider
// refs, and "already exists" answers (409) are fine on a re-run.

const DAY = 86_400_000;

export async function seedDemoData(base, { tenantToken, adminToken }) {
  const call = async (method, path, token, body) => {
    const res = await fetch(`${base}/api/v1/billing/${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok && res.status !== 409) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };

  await call("POST", "tenants/acme/subscriptions", tenantToken, { planId: "scale", trial: false, startAt: new Date(Date.now() - 12 * DAY).toISOString() });
  // A prepaid wallet, before the usage, so the usage below is debited from it: $50 granted by
  // the operator, policy overdraft (usage beyond the balance is invoiced, never refused).
  await call("POST", "tenants/acme/wallet/grants", adminToken, { grantId: "demo-prepaid", amount: 5_000, currency: "USD", reason: "Prepaid credit (demo)" });
  await call("PUT", "tenants/acme/wallet/settings", tenantToken, { policy: "overdraft" });
  const events = [];
  for (let d = 11; d >= 0; d--) {
    const at = new Date(Date.now() - d * DAY - 60_000).toISOString();
    events.push({ eventId: `demo-api-${d}`, metric: "apiCalls", quantity: 15_000 + d * 1_000, timestamp: at, projectId: "web", resource: "/v1/search" });
    events.push({ eventId: `demo-llm-${d}`, metric: "llmTokens", quantity: 180_000 + d * 5_000, timestamp: at, projectId: "web", resource: "gpt-4o" });
  }
  events.push({ eventId: "demo-storage", metric: "storage", quantity: 12 * 1024 ** 3, projectId: "web" });
  await call("POST", "tenants/acme/usage/batch", tenantToken, { events });

  await call("POST", "categories", tenantToken, { name: "Infrastructure", description: "Cloud infrastructure costs", color: "#4A90D9" });
  const items = [
    ["GCP Compute Engine", 35000, "gcp", "compute"],
    ["OpenAI API", 17500, "openai", "llm"],
    ["Anthropic API", 9900, "anthropic", "llm"],
  ].map(([name, amount, provider, tag], i) => ({
    name,
    amount,
    currency: "USD",
    provider,
    providerRef: `demo-${provider}-${i}`,
    tags: [tag, "production"],
    category: "Infrastructure",
    recurring: true,
    period: "monthly",
    date: new Date(Date.now() - i * DAY).toISOString(),
  }));
  await call("POST", "items/batch", tenantToken, { items });
  return { events: events.length, items: items.length, walletCredit: 5_000 };
}

/**
 * The test-clock demo: tenant `globex`, created on a test clock three months back, runs
 * through three billing periods in seconds, so a newcomer sees finalized, numbered invoices
 * with PDFs right away: Pro with a 20 % coupon for two months, usage every fortnight, an
 * upgrade to Scale mid-way through the second month (prorated), and a credit. Skipped when
 * globex is on a clock already (a re-run).
 */
export async function seedClockDemo(base, { adminToken }) {
  const call = async (method, path, body, ok = [200, 201, 202]) => {
    const res = await fetch(`${base}/api/v1/billing/${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!ok.includes(res.status)) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()).data;
  };
  const clocks = await call("GET", "test-clocks?limit=200");
  const existing = clocks.find((c) => c.tenants.includes("globex"));
  if (existing) return { clockId: existing.id, created: false };

  const now = new Date();
  const monthStart = (back) => Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1);
  const iso = (t) => new Date(t).toISOString();
  const clock = await call("POST", "test-clocks", { name: "Demo: globex, three months", frozenTime: iso(monthStart(3)) });
  const advance = async (to) => {
    await call("POST", `test-clocks/${clock.id}/advance`, { frozenTime: iso(to) });
    for (let i = 0; i < 600; i++) {
      const state = await call("GET", `test-clocks/${clock.id}`);
      if (state.status === "ready") return;
      if (state.status === "failed") throw new Error(`the demo clock failed: ${state.failure}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("the demo clock did not finish advancing within a minute");
  };
  let n = 0;
  // One by one, not as a batch: a batch is recorded by the queue consumer a moment later,
  // and the next advance must not close the period before it has been.
  const usage = async (apiCalls, llmTokens) => {
    n++;
    await call("POST", "tenants/globex/usage", {
      eventId: `globex-api-${n}`,
      metric: "apiCalls",
      quantity: apiCalls,
      projectId: "app",
      resource: "/v1/orders",
    });
    await call("POST", "tenants/globex/usage", { eventId: `globex-llm-${n}`, metric: "llmTokens", quantity: llmTokens, projectId: "app", resource: "claude" });
  };

  await call("POST", `test-clocks/${clock.id}/tenants`, { tenantId: "globex" });
  await call("PUT", "tenants/globex", {
    name: "Globex Corporation",
    billingEmail: "ap@globex.example",
    billingAddress: { line1: "742 Evergreen Terrace", city: "Springfield", postalCode: "49007", country: "US" },
  });
  await call(
    "POST",
    "coupons",
    { code: "GLOBEX20", name: "Welcome: 20 % off for two months", percentOff: 20, duration: "repeating", durationInMonths: 2 },
    [201, 409],
  );
  const sub = await call("POST", "tenants/globex/subscriptions", { planId: "pro", trial: false, couponCode: "GLOBEX20" });
  await usage(20_000, 150_000);
  await advance(monthStart(3) + 14 * DAY);
  await usage(30_000, 250_000);
  await advance(monthStart(2) + 10 * DAY);
  await call("POST", `subscriptions/${sub.id}/change-plan`, { planId: "scale", prorate: true });
  await call("POST", `subscriptions/${sub.id}/credits`, { amount: 2_500, reason: "Goodwill credit for the March outage" });
  await usage(80_000, 900_000);
  await advance(monthStart(1) + 14 * DAY);
  await usage(150_000, 2_000_000);
  await advance(monthStart(0) + 2 * DAY);
  return { clockId: clock.id, created: true };
}

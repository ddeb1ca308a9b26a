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
  return { events: events.length, items: items.length };
}

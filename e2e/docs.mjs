// The API reference at /docs in Chromium: search, an operation's prefilled body, schema and
// responses, a request sent with a token, a header parameter (Idempotency-Key) sent as a
// request header, axe-core, and no page errors or CSP refusals. It runs inside the console
// suite (e2e/console.e2e.mjs), on that suite's Worker and browser: a file of its own would start
// a second Worker (a wrangler build and a Miniflare start, some 25 s) for a few seconds of tests.
import assert from "node:assert/strict";
import { it } from "node:test";
import { screenshot, seriousViolations } from "./harness.mjs";

const RECORD_USAGE = "/api/v1/billing/tenants/{tenantId}/usage";

/** Registers the tests; `context()` gives the suite's `{ server, browser }` once its `before` ran. */
export function docsReferenceTests(context) {
  it("searches, prefills and sends record usage, sends Idempotency-Key as a header, and passes axe", async () => {
    const { server, browser } = context();
    const tenant = "docs-e2e";
    const token = await server.token({ tenant, scope: "billing:read billing:update usage:write", sub: "reader" });
    const spec = await (await fetch(`${server.url}/api/v1/billing/openapi.json`)).json();
    const operations = [...Object.values(spec.paths), ...Object.values(spec.webhooks)].reduce((n, item) => n + Object.keys(item).length, 0);

    const browserContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await browserContext.newPage();
    const problems = [];
    page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
    page.on("console", (msg) => msg.type() === "error" && /Content Security Policy|Refused to/.test(msg.text()) && problems.push(`console: ${msg.text()}`));
    await page.goto(`${server.url}/docs`);
    const count = page.locator("#match-count");
    await count.filter({ hasText: `${operations} operations` }).waitFor();

    // Search: by words of the summary or operationId, by operationId, by tag.
    const search = page.getByLabel("Search operations");
    const shown = () => page.locator("details.op:not([hidden])").evaluateAll((ops) => ops.map((op) => op.id));
    await search.fill("recordUsageBatch");
    assert.deepEqual(await shown(), ["op-recordUsageBatch"]);
    await search.fill("test clocks");
    const clockOps = Object.values(spec.paths).flatMap((item) => Object.values(item).filter((op) => op.tags?.includes("Test clocks")));
    assert.equal((await shown()).length, clockOps.length);
    await search.fill("record usage");
    const found = await shown();
    assert.ok(found.includes("op-recordUsage") && found.includes("op-billingRecordUsage"), found.join(", "));
    assert.match(await count.innerText(), new RegExp(`^${found.length} of ${operations} operations match$`));
    assert.equal(await page.getByRole("heading", { name: "Plans", exact: true }).isVisible(), false);

    await page.getByLabel("Bearer token").fill(token);
    assert.equal(await page.evaluate(() => sessionStorage.getItem("token")), token);

    // Record usage, opened from the keyboard: the documented example, the path parameter, the schema, every response.
    const documented = spec.paths[RECORD_USAGE].post;
    const op = page.locator("#op-recordUsage");
    await op.locator("summary").focus();
    await page.keyboard.press("Enter");
    const body = op.getByLabel("Request body (application/json)");
    assert.deepEqual(JSON.parse(await body.inputValue()), documented.requestBody.content["application/json"].example);
    const tenantId = op.getByRole("group", { name: "Path parameters" }).getByLabel("tenantId");
    assert.equal(await tenantId.inputValue(), "acme");
    const schema = await op.locator(".schema-top").first().innerText();
    assert.match(schema, /Schema: UsageEvent \(object\)/);
    assert.match(schema, /eventId string required\s+Idempotency key per tenant/);
    const statuses = await op.locator("details.resp").evaluateAll((list) => list.map((r) => r.dataset.status));
    assert.deepEqual(statuses, Object.keys(documented.responses));
    const quota = op.locator('details.resp[data-status="402"]');
    await quota.locator("summary").click();
    assert.match(await quota.innerText(), /QUOTA_EXCEEDED[\s\S]*Schema: Error \(object\)[\s\S]*code ErrorCode required/);

    // The documented event as /docs fills it in, for this suite's own tenant, under an id of its own.
    await tenantId.fill(tenant);
    const event = JSON.parse(await body.inputValue());
    assert.deepEqual(event, documented.requestBody.content["application/json"].example);
    await body.fill(JSON.stringify({ ...event, eventId: `docs-${Date.now()}` }, null, 2));
    await op.getByRole("button", { name: "Send request" }).click();
    await op.locator(".out").getByText("200 OK").waitFor();
    assert.match(await op.locator(".out").innerText(), /"status": "accepted"[\s\S]*POST \/api\/v1\/billing\/tenants\/docs-e2e\/usage/);

    // The app billing API's usage call: Idempotency-Key is a header parameter, and goes out as a request header.
    const compat = page.locator("#op-billingRecordUsage");
    await compat.locator("summary").click();
    const key = compat.getByRole("group", { name: "Header parameters" }).getByLabel("idempotency-key");
    assert.deepEqual(JSON.parse(await compat.getByLabel("Request body (application/json)").inputValue()), { metric: "apiCalls", quantity: 1 });
    const idempotencyKey = `docs-e2e-${Date.now()}`;
    await key.fill(idempotencyKey);
    const out = compat.locator(".out");
    for (const duplicate of [false, true]) {
      const [request] = await Promise.all([
        page.waitForRequest((r) => r.method() === "POST" && new URL(r.url()).pathname === "/billing/usage"),
        compat.getByRole("button", { name: "Send request" }).click(),
      ]);
      assert.equal(request.headers()["idempotency-key"], idempotencyKey);
      assert.equal(request.headers().authorization, `Bearer ${token}`);
      assert.equal(new URL(request.url()).search, "");
      await out.getByText(`"duplicate": ${duplicate}`).waitFor();
      assert.match(await out.innerText(), /200 OK/);
    }

    assert.deepEqual(await seriousViolations(page), []);
    await screenshot(page, "docs");
    assert.deepEqual(problems, []);
    await browserContext.close();
  });
}

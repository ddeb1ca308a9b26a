// The billing console in a real browser (Debian's Chromium, headless) against the Worker
// served locally: sign-in, live usage, the wallet's balance following usage debits, the
// entitlements, webhook deliveries, plan versions, an invoice PDF, the spend chart, the
// operator guard, and axe-core on every page (screenshots of each under test-results/console/);
// then the API reference at /docs (e2e/docs.mjs).
import assert from "node:assert/strict";
import { writeFileSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { after, before, describe, it } from "node:test";
import { seedClockDemo, seedDemoData } from "../scripts/demo-data.mjs";
import { docsReferenceTests } from "./docs.mjs";
import { RESULTS, apiClient, ensureChromium, launchBrowser, screenshot, seriousViolations, settled, startServer } from "./harness.mjs";

const DAY = 86_400_000;
const usd = (cents) => new Intl.NumberFormat("en", { style: "currency", currency: "USD" }).format(cents / 100);
const browserFound = ensureChromium();
if (browserFound.skip) console.log(`# SKIPPED the console browser tests: ${browserFound.skip}`);

describe("billing console", { skip: browserFound.skip ?? false, timeout: 180_000 }, () => {
  let server, browser, api, tenantToken, adminToken, invoicedToken, invoice, receiver;

  before(async () => {
    server = await startServer();
    api = apiClient(server.url);
    tenantToken = await server.token({ tenant: "acme", scope: "billing:read billing:update usage:write", sub: "dana" });
    adminToken = await server.token({ tenant: "platform", scope: "admin", sub: "operator" });
    invoicedToken = await server.token({ tenant: "globex", scope: "billing:read billing:update usage:write", sub: "lee" });
    await seedDemoData(server.url, { tenantToken, adminToken });
    invoice = await endedPeriodInvoice();
    assert.equal(invoice.status, "open");
    browser = await launchBrowser(browserFound.path);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    receiver?.close();
  });

  /** globex's newest invoice: `npm run dev`'s test-clock demo bills it through three ended periods. */
  async function endedPeriodInvoice() {
    await seedClockDemo(server.url, { adminToken });
    const [newest] = await api("GET", "tenants/globex/invoices", adminToken);
    return newest;
  }

  async function open(token, hash = "/", viewport = { width: 1280, height: 900 }) {
    const context = await browser.newContext({ viewport, acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${server.url}/console/#token=${token}`);
    if (hash !== "/") await page.evaluate((h) => (location.hash = h), hash);
    return { page, context };
  }

  it("signs in with a pasted token, or a #token= link that then leaves the address bar", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/console/`);
    await page.getByLabel("API token").fill(tenantToken);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Subscription", exact: true }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem("billing-console.token")), tenantToken);
    await settled(page);
    assert.match(await page.getByTestId("plan").innerText(), /Scale/);
    await context.close();

    const linked = await open(tenantToken);
    await linked.page.getByRole("heading", { name: "Subscription", exact: true }).waitFor();
    assert.ok(!linked.page.url().includes("token="), `token left in ${linked.page.url()}`);
    await linked.context.close();
  });

  it("returns to sign-in when the API answers 401", async () => {
    const forged = `${tenantToken.slice(0, -4)}AAAA`;
    const { page, context } = await open(forged);
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    assert.match(await page.getByRole("alert").first().innerText(), /did not accept the token/);
    assert.equal(await page.evaluate(() => sessionStorage.getItem("billing-console.token")), null);
    await context.close();
  });

  it("moves the usage bars when events are recorded through the API", async () => {
    const { page, context } = await open(tenantToken, "/t/acme/usage");
    await settled(page);
    const bar = page.locator('[data-metric="apiCalls"]');
    const before = Number(await bar.getAttribute("data-used"));
    await api("POST", "tenants/acme/usage", tenantToken, { eventId: `e2e-${Date.now()}`, metric: "apiCalls", quantity: 1234 });
    await page.waitForFunction(
      (expected) => document.querySelector('[data-metric="apiCalls"]')?.getAttribute("data-used") === expected,
      String(before + 1234),
      {
        timeout: 15_000,
      },
    );
    assert.match(await bar.getByRole("meter").getAttribute("aria-valuetext"), new RegExp(`^${(before + 1234).toLocaleString("en")} `));
    await context.close();
  });

  it("switches plan behind a confirmation and shows the proration items the API created", async () => {
    const token = await server.token({ tenant: "initech", scope: "billing:read billing:update" });
    const _sub = await api("POST", "tenants/initech/subscriptions", token, {
      planId: "pro",
      trial: false,
      startAt: new Date(Date.now() - 5 * DAY).toISOString(),
    });
    const { page, context } = await open(token, "/t/initech/overview");
    await settled(page);
    await page.getByLabel("Switch to").selectOption("scale");
    await page.getByLabel("When").selectOption("now");
    await page.getByRole("button", { name: "Review" }).click();
    const dialog = page.getByRole("dialog", { name: /Switch to Scale now/ });
    await dialog.getByText(/The invoice for this period stands at/).waitFor();
    assert.match(await dialog.innerText(), /Proration: the unused rest of this period on Pro is credited/);
    // Before anything is confirmed, the API's dry run lists what the switch would prorate
    // (it answers on its own, after or before the preview's figures).
    await dialog.getByTestId("proration-preview").waitFor();
    const previewed = await dialog.getByTestId("proration-preview").locator("li").allInnerTexts();
    assert.equal(previewed.length, 2);
    assert.ok(previewed[0].startsWith("Unused time on Pro") && previewed[1].startsWith("Remaining time on Scale"), previewed.join(" | "));
    assert.equal((await api("GET", "tenants/initech/subscription", token)).planId, "pro");
    assert.deepEqual(await seriousViolations(page), []);
    await dialog.getByRole("button", { name: "Switch now" }).click();
    const outcome = page.getByRole("status").filter({ hasText: "Switched to Scale." });
    await outcome.waitFor();
    // What the console shows is what the invoice will bill: Pro's fee up to now (4900 less
    // the credit) and Scale's from now, as the period's base lines in the preview say.
    const preview = await api("GET", `tenants/initech/billing/preview`, token);
    const [proSlice, scaleSlice] = preview.lines.filter((l) => l.kind === "base").map((l) => l.amount.amount);
    const shown = await outcome.locator("li").allInnerTexts();
    assert.equal(shown.length, 2);
    assert.ok(shown[0].startsWith("Unused time on Pro") && shown[0].endsWith(usd(proSlice - 4900)), shown[0]);
    assert.ok(shown[1].startsWith("Remaining time on Scale") && shown[1].endsWith(usd(scaleSlice)), shown[1]);
    assert.match(await page.getByTestId("plan").innerText(), /Scale/);
    await context.close();
  });

  it("shows the wallet's balance drop as usage is debited, and pages its transactions by keyboard", async () => {
    const wallet = () => api("GET", "tenants/acme/wallet", tenantToken);
    const usdBalance = (w) => w.balances.find((b) => b.currency === "USD").available;
    const { page, context } = await open(tenantToken, "/t/acme/wallet");
    await settled(page);
    const card = page.locator('[data-testid="wallet-balance"][data-currency="USD"]');
    const before = Number(await card.getAttribute("data-available"));
    assert.equal(before, usdBalance(await wallet()));
    assert.equal(await page.getByTestId("wallet-policy").innerText(), "overdraft");
    // acme is past scale's included API calls: 10,000 more are priced, and debited as counted.
    const eventId = `e2e-wallet-${Date.now()}`;
    await api("POST", "tenants/acme/usage", tenantToken, { eventId, metric: "apiCalls", quantity: 10_000 });
    const after = usdBalance(await wallet());
    assert.ok(after < before, `balance ${before} → ${after}`);
    await page.waitForFunction(
      (n) => document.querySelector('[data-testid="wallet-balance"][data-currency="USD"]')?.getAttribute("data-available") === n,
      String(after),
      {
        timeout: 15_000,
      },
    );
    assert.equal(await card.locator(".card-value").innerText(), usd(after));
    const debit = page.locator('tr[data-kind="usage"]', { hasText: eventId });
    await debit.waitFor({ timeout: 15_000 });
    assert.equal(await debit.locator("[data-amount]").innerText(), `\u2212${usd(before - after)}`);

    // More debits than one page holds: Next / Previous by keyboard, the focus staying put.
    const count = async () => (await api("GET", "tenants/acme/wallet/transactions?limit=200", tenantToken)).length;
    for (let i = 0; (await count()) <= 25; i++)
      await api("POST", "tenants/acme/usage", tenantToken, { eventId: `${eventId}-${i}`, metric: "apiCalls", quantity: 100 });
    const transactions = page.getByRole("region", { name: "Wallet transactions, newest first" });
    const pages = page.getByRole("navigation", { name: "Wallet transactions, newest first: pages" });
    await pages.waitFor({ timeout: 15_000 });
    assert.equal(await transactions.locator("tbody tr").count(), 25);
    await pages.getByRole("button", { name: "Next page" }).focus();
    await page.keyboard.press("Enter");
    await pages
      .getByRole("status")
      .filter({ hasText: /^Page 2$/ })
      .waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Next page");
    await transactions.locator('tr[data-kind="grant"]', { hasText: "demo-prepaid" }).waitFor();
    await page.keyboard.press("Shift+Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Previous page");
    await page.keyboard.press("Enter");
    await pages
      .getByRole("status")
      .filter({ hasText: /^Page 1$/ })
      .waitFor();
    await transactions.locator('tr[data-kind="usage"]', { hasText: eventId }).first().waitFor();
    await context.close();
  });

  it("changes the wallet's policy, and shows the API's refusal to a token without billing:update", async () => {
    const reader = await server.token({ tenant: "acme", scope: "billing:read", sub: "auditor" });
    const ro = await open(reader, "/t/acme/wallet");
    await settled(ro.page);
    const roForm = ro.page.getByTestId("policy-form");
    await roForm.getByLabel(/^Block/).check();
    await roForm.getByRole("button", { name: "Save policy" }).click();
    assert.match(await roForm.getByRole("alert").innerText(), /Not allowed[\s\S]*Missing scope: billing:update/);
    assert.equal((await api("GET", "tenants/acme/wallet", tenantToken)).policy, "overdraft");
    await ro.context.close();

    const { page, context } = await open(tenantToken, "/t/acme/wallet");
    await settled(page);
    const form = page.getByTestId("policy-form");
    await form.getByLabel(/^Block/).check();
    await form.getByRole("button", { name: "Save policy" }).click();
    await form.getByRole("status").filter({ hasText: "Saved: policy block." }).waitFor();
    await page.getByTestId("wallet-policy").filter({ hasText: "block" }).waitFor();
    assert.equal((await api("GET", "tenants/acme/wallet", tenantToken)).policy, "block");
    // Back to the demo's overdraft, so nothing later is refused for want of credit.
    await form.getByLabel(/^Overdraft/).check();
    await form.getByRole("button", { name: "Save policy" }).click();
    await page.getByTestId("wallet-policy").filter({ hasText: "overdraft" }).waitFor();
    await context.close();
  });

  it("lists the plan's features on the entitlements page, metered ones as meters against their limit", async () => {
    const { page, context } = await open(tenantToken, "/t/acme/entitlements");
    await settled(page);
    const listed = await api("GET", "tenants/acme/entitlements", tenantToken);
    assert.deepEqual(
      await page.locator("tr[data-feature]").evaluateAll((rows) => rows.map((r) => r.dataset.feature)),
      listed.features.map((f) => f.key),
    );
    assert.equal(await page.locator('tr[data-feature="support"] td').nth(2).innerText(), "priority");
    assert.match(await page.getByTestId("entitlements-wallet").innerText(), /available/);
    await context.close();

    // On pro, metered features have limits: a meter with its figures as text.
    const token = await server.token({ tenant: "umbrella", scope: "billing:read billing:update usage:write" });
    await api("POST", "tenants/umbrella/subscriptions", token, { planId: "pro", trial: false });
    await api("POST", "tenants/umbrella/usage", token, { eventId: "e2e-umbrella-1", metric: "apiCalls", quantity: 25_000 });
    const pro = await open(token, "/t/umbrella/entitlements");
    await settled(pro.page);
    const meter = pro.page.locator('tr[data-feature="apiCalls"]').getByRole("meter");
    assert.equal(await meter.getAttribute("aria-valuetext"), "25,000 of 100,000 (25%)");
    assert.match(await pro.page.locator('tr[data-feature="apiCalls"]').innerText(), /25,000 of 100,000/);
    assert.equal(await pro.page.locator('tr[data-feature="auditLog"]').getAttribute("data-enabled"), "false");
    await pro.context.close();
  });

  it("shows webhook endpoints with their deliveries, and the event log", async () => {
    receiver = createServer((req, res) => req.resume().on("end", () => res.writeHead(204).end()));
    await new Promise((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const endpoint = await api("POST", "tenants/acme/webhook-endpoints", tenantToken, {
      url: `http://127.0.0.1:${receiver.address().port}/hooks/billing`,
      events: ["*"],
      description: "Ops receiver",
    });
    const [event] = await api("GET", "tenants/acme/events?type=subscription.created", tenantToken);
    await api("POST", `events/${event.id}/redeliver`, tenantToken, { endpointId: endpoint.id });
    let deliveries = [];
    for (let i = 0; i < 100 && deliveries.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      deliveries = await api("GET", `webhook-endpoints/${endpoint.id}/deliveries`, tenantToken);
    }
    assert.equal(deliveries[0]?.status, "succeeded");
    const { page, context } = await open(tenantToken, "/t/acme/webhooks");
    await settled(page);
    const panel = page.locator(`[data-endpoint="${endpoint.id}"]`);
    await panel.getByRole("heading", { name: endpoint.url }).waitFor();
    const row = panel.locator(`tr[data-delivery="${deliveries[0].id}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), /subscription\.created[\s\S]*succeeded[\s\S]*204/);
    await page.locator(`tr[data-event="${event.id}"]`).waitFor();
    await context.close();
  });

  it("shows an operator a plan's versions with what each changed", async () => {
    await api("POST", "plans", adminToken, {
      id: "team",
      name: "Team",
      basePrice: 1900,
      meters: [{ metric: "apiCalls", includedQuantity: 0, limit: 50_000 }],
      features: [{ key: "sso", type: "boolean", value: false }],
    });
    await api("PUT", "plans/team", adminToken, {
      basePrice: 2900,
      meters: [{ metric: "apiCalls", includedQuantity: 0, limit: 80_000 }],
      features: [{ key: "sso", type: "boolean", value: true }],
    });
    const { page, context } = await open(adminToken, "/operator/plans");
    await settled(page);
    const card = page.locator("article", { has: page.getByRole("heading", { name: /^Team/ }) });
    assert.match(await card.getByTestId("plan-version").innerText(), /version 2/);
    await card.getByText("Version history (2 versions)").click();
    const v2 = card.locator('li[data-version="2"]');
    await v2.waitFor();
    const changes = await v2.locator("li").allInnerTexts();
    assert.deepEqual(changes, ["Base fee: $19.00 → $29.00", "API calls: limit 50,000 (hard) → 80,000 (hard)", "Feature sso: off → on"]);
    assert.match(await card.locator('li[data-version="1"]').innerText(), /The first version/);
    assert.deepEqual(await seriousViolations(page), []);
    await screenshot(page, "operator-plan-versions");
    await context.close();
  });

  it("downloads an invoice's PDF", async () => {
    const { page, context } = await open(invoicedToken, "/t/globex/invoices");
    await settled(page);
    await page.getByRole("link", { name: invoice.number }).click();
    await page.getByRole("heading", { name: new RegExp(invoice.number) }).waitFor();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download PDF" }).click()]);
    assert.equal(download.suggestedFilename(), `${invoice.number}.pdf`);
    const file = `${RESULTS}/${invoice.number}.pdf`;
    await download.saveAs(file);
    assert.equal(readFileSync(file).subarray(0, 5).toString(), "%PDF-");
    await context.close();
  });

  it("draws the spend trend with one point per period the API reports", async () => {
    const { page, context } = await open(adminToken, "/operator/spend");
    await settled(page);
    for (const interval of ["day", "month"]) {
      await page.getByLabel("Trend by").selectOption(interval);
      const trend = await api("GET", `reports/trend?interval=${interval}&currency=USD`, adminToken);
      assert.ok(trend.length > 0);
      const chart = page.locator('figure[data-chart="spend-trend"]');
      await page.waitForFunction((n) => document.querySelector('figure[data-chart="spend-trend"]')?.getAttribute("data-points") === String(n), trend.length);
      await chart.locator("canvas").first().waitFor();
      assert.equal(await chart.locator("tbody tr").count(), trend.length);
      assert.deepEqual(
        await chart.locator("tbody tr td:first-child").allTextContents(),
        trend.map((p) => p.date),
      );
    }
    await context.close();
  });

  it("lets an operator advance a test clock and then shows the invoice that closed", async () => {
    const before = await api("GET", "tenants/globex/invoices", adminToken);
    const [clock] = await api("GET", "test-clocks", adminToken);
    const { page, context } = await open(adminToken, "/operator/test-clocks");
    await settled(page);
    const panel = page.locator("li.panel", { has: page.getByRole("heading", { name: clock.name }) });
    await panel.getByRole("button", { name: "Advance one month" }).click();
    let now = clock;
    for (let i = 0; i < 300 && (now.status !== "ready" || now.frozenTime === clock.frozenTime); i++) {
      await new Promise((r) => setTimeout(r, 100));
      now = await api("GET", `test-clocks/${clock.id}`, adminToken);
    }
    assert.equal(now.status, "ready");
    // The view polls: it shows the clock's new time without a reload.
    const shown = new Date(now.frozenTime).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
    await panel.getByTestId("clock-time").filter({ hasText: shown }).waitFor({ timeout: 10_000 });
    const after = await api("GET", "tenants/globex/invoices", adminToken);
    assert.equal(after.length, before.length + 1);
    await panel.getByRole("link", { name: "globex" }).click();
    await settled(page);
    await page.getByRole("link", { name: after[0].number }).waitFor();
    await context.close();
  });

  it("keeps a tenant token out of the operator view", async () => {
    const { page, context } = await open(tenantToken, "/operator/tenants");
    const operatorCalls = [];
    page.on("request", (r) => /\/api\/v1\/billing\/(tenants\?|reports|sync)/.test(r.url()) && operatorCalls.push(r.url()));
    await page.locator('[data-state="forbidden"]').waitFor();
    assert.equal(await page.getByRole("navigation").getByRole("link", { name: "Tenants" }).count(), 0);
    assert.deepEqual(operatorCalls, []);
    await assert.rejects(api("GET", "tenants", tenantToken), /403/);
    await context.close();
  });

  it("has no serious or critical axe violations on any page (screenshots in test-results/console)", async () => {
    const pages = [
      [tenantToken, "/t/acme/overview", "tenant-subscription"],
      [tenantToken, "/t/acme/usage", "tenant-usage"],
      [tenantToken, "/t/acme/cost", "tenant-cost"],
      [invoicedToken, "/t/globex/invoices", "tenant-invoices"],
      [invoicedToken, `/t/globex/invoices/${invoice.id}`, "tenant-invoice"],
      [tenantToken, "/t/acme/alerts", "tenant-alerts"],
      [tenantToken, "/t/acme/payment-methods", "tenant-payment-methods"],
      [tenantToken, "/t/acme/wallet", "tenant-wallet"],
      [tenantToken, "/t/acme/entitlements", "tenant-entitlements"],
      [tenantToken, "/t/acme/webhooks", "tenant-webhooks"],
      [adminToken, "/operator/spend", "operator-spend"],
      [adminToken, "/operator/tenants", "operator-tenants"],
      [adminToken, "/operator/plans", "operator-plans"],
      [adminToken, "/operator/coupons", "operator-coupons"],
      [adminToken, "/operator/test-clocks", "operator-test-clocks"],
      [tenantToken, "/operator/spend", "tenant-operator-forbidden"],
    ];
    const failures = [];
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/console/`);
    failures.push(...(await seriousViolations(page)).map((v) => `sign-in: ${v}`));
    await screenshot(page, "sign-in");
    for (const [token, hash, name] of pages) {
      await page.evaluate((t) => sessionStorage.setItem("billing-console.token", t), token);
      await page.goto(`${server.url}/console/#${hash}`);
      await page.reload();
      await settled(page);
      failures.push(...(await seriousViolations(page)).map((v) => `${name}: ${v}`));
      await screenshot(page, name);
    }
    // Narrow screens: the navigation folds behind a menu button; wide tables scroll in a focusable region.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/console/#/t/acme/usage`);
    await settled(page);
    await page.getByRole("button", { name: "Menu" }).click();
    await page.getByRole("navigation").getByRole("link", { name: "Cost" }).waitFor();
    failures.push(...(await seriousViolations(page)).map((v) => `mobile usage: ${v}`));
    await screenshot(page, "tenant-usage-mobile");
    await page.goto(`${server.url}/console/#/t/acme/wallet`);
    await settled(page);
    failures.push(...(await seriousViolations(page)).map((v) => `mobile wallet: ${v}`));
    await screenshot(page, "tenant-wallet-mobile");
    await context.close();
    writeFileSync(`${RESULTS}/axe.txt`, `${failures.join("\n")}\n`);
    assert.deepEqual(failures, []);
  });

  // The API reference at /docs, on this suite's Worker and browser (e2e/docs.mjs says why).
  describe("API reference at /docs", () => docsReferenceTests(() => ({ server, browser })));
});

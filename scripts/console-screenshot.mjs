// Refreshes the README's console screenshot (docs/console-cost.png) from a running `npm run dev`
// (demo data seeded): `node scripts/console-screenshot.mjs [baseUrl]`.
import { ensureChromium, launchBrowser, settled } from "../e2e/harness.mjs";
import { signDevToken } from "./lib.mjs";

const base = process.argv[2] ?? `http://127.0.0.1:${process.env.PORT ?? "8787"}`;
const found = ensureChromium();
if (found.skip) throw new Error(found.skip);
const browser = await launchBrowser(found.path);
try {
  const shots = [
    [await signDevToken({ tenant: "acme", scope: "billing:read billing:update usage:write", sub: "dana" }), "/t/acme/cost", "docs/console-cost.png"],
  ];
  for (const [token, hash, file] of shots) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${base}/console/#token=${token}`);
    await page.evaluate((h) => (location.hash = h), hash);
    await settled(page);
    await page.waitForTimeout(300);
    await page.screenshot({ path: file, fullPage: false });
    console.log(`wrote ${file}`);
    await page.close();
  }
} finally {
  await browser.close();
}

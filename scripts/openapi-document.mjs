// The app's OpenAPI document, built in this Node process: no Worker, no server, no port.
//
// src/app.ts is bundled by esbuild for Node and the document route is asked through Hono's
// app.request(), so the document is the one the Worker serves (the same routes, the same
// @hono/zod-openapi generator), built in about three seconds. What only workerd has is
// stubbed, and none of it runs while the document is built: `cloudflare:workers` (the
// Durable Object base class) and the invoice PDF fonts (empty). With PUBLIC_BASE_URL unset,
// `servers` is relative ("/"), as on a deployment that sets none.
//
// scripts/lint-openapi.mjs compares this document with the one the real Worker serves, so
// the shortcut cannot drift from it unnoticed.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

export const OPENAPI_PATH = "/api/v1/billing/openapi.json";

const workerdStubs = {
  name: "workerd-stubs",
  setup(b) {
    b.onResolve({ filter: /^cloudflare:workers$/ }, () => ({ path: "cloudflare:workers", namespace: "workerd-stub" }));
    b.onLoad({ filter: /.*/, namespace: "workerd-stub" }, () => ({
      contents: "export class DurableObject { constructor(ctx, env) { this.ctx = ctx; this.env = env; } }",
      loader: "js",
    }));
  },
};

/** The OpenAPI document as a parsed object (`vars` are bindings the document route sees). */
export async function buildOpenApiDocument({ vars = {} } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "edge-billing-openapi-doc-"));
  try {
    const file = join(dir, "app.mjs");
    const out = await build({
      entryPoints: ["src/app.ts"],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node22",
      write: false,
      logLevel: "warning",
      loader: { ".woff": "empty" },
      plugins: [workerdStubs],
    });
    writeFileSync(file, out.outputFiles[0].contents);
    const { buildApp } = await import(pathToFileURL(file).href);
    const res = await buildApp().request(OPENAPI_PATH, {}, { LOG_LEVEL: "error", PUBLIC_BASE_URL: "", ...vars });
    if (!res.ok) throw new Error(`GET ${OPENAPI_PATH} answered ${res.status}: ${await res.text()}`);
    return await res.json();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

import { describe, expect, it } from "vitest";

// The seed surfaces are adapters: they reach the billing modules only through each module's
// public face (`src/<module>/index.ts`), never a table, a store or a query builder, so a
// module can change its storage without a surface noticing.

const sources = import.meta.glob<string>("../../src/surfaces/**/*.ts", { query: "?raw", import: "default", eager: true });

/** The shared kernel: HTTP plumbing, the db client, helpers, the environment, the tenant's clock. */
const KERNEL = [/^http\/[\w-]+$/, /^lib\/[\w-]+$/, /^db\/client$/, /^env$/, /^clock$/];
const PACKAGES = new Set(["@hono/zod-openapi", "hono", "zod"]);

/** `src/`-relative path of a relative import in `file` (itself `src/`-relative). */
function resolve(file: string, specifier: string): string {
  const parts = file.split("/").slice(0, -1);
  for (const part of specifier.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== ".") parts.push(part);
  }
  return parts.join("/");
}

function violations(file: string, text: string): string[] {
  const found: string[] = [];
  for (const [, specifier] of text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gms)) {
    if (!specifier!.startsWith(".")) {
      if (!PACKAGES.has(specifier!)) found.push(`${file}: imports the package ${specifier}`);
      continue;
    }
    const target = resolve(file, specifier!);
    if (target.startsWith("surfaces/")) continue;
    const isFace = /^[\w-]+$/.test(target);
    if (!isFace && !KERNEL.some((k) => k.test(target))) found.push(`${file}: imports src/${target}, not a module's index.ts`);
  }
  return found;
}

describe("the seed surfaces are adapters over the modules' public faces", () => {
  it("import nothing but module faces, the kernel and the HTTP libraries", () => {
    const files = Object.entries(sources).map(([path, text]) => [path.replace("../../src/", ""), text] as const);
    expect(files.length).toBeGreaterThan(10);
    expect(files.flatMap(([file, text]) => violations(file, text))).toEqual([]);
  });

  it("catches a table, a store and drizzle", () => {
    const file = "surfaces/app-billing/usage.ts";
    const text =
      'import { invoices } from "../../invoices/table";\nimport { listInvoices } from "../../invoices/store";\nimport { eq } from "drizzle-orm";\nimport { listInvoices as ok } from "../../invoices";\n';
    expect(violations(file, text)).toEqual([
      "surfaces/app-billing/usage.ts: imports src/invoices/table, not a module's index.ts",
      "surfaces/app-billing/usage.ts: imports src/invoices/store, not a module's index.ts",
      "surfaces/app-billing/usage.ts: imports the package drizzle-orm",
    ]);
  });
});

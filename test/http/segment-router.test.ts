import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { TrieRouter } from "hono/router/trie-router";
import { buildApp } from "../../src/app";
import { createRouter } from "../../src/http/router";
import { SegmentRouter } from "../../src/http/segment-router";

/**
 * SegmentRouter must find what Hono's TrieRouter finds: the same handlers, in the same order,
 * with the same parameters, for every method and path. Checked on every route of the app, with
 * paths built from each route (parameters filled with plain values, with the static segments
 * that sit beside them, empty, encoded), and on a set of routes chosen to be awkward.
 */

// FOO: a method no route names, which only the every-method routes match.
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "FOO"];

function both(routes: ReadonlyArray<{ method: string; path: string }>) {
  const segment = new SegmentRouter<number>();
  const trie = new TrieRouter<number>();
  routes.forEach(({ method, path }, i) => {
    segment.add(method, path, i);
    trie.add(method, path, i);
  });
  return { segment, trie };
}

const plain = (result: ReturnType<SegmentRouter<number>["match"]>) => result[0].map(([handler, params]) => [handler, { ...params }]);

/** Concrete paths for a route template: each parameter filled with every value in `fills`. */
function pathsFor(template: string, fills: readonly string[]): string[] {
  let paths = [""];
  for (const part of template.split("/").slice(1)) {
    const options = part.startsWith(":") ? fills : part === "*" ? ["", "x", "x/y"] : [part];
    paths = paths.flatMap((p) => options.map((o) => `${p}/${o}`));
    if (paths.length > 400) paths = paths.slice(0, 400);
  }
  return paths.flatMap((p) => [p, `${p}/`, `${p}/extra`]);
}

function expectSameMatches(routes: ReadonlyArray<{ method: string; path: string }>, paths: Iterable<string>) {
  const { segment, trie } = both(routes);
  let compared = 0;
  for (const path of paths) {
    for (const method of METHODS) {
      expect(plain(segment.match(method, path)), `${method} ${path}`).toEqual(plain(trie.match(method, path) as never));
      compared++;
    }
  }
  return compared;
}

describe("SegmentRouter", () => {
  it("matches every route of the app as TrieRouter does", () => {
    const routes = buildApp().routes.map(({ method, path }) => ({ method, path }));
    const templates = [...new Set(routes.map((r) => r.path))];
    // Every static segment of the app, so a parameter meets the words its siblings are.
    const statics = [...new Set(templates.flatMap((t) => t.split("/").filter((p) => p && !p.startsWith(":") && p !== "*")))];
    const fills = ["t1", "", "a%2Fb", "caf%C3%A9", ...statics];
    const deep = `/api/v1/billing/tenants/t1/usage/holds/h1/commit${"/x".repeat(20)}`;
    const paths = new Set(["/", "", "//", "/nope", "/api", "/api/v1/billing", "/api/v1/billing/", "/health/", "/HEALTH", deep]);
    for (const t of templates) for (const p of pathsFor(t, fills)) paths.add(p);
    expect(expectSameMatches(routes, paths)).toBeGreaterThan(10_000);
  });

  it("matches awkward route sets as TrieRouter does", () => {
    const routes = [
      { method: "ALL", path: "/*" },
      { method: "GET", path: "/a/:id" },
      { method: "GET", path: "/a/b" },
      { method: "ALL", path: "/a/*" },
      { method: "GET", path: "/a/:id/c" },
      { method: "POST", path: "/a/:other/c" },
      { method: "GET", path: "/a/b/c" },
      { method: "GET", path: "/" },
      { method: "GET", path: "/:x" },
      { method: "GET", path: "/a/:id/*" },
      { method: "ALL", path: "/*" },
      { method: "GET", path: "/a/:id" },
    ];
    const paths = [
      "/a/z/c/d/e/f/g/h",
      "/a/b/c/d/e/f/g/h/i",
      "/",
      "",
      "/a",
      "/a/",
      "/a/b",
      "/a/b/",
      "/a/z",
      "/a/b/c",
      "/a/z/c",
      "/a/z/c/",
      "/a/z/c/d",
      "/b",
      "/b/c",
      "//",
      "/a//c",
    ];
    expectSameMatches(routes, paths);
  });

  it("is the app's router, and hands a path it cannot take to TrieRouter", async () => {
    const app = buildApp();
    expect((await app.request("/health", {}, env)).status).toBe(200);
    expect(app.router.name).toBe("SmartRouter + SegmentRouter");

    const withRegex = createRouter();
    withRegex.get("/items/:id{[0-9]+}", (c) => c.text(c.req.param("id")));
    expect(await (await withRegex.request("/items/42")).text()).toBe("42");
    expect((await withRegex.request("/items/x")).status).toBe(404);
    expect(withRegex.router.name).toBe("SmartRouter + TrieRouter");

    const twice = createRouter();
    twice.get("/a/:id/b/:id", (c) => c.text(c.req.param("id")));
    expect(await (await twice.request("/a/1/b/2")).text()).toBe("1");
    expect(twice.router.name).toBe("SmartRouter + TrieRouter");
  });
});

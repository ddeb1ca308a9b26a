import { afterEach, describe, expect, it, vi } from "vitest";
import { call } from "../helpers";
import { anthropicPage, awsPage, bigQueryResponse, openaiPage, stubFetch, tenantToken } from "./fixtures";

afterEach(() => {
  vi.restoreAllMocks();
});

const range = { from: "2026-03-01", to: "2026-03-01" };
const AWS_TOKEN = "AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

describe("provider base URLs (options.baseUrl)", () => {
  it("sends each adapter's calls to its configured base, keeping the API path under a gateway's prefix", async () => {
    const { token: t } = await tenantToken("baseurl");
    const cases = [
      { provider: "openai", token: "sk-admin-x", body: openaiPage([]), base: "https://gw.example.com/openai/", path: "/openai/v1/organization/costs" },
      {
        provider: "anthropic",
        token: "sk-ant-admin01-x",
        body: anthropicPage([]),
        base: "https://gw.example.com/anthropic",
        path: "/anthropic/v1/organizations/cost_report",
      },
      { provider: "aws", token: AWS_TOKEN, body: awsPage([]), base: "https://ce.proxy.example.com", path: "/" },
      {
        provider: "gcp",
        token: "ya29.x",
        body: bigQueryResponse([]),
        base: "https://bq-eu.example.com",
        path: "/bigquery/v2/projects/my-project/queries",
        extra: { projectId: "my-project" },
      },
    ];
    for (const c of cases) {
      vi.restoreAllMocks();
      const requests = stubFetch(() => Response.json(c.body));
      const res = await call("POST", "sync", { token: t, body: { provider: c.provider, token: c.token, ...range, baseUrl: c.base, ...c.extra } });
      expect(res.status, `${c.provider}: ${res.text}`).toBe(200);
      expect(res.json.data.status, c.provider).toBe("completed");
      const url = requests[0]!.url;
      expect(`${url.origin}${url.pathname}`, c.provider).toBe(`${new URL(c.base).origin}${c.path}`);
      expect(res.json.data.options.baseUrl).toBe(c.base);
    }
    // Without it, the provider's own API.
    vi.restoreAllMocks();
    const requests = stubFetch(() => Response.json(openaiPage([])));
    await call("POST", "sync", { token: t, body: { provider: "openai", token: "sk-admin-x", ...range } });
    expect(requests[0]!.url.origin).toBe("https://api.openai.com");
  });

  it("takes https, and plain http only for localhost; refuses credentials, queries and other schemes", async () => {
    const { token: t } = await tenantToken("baseurl-bad");
    const requests = stubFetch(() => Response.json(openaiPage([])));
    const sync = (baseUrl: string) => call("POST", "sync", { token: t, body: { provider: "openai", token: "sk-admin-x", ...range, baseUrl } });
    for (const bad of [
      "http://gw.example.com",
      "ftp://gw.example.com",
      "https://user:pw@gw.example.com",
      "https://gw.example.com/?key=1",
      "https://gw.example.com/#x",
      "not a url",
      "javascript:alert(1)",
    ]) {
      const res = await sync(bad);
      expect(res.status, bad).toBe(400);
      expect(res.json.error.details[0].path, bad).toBe("baseUrl");
    }
    expect(requests).toHaveLength(0);
    expect((await sync("http://127.0.0.1:8788")).status).toBe(200);
    expect(requests[0]!.url.origin).toBe("http://127.0.0.1:8788");
  });

  it("is listed among every adapter's options", async () => {
    const { token: t } = await tenantToken("baseurl-list");
    const adapters = (await call("GET", "sync/adapters", { token: t })).json.data;
    for (const a of adapters)
      expect(
        a.options.map((o: { name: string }) => o.name),
        a.name,
      ).toContain("baseUrl");
  });
});

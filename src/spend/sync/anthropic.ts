import { z } from "@hono/zod-openapi";
import { addDays } from "../dates";
import { allPages, apiUrl, baseUrlOption, expectShape, providerJson, type SpendAdapter } from "./adapter";
import { isDecimal, parseDecimal } from "../../lib/decimal";

const DEFAULT_BASE = "https://api.anthropic.com";
const API_VERSION = "2023-06-01";

// GET /v1/organizations/cost_report: daily buckets; `amount` is a decimal string in the
// currency's lowest unit ("123.45" USD = $1.2345).
const CostReport = z.looseObject({
  data: z.array(
    z.looseObject({
      starting_at: z.string().regex(/^\d{4}-\d{2}-\d{2}T/, "an RFC 3339 timestamp"),
      results: z.array(
        z.looseObject({
          amount: z.string().refine(isDecimal, "a decimal string"),
          currency: z.string().min(1),
          description: z.string().nullish(),
          model: z.string().nullish(),
          cost_type: z.string().nullish(),
          workspace_id: z.string().nullish(),
        }),
      ),
    }),
  ),
  has_more: z.boolean(),
  next_page: z.string().nullish(),
});
type CostReport = z.infer<typeof CostReport>;

const options = { baseUrl: baseUrlOption(DEFAULT_BASE) };

export const anthropicAdapter: SpendAdapter<typeof options> = {
  provider: "anthropic",
  label: "Anthropic",
  description: "Anthropic Admin API cost report (GET /v1/organizations/cost_report): daily costs per workspace and cost description.",
  tokenDescription: "An Anthropic Admin API key (sk-ant-admin…)",
  token: z.string().min(1).max(4096),
  options,
  accountLabel: "workspace",
  async fetchCosts({ token, from, to, options: opts, fetch }) {
    const load = async (page?: string) => {
      const url = apiUrl(opts.baseUrl ?? DEFAULT_BASE, "/v1/organizations/cost_report");
      url.searchParams.set("starting_at", `${from}T00:00:00Z`);
      url.searchParams.set("ending_at", `${addDays(to, 1)}T00:00:00Z`);
      url.searchParams.set("bucket_width", "1d");
      url.searchParams.set("limit", "31");
      url.searchParams.append("group_by[]", "workspace_id");
      url.searchParams.append("group_by[]", "description");
      if (page) url.searchParams.set("page", page);
      const request = new Request(url, {
        headers: { "x-api-key": token, "anthropic-version": API_VERSION, accept: "application/json" },
      });
      return expectShape("Anthropic", CostReport, await providerJson("Anthropic", fetch, request));
    };
    const pages = await allPages<CostReport>("Anthropic", load, (p) => (p.has_more && p.next_page ? p.next_page : undefined));
    return pages.flatMap((page) =>
      page.data.flatMap((bucket) =>
        bucket.results.map((r) => ({
          day: bucket.starting_at.slice(0, 10),
          account: r.workspace_id ?? "default",
          service: r.description ?? r.model ?? r.cost_type ?? "API usage",
          amount: parseDecimal(r.amount),
          unit: "minor" as const,
          currency: r.currency.toUpperCase(),
        })),
      ),
    );
  },
};

import { z } from "@hono/zod-openapi";
import { DAY_MS, isoDay } from "../../lib/time";
import { addDays, dayStart } from "../dates";
import { allPages, apiUrl, baseUrlOption, expectShape, providerJson, type SpendAdapter } from "./adapter";
import { decimalFromNumber } from "../../lib/decimal";

const DEFAULT_BASE = "https://api.openai.com";

// GET /v1/organization/costs: daily buckets, `page` / `next_page` cursors, amounts in dollars as JSON numbers.
const CostsPage = z.looseObject({
  data: z.array(
    z.looseObject({
      start_time: z.number().int(),
      results: z.array(
        z.looseObject({
          amount: z.looseObject({ value: z.number(), currency: z.string().min(1) }).nullish(),
          line_item: z.string().nullish(),
          project_id: z.string().nullish(),
        }),
      ),
    }),
  ),
  has_more: z.boolean(),
  next_page: z.string().nullish(),
});
type CostsPage = z.infer<typeof CostsPage>;

const options = {
  projectIds: z.array(z.string().min(1).max(128)).max(100).optional().describe("Only these OpenAI project ids (default: the whole organization)"),
  baseUrl: baseUrlOption(DEFAULT_BASE),
};

export const openaiAdapter: SpendAdapter<typeof options> = {
  provider: "openai",
  label: "OpenAI",
  description: "OpenAI Costs API (GET /v1/organization/costs): daily costs per line item and project.",
  tokenDescription: "An OpenAI Admin API key (sk-admin-…)",
  token: z.string().min(1).max(4096),
  options,
  accountLabel: "project",
  async fetchCosts({ token, from, to, options: opts, fetch }) {
    const days = (dayStart(to)! - dayStart(from)!) / DAY_MS + 1;
    const load = async (page?: string) => {
      const url = apiUrl(opts.baseUrl ?? DEFAULT_BASE, "/v1/organization/costs");
      url.searchParams.set("start_time", String(dayStart(from)! / 1000));
      url.searchParams.set("end_time", String(dayStart(addDays(to, 1))! / 1000));
      url.searchParams.set("bucket_width", "1d");
      url.searchParams.set("limit", String(Math.min(days, 180)));
      url.searchParams.append("group_by", "line_item");
      url.searchParams.append("group_by", "project_id");
      for (const id of opts.projectIds ?? []) url.searchParams.append("project_ids", id);
      if (page) url.searchParams.set("page", page);
      const request = new Request(url, { headers: { authorization: `Bearer ${token}`, accept: "application/json" } });
      return expectShape("OpenAI", CostsPage, await providerJson("OpenAI", fetch, request));
    };
    const pages = await allPages<CostsPage>("OpenAI", load, (p) => (p.has_more && p.next_page ? p.next_page : undefined));
    return pages.flatMap((page) =>
      page.data.flatMap((bucket) =>
        bucket.results.flatMap((r) =>
          r.amount
            ? [
                {
                  day: isoDay(bucket.start_time * 1000),
                  account: r.project_id ?? "organization",
                  service: r.line_item ?? "API usage",
                  amount: decimalFromNumber(r.amount.value),
                  unit: "major" as const,
                  currency: r.amount.currency.toUpperCase(),
                },
              ]
            : [],
        ),
      ),
    );
  },
};

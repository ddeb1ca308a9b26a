import { z } from "@hono/zod-openapi";
import { AwsClient } from "aws4fetch";
import { addDays } from "../dates";
import { allPages, apiUrl, baseUrlOption, expectShape, providerJson, type SpendAdapter } from "./adapter";
import { isDecimal, parseDecimal } from "../../lib/decimal";

const METRICS = ["UnblendedCost", "NetUnblendedCost", "AmortizedCost", "NetAmortizedCost", "BlendedCost"] as const;

// Cost Explorer GetCostAndUsage (JSON 1.1): one ResultsByTime entry per day, one Group per service.
const CostAndUsage = z.looseObject({
  ResultsByTime: z.array(
    z.looseObject({
      TimePeriod: z.looseObject({ Start: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
      Groups: z
        .array(
          z.looseObject({
            Keys: z.array(z.string()).min(1),
            Metrics: z.record(z.string(), z.looseObject({ Amount: z.string().refine(isDecimal, "a decimal string"), Unit: z.string().min(1) })),
          }),
        )
        .default([]),
    }),
  ),
  NextPageToken: z.string().nullish(),
});
type CostAndUsage = z.infer<typeof CostAndUsage>;

const options = {
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "an AWS region such as us-east-1")
    .default("us-east-1")
    .describe("Cost Explorer endpoint region (us-east-1 for the commercial partition)"),
  metric: z.enum(METRICS).default("UnblendedCost").describe("Cost Explorer metric to record"),
  accountId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .default("default")
    .describe("Label for the account in providerRef (e.g. the payer account id)"),
  baseUrl: baseUrlOption("https://ce.<region>.amazonaws.com"),
};

/** `ACCESS_KEY_ID:SECRET_ACCESS_KEY[:SESSION_TOKEN]`. */
const AwsToken = z
  .string()
  .max(4096)
  .regex(/^[A-Z0-9]{16,128}:[^:\s]{16,}(:\S+)?$/, "must be ACCESS_KEY_ID:SECRET_ACCESS_KEY[:SESSION_TOKEN]");

function credentials(token: string) {
  const [accessKeyId, secretAccessKey, ...session] = token.split(":");
  return { accessKeyId: accessKeyId!, secretAccessKey: secretAccessKey!, sessionToken: session.length ? session.join(":") : undefined };
}

export const awsAdapter: SpendAdapter<typeof options> = {
  provider: "aws",
  label: "AWS",
  description: "AWS Cost Explorer GetCostAndUsage (SigV4-signed): daily cost per service.",
  tokenDescription: "ACCESS_KEY_ID:SECRET_ACCESS_KEY[:SESSION_TOKEN] of an IAM identity allowed ce:GetCostAndUsage",
  token: AwsToken,
  options,
  accountLabel: "account",
  async fetchCosts({ token, from, to, options: opts, fetch }) {
    // Signing only: the signed request goes through our fetch (timeouts, error mapping), and
    // aws4fetch's own retry loop stays unused.
    const aws = new AwsClient({ ...credentials(token), service: "ce", region: opts.region, retries: 0 });
    const endpoint = apiUrl(opts.baseUrl ?? `https://ce.${opts.region}.amazonaws.com`, "/").toString();
    const load = async (pageToken?: string) => {
      const body = {
        TimePeriod: { Start: from, End: addDays(to, 1) },
        Granularity: "DAILY",
        Metrics: [opts.metric],
        GroupBy: [{ Type: "DIMENSION", Key: "SERVICE" }],
        ...(pageToken ? { NextPageToken: pageToken } : {}),
      };
      const request = await aws.sign(endpoint, {
        method: "POST",
        headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSInsightsIndexService.GetCostAndUsage" },
        body: JSON.stringify(body),
      });
      return expectShape("AWS", CostAndUsage, await providerJson("AWS", fetch, request));
    };
    const pages = await allPages<CostAndUsage>("AWS", load, (p) => p.NextPageToken || undefined);
    return pages.flatMap((page) =>
      page.ResultsByTime.flatMap((period) =>
        period.Groups.flatMap((group) => {
          const metric = group.Metrics[opts.metric];
          if (!metric) return [];
          return [
            {
              day: period.TimePeriod.Start,
              account: opts.accountId,
              service: group.Keys[0]!,
              amount: parseDecimal(metric.Amount),
              unit: "major" as const,
              currency: metric.Unit.toUpperCase(),
            },
          ];
        }),
      ),
    );
  },
};

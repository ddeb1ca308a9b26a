import { z, type RouteConfig } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { ZodError } from "zod";
import type { AppEnv } from "../env";
import { badRequest } from "../http/errors";
import { fieldIssues, type FieldIssue } from "../http/validation";
import { MAX_BATCH_EVENTS, UsageEventInput } from "./schemas";

/**
 * CloudEvents 1.0 (structured JSON mode) as usage events, so OpenMeter and Kong clients can send
 * to the usage routes unchanged: `id` → eventId, `type` → metric, `subject` → projectId, `time` →
 * timestamp, `data.quantity` → quantity (1 when absent: an event counts once), `data.resource` and
 * `data.costCenterId` → those fields, every other `data` entry → properties.
 */
export const CLOUDEVENT_MEDIA_TYPE = "application/cloudevents+json";
export const CLOUDEVENT_BATCH_MEDIA_TYPE = "application/cloudevents-batch+json";

const CloudEvent = z
  .object({
    specversion: z.literal("1.0"),
    id: z.string().min(1),
    source: z.string().min(1),
    type: z.string().min(1),
    subject: z.string().optional(),
    time: z.string().optional(),
    datacontenttype: z
      .string()
      .regex(/^application\/([\w.-]+\+)?json(\s*;.*)?$/i, "only JSON data is supported")
      .optional(),
    dataschema: z.string().optional(),
    data: z.record(z.string(), z.unknown()).optional(),
    data_base64: z.never({ error: "binary data (data_base64) is not supported; send data as JSON" }).optional(),
  })
  // Extension attributes (lower-case names) are allowed and ignored.
  .catchall(z.unknown());
type CloudEvent = z.infer<typeof CloudEvent>;

/** The OpenAPI description of one event, for the routes' request bodies. */
export const cloudEventDoc = {
  type: "object" as const,
  description:
    "A CloudEvents 1.0 event in structured JSON mode: id → eventId, type → metric, subject → projectId, time → timestamp, data.quantity → quantity (default 1), data.resource / data.costCenterId → those fields, other data entries → properties.",
  required: ["specversion", "id", "source", "type"],
  properties: {
    specversion: { type: "string" as const, enum: ["1.0"] },
    id: { type: "string" as const, example: "req_8f14e45f" },
    source: { type: "string" as const, example: "kong-gateway" },
    type: { type: "string" as const, example: "apiCalls" },
    subject: { type: "string" as const, example: "proj_web" },
    time: { type: "string" as const, format: "date-time" as const },
    data: { type: "object" as const, example: { quantity: 1, resource: "GET /v1/search", userId: "u_42" } },
  },
};

/** Example bodies for the document: what a gateway (Kong's OpenMeter plugin, say) sends. */
const CLOUDEVENT_EXAMPLE = {
  specversion: "1.0",
  id: "req_8f14e45f",
  source: "kong-gateway",
  type: "apiCalls",
  subject: "proj_web",
  time: "2027-03-04T10:15:00Z",
  data: { resource: "GET /v1/search", userId: "u_42" },
};
const CLOUDEVENT_BATCH_EXAMPLE = [
  CLOUDEVENT_EXAMPLE,
  { specversion: "1.0", id: "c2", source: "llm-proxy", type: "llmTokens", subject: "proj_web", data: { quantity: 1500, resource: "gpt-4o" } },
];

const FIELD_OF: Record<string, string> = { eventId: "id", metric: "type", projectId: "subject", timestamp: "time", quantity: "data.quantity" };

function toUsageInput(e: CloudEvent): Record<string, unknown> {
  const { quantity, resource, costCenterId, ...properties } = e.data ?? {};
  return {
    eventId: e.id,
    metric: e.type,
    quantity: quantity === undefined ? 1 : quantity,
    ...(e.time === undefined ? {} : { timestamp: e.time }),
    ...(e.subject === undefined ? {} : { projectId: e.subject }),
    ...(resource === undefined ? {} : { resource }),
    ...(costCenterId === undefined ? {} : { costCenterId }),
    ...(Object.keys(properties).length === 0 ? {} : { properties }),
  };
}

/** Our field paths said in the client's terms: `events.3.quantity` → `3.data.quantity`. */
function inCloudEventTerms(issues: FieldIssue[], prefix: string): FieldIssue[] {
  return issues.map((issue) => {
    const [field, ...rest] = issue.path.split(".");
    const mapped = field === "properties" ? ["data", ...rest].join(".") : [FIELD_OF[field!] ?? field, ...rest].join(".");
    return { ...issue, path: `${prefix}${mapped}` };
  });
}

/** One CloudEvent as a usage event input, or the issues naming the CloudEvent's own fields. */
function translate(raw: unknown, prefix: string): { input?: Record<string, unknown>; issues: FieldIssue[] } {
  const event = CloudEvent.safeParse(raw);
  if (!event.success) return { issues: fieldIssues(event.error as unknown as ZodError).map((i) => ({ ...i, path: `${prefix}${i.path}` })) };
  const input = toUsageInput(event.data);
  const checked = UsageEventInput.safeParse(input);
  return checked.success ? { input, issues: [] } : { issues: inCloudEventTerms(fieldIssues(checked.error as unknown as ZodError), prefix) };
}

const essence = (contentType: string | undefined) => (contentType ?? "").split(";")[0]!.trim().toLowerCase();

async function parse(text: string): Promise<unknown> {
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest("Malformed JSON in request body");
  }
}

/**
 * Route middleware for `…/usage` (`single`) and `…/usage/batch` (`batch`): a CloudEvents body is
 * checked and rewritten into the route's own body, so validation and the handler stay as they
 * are. Any other content type passes through untouched.
 */
export function acceptCloudEvents(mode: "single" | "batch"): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const type = essence(c.req.header("content-type"));
    if (type !== CLOUDEVENT_MEDIA_TYPE && type !== CLOUDEVENT_BATCH_MEDIA_TYPE) return next();
    const body = await parse(await c.req.text());
    let native: unknown;
    if (mode === "single") {
      if (type !== CLOUDEVENT_MEDIA_TYPE) throw badRequest(`Send one event as ${CLOUDEVENT_MEDIA_TYPE}, or a batch to …/usage/batch`);
      const { input, issues } = translate(body, "");
      if (issues.length > 0) throw badRequest(`Invalid CloudEvent: ${issues[0]!.path}: ${issues[0]!.message}`, issues);
      native = input;
    } else {
      const list = type === CLOUDEVENT_MEDIA_TYPE ? [body] : body;
      if (!Array.isArray(list) || list.length === 0 || list.length > MAX_BATCH_EVENTS) {
        throw badRequest(`A CloudEvents batch is a JSON array of 1 to ${MAX_BATCH_EVENTS} events`, [
          { path: "(root)", message: `an array of 1 to ${MAX_BATCH_EVENTS} CloudEvents`, code: "invalid_type" },
        ]);
      }
      const translated = list.map((e, i) => translate(e, `${i}.`));
      const issues = translated.flatMap((t) => t.issues);
      if (issues.length > 0) throw badRequest(`Invalid CloudEvent: ${issues[0]!.path}: ${issues[0]!.message}`, issues);
      native = { events: translated.map((t) => t.input) };
    }
    // The route's JSON validator parses the cached text (as emptyJsonIsEmptyObject relies on too).
    (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(JSON.stringify(native));
    await next();
  };
}

/**
 * A usage route that also takes CloudEvents: its guard runs first, then `acceptCloudEvents`, and
 * the OpenAPI document lists the CloudEvents media types beside application/json. (They are
 * added to the route's body at run time only: the handler's types stay those of the native body.)
 */
export function withCloudEvents<R extends RouteConfig & { middleware: MiddlewareHandler<AppEnv>[] }>(route: R, mode: "single" | "batch"): R {
  const content = route.request?.body?.content as Record<string, unknown> | undefined;
  if (!content) throw new Error("withCloudEvents: the route has no body");
  content[CLOUDEVENT_MEDIA_TYPE] = { schema: cloudEventDoc, example: CLOUDEVENT_EXAMPLE };
  if (mode === "batch") {
    content[CLOUDEVENT_BATCH_MEDIA_TYPE] = {
      schema: { type: "array", minItems: 1, maxItems: MAX_BATCH_EVENTS, items: cloudEventDoc },
      example: CLOUDEVENT_BATCH_EXAMPLE,
    };
  }
  const accepts = mode === "single" ? CLOUDEVENT_MEDIA_TYPE : `${CLOUDEVENT_BATCH_MEDIA_TYPE} (or one event as ${CLOUDEVENT_MEDIA_TYPE})`;
  return {
    ...route,
    middleware: [...route.middleware, acceptCloudEvents(mode)],
    description: `${route.description ?? ""} Also accepts CloudEvents 1.0 as ${accepts}.`.trim(),
  };
}

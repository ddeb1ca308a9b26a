import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../env";
import { MAX_BODY_BYTES } from "./error-handler";
import { ApiError } from "./errors";

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)"?/i;

const unsupported = (message: string, field: string) => new ApiError("UNSUPPORTED_MEDIA_TYPE", message, [{ path: field, message, code: "unsupported" }]);

/**
 * Request bodies are UTF-8 and not compressed: a `charset` other than utf-8 or a
 * `Content-Encoding` (the Worker decodes none) is answered 415 before anything reads the
 * body, instead of being parsed as if it were plain UTF-8.
 */
const plainUtf8Body: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.raw.body === null) return next();
  const encoding = c.req.header("content-encoding")?.trim().toLowerCase();
  if (encoding && encoding !== "identity") {
    throw unsupported(`Content-Encoding ${encoding} is not supported; send the body uncompressed`, "Content-Encoding");
  }
  const charset = CHARSET.exec(c.req.header("content-type") ?? "")?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
    throw unsupported(`charset ${charset || "(empty)"} is not supported; send UTF-8`, "Content-Type");
  }
  return next();
};

const limitedBody = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new ApiError("PAYLOAD_TOO_LARGE", `Request body exceeds ${MAX_BODY_BYTES} bytes`);
  },
});

/** The rules every request body meets, on every path: UTF-8, uncompressed, at most MAX_BODY_BYTES. */
export const requestBodyRules: MiddlewareHandler<AppEnv>[] = [plainUtf8Body, limitedBody];

/**
 * Reading requests safely: same-origin checks for state-changing requests, and JSON bodies with
 * a size limit, a content-type check and a clear error for each way they can be wrong.
 *
 * @module
 */

import type { Context, MiddlewareHandler } from "hono";
import { ClientGoneError, errorResponse, HttpError } from "./errors.ts";
import type { TrackedConnection } from "./connections.ts";

/** The largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 4096;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Refuses (403) a state-changing request that a browser says came from another site: its
 * `Origin` is not one of `allowed`, or its `Sec-Fetch-Site` is `cross-site` or `same-site`.
 * Requests with neither header (not from a browser) pass; the session cookie is `SameSite=Strict`
 * as well.
 */
export function sameOrigin(allowed: ReadonlySet<string>): MiddlewareHandler {
  return async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method)) {
      const origin = c.req.header("origin");
      const site = c.req.header("sec-fetch-site");
      const badOrigin = origin !== undefined && !allowed.has(origin);
      const badSite = site !== undefined && site !== "same-origin" && site !== "none";
      if (badOrigin || badSite) {
        return errorResponse(403, "cross_origin", "Requests from other sites are not accepted");
      }
    }
    return await next();
  };
}

/**
 * Reads the body as a JSON object.
 *
 * @throws {HttpError} 415 without a JSON content type, 413 over {@linkcode MAX_BODY_BYTES},
 * 400 for malformed JSON or anything but an object.
 */
export async function readJsonObject(
  c: Context,
  maxBytes = MAX_BODY_BYTES,
): Promise<Record<string, unknown>> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    await c.req.raw.body?.cancel();
    throw new HttpError(
      415,
      "unsupported_media_type",
      "Send the body as JSON (Content-Type: application/json)",
    );
  }
  const declaredLength = c.req.header("content-length");
  if (Number(declaredLength ?? "0") > maxBytes) {
    await c.req.raw.body?.cancel();
    throw new HttpError(413, "payload_too_large", `The body must be at most ${maxBytes} bytes`);
  }
  const bytes = await readBody(c, maxBytes, declaredLength !== undefined);
  let value: unknown;
  try {
    value = JSON.parse(UTF8.decode(bytes));
  } catch {
    throw new HttpError(400, "bad_json", "The body is not valid JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new HttpError(400, "bad_json", "The body must be a JSON object");
  }
  return value as Record<string, unknown>;
}

/** Decodes a body strictly (no replacement characters); one for all, as it keeps no state. */
const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The body's bytes, at most `maxBytes`. A body whose length was declared (and checked against the
 * limit) is read in one go; one sent in chunks is read chunk by chunk and refused once it is too
 * long. While it arrives the connection is in its body phase: too slow, and it is closed.
 */
async function readBody(c: Context, maxBytes: number, declared: boolean): Promise<Uint8Array> {
  const body = c.req.raw.body;
  if (body === null) return new Uint8Array(0);
  using _reading = connectionOf(c)?.readingBody();
  if (declared) {
    let bytes: Uint8Array;
    try {
      bytes = await c.req.raw.bytes();
    } catch (error) {
      throw clientGone(error);
    }
    if (bytes.byteLength > maxBytes) {
      throw new HttpError(413, "payload_too_large", `The body must be at most ${maxBytes} bytes`);
    }
    return bytes;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  while (true) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (error) {
      throw clientGone(error);
    }
    if (chunk.done) break;
    size += chunk.value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new HttpError(413, "payload_too_large", `The body must be at most ${maxBytes} bytes`);
    }
    chunks.push(chunk.value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** What a failed read of the body means: the client went away mid-request. */
function clientGone(cause: unknown): ClientGoneError {
  return new ClientGoneError("The client went away while sending the request body", { cause });
}

/** The connection a request came on (`undefined` for `app.request()` in tests). */
export function connectionOf(c: Context): TrackedConnection | undefined {
  return (c.env as { connection?: TrackedConnection } | undefined)?.connection;
}

/**
 * The client's address: the socket's peer, or, when the peer is one of `trustedProxies`, the
 * last address in `X-Forwarded-For` that is not itself a trusted proxy (each proxy appends the
 * address it saw, so the entries before it are the client's own claims and are not believed).
 * `unknown` for in-process tests.
 */
export function clientAddress(
  c: Context,
  trustedProxies: ReadonlySet<string> = new Set(),
): string {
  const info = c.env as Partial<Deno.ServeHandlerInfo> | undefined;
  const peer = (info?.remoteAddr as Deno.NetAddr | undefined)?.hostname ?? "unknown";
  if (!trustedProxies.has(peer)) return peer;
  const forwarded = (c.req.header("x-forwarded-for") ?? "").split(",").map((part) =>
    part.trim().toLowerCase()
  ).filter((part) => part !== "");
  for (let i = forwarded.length - 1; i >= 0; i--) {
    const address = forwarded[i] as string;
    if (!trustedProxies.has(address)) return address;
  }
  return peer;
}

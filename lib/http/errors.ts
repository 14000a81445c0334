/**
 * HTTP errors as the API answers them: `{ "error": { "code", "message" } }`.
 *
 * @module
 */

import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { errorFields, type Logger } from "../log.ts";

/** An error whose status, code and message are meant for the client. */
export class HttpError extends Error {
  /** HTTP status. */
  readonly status: ContentfulStatusCode;
  /** Stable machine-readable code, such as `bad_json`. */
  readonly code: string;
  /** Extra response headers, such as `Retry-After`. */
  readonly headers: Record<string, string>;

  /**
   * Creates an error the client will see as given. `options.cause` keeps the domain error it
   * stands for (logs and debuggers see it; clients never do).
   */
  constructor(
    status: ContentfulStatusCode,
    code: string,
    message: string,
    headers: Record<string, string> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "HttpError";
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

/**
 * The client hung up or was cut off mid-request (such as while sending its body). Not a server
 * fault: logged at debug, and answered with nothing anyone will read.
 */
export class ClientGoneError extends Error {
  /** Creates the error; `cause` is what the read threw. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ClientGoneError";
  }
}

/** The JSON body of an error response. */
export interface ErrorBody {
  /** The error. */
  error: { code: string; message: string };
}

/** Builds an error response. */
export function errorResponse(
  status: ContentfulStatusCode,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  const body: ErrorBody = { error: { code, message } };
  return Response.json(body, {
    status,
    headers: { "cache-control": "no-store", ...headers },
  });
}

const STATUS_CODES: Partial<Record<number, string>> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "too_many_requests",
  503: "unavailable",
};

/**
 * The app's one error handler. Client errors keep their message; anything else is logged with
 * its stack and answered with a generic 500, so no internal message reaches a client.
 */
export function handleError(logger: Logger): (error: Error, c: Context) => Response {
  return (error, c) => {
    if (error instanceof HttpError) {
      return errorResponse(error.status, error.code, error.message, error.headers);
    }
    if (error instanceof ClientGoneError) {
      logger.debug("client went away mid-request", { method: c.req.method, path: c.req.path });
      return new Response(null, { status: 400 });
    }
    if (error instanceof HTTPException && error.status < 500) {
      const status = error.status as ContentfulStatusCode;
      return errorResponse(
        status,
        STATUS_CODES[status] ?? "bad_request",
        error.message || "The request was not accepted",
      );
    }
    logger.error("request failed", {
      method: c.req.method,
      path: c.req.path,
      error: errorFields(error),
    });
    return errorResponse(500, "internal", "Something went wrong on our side; please try again");
  };
}

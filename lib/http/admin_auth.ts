/**
 * Bearer-token authentication for admin routes.
 *
 * @module
 */

import type { MiddlewareHandler } from "hono";
import { errorResponse } from "./errors.ts";

const encoder = new TextEncoder();

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

/**
 * Compares two secrets in time that does not depend on where they differ. Both are hashed
 * first, so their lengths leak nothing either.
 */
export async function secretsEqual(a: string, b: string): Promise<boolean> {
  const [left, right] = await Promise.all([digest(a), digest(b)]);
  let difference = 0;
  for (let i = 0; i < left.length; i++) difference |= (left[i] ?? 0) ^ (right[i] ?? 0);
  return difference === 0;
}

/**
 * Requires `Authorization: Bearer <token>`. With no token configured the routes answer 404,
 * as if they did not exist.
 */
export function requireAdminToken(token: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (token === undefined) return errorResponse(404, "not_found", "No such page");
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer ([^\s]+)$/i.exec(header);
    if (match === null || !(await secretsEqual(match[1] ?? "", token))) {
      return errorResponse(401, "unauthorized", "A valid admin token is required", {
        "www-authenticate": 'Bearer realm="mythos-admin"',
      });
    }
    return await next();
  };
}

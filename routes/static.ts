/**
 * The browser client: the files in `static/`, served from memory with their content types,
 * revalidation by ETag, and no way to reach anything outside the directory.
 *
 * @module
 */

import { Hono } from "hono";
import { encodeHex } from "@std/encoding/hex";
import { extname } from "@std/path/extname";
import { join } from "@std/path/join";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

interface StaticFile {
  body: Uint8Array<ArrayBuffer>;
  type: string;
  etag: string;
}

/** Files in the client's folder that are tooling, not part of the client (its type-check options). */
const NOT_SERVED = new Set(["/deno.json"]);

async function collect(dir: string, prefix: string, files: Map<string, StaticFile>): Promise<void> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (NOT_SERVED.has(`${prefix}/${entry.name}`)) continue;
    const url = `${prefix}/${entry.name}`;
    if (entry.isDirectory) {
      await collect(path, url, files);
      continue;
    }
    const type = CONTENT_TYPES[extname(entry.name).toLowerCase()];
    if (!entry.isFile || type === undefined) continue;
    const body = await Deno.readFile(path);
    const hash = encodeHex(await crypto.subtle.digest("SHA-256", body)).slice(0, 32);
    files.set(url, { body, type, etag: `"${hash}"` });
  }
}

/**
 * Serves the client from `dir` (read once, at start-up): `/` is `index.html`. Files are sent with
 * `Cache-Control: no-cache` and an ETag, so browsers revalidate cheaply and never run stale code
 * after an upgrade.
 */
export async function staticRoutes(dir: string): Promise<Hono> {
  const files = new Map<string, StaticFile>();
  await collect(dir, "", files);
  const app = new Hono();
  app.on(["GET", "HEAD"], "*", async (c, next) => {
    const file = files.get(c.req.path === "/" ? "/index.html" : c.req.path);
    if (file === undefined) return await next();
    c.header("cache-control", "no-cache");
    c.header("etag", file.etag);
    if (c.req.header("if-none-match") === file.etag) return c.body(null, 304);
    c.header("content-type", file.type);
    return c.body(file.body);
  });
  return app;
}

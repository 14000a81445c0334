/**
 * The HTTP server's own limits: the connection cap and the time limits on slow clients, against
 * a real listening socket.
 */

import { assert, assertEquals } from "@std/assert";
import { Hono } from "hono";
import type { ConnectionLimits } from "../../lib/http/connections.ts";
import { handleError } from "../../lib/http/errors.ts";
import { readJsonObject } from "../../lib/http/requests.ts";
import { serve, type Served } from "../../lib/http/serve.ts";
import { Supervisor } from "../../lib/lifecycle/supervisor.ts";
import { createLogger } from "../../lib/log.ts";
import { waitFor } from "../support/wait.ts";

interface TestServer extends AsyncDisposable {
  served: Served;
  port: number;
  logs: Record<string, unknown>[];
}

function startServer(limits: Partial<ConnectionLimits>): TestServer {
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger({ level: "debug", write: (line) => logs.push(JSON.parse(line)) });
  const supervisor = new Supervisor({ shutdownDeadlineMs: 3000, logger });
  const app = new Hono();
  app.onError(handleError(logger));
  app.get("/", (c) => c.text("hello"));
  app.post("/echo", async (c) => c.json(await readJsonObject(c)));
  app.get("/stream", () =>
    new Response(
      new ReadableStream({
        start: (controller) => controller.enqueue(new TextEncoder().encode(": open\n\n")),
      }),
      { headers: { "content-type": "text/event-stream" } },
    ));
  const served = serve(supervisor, (request, info) => app.fetch(request, info), {
    hostname: "127.0.0.1",
    port: 0,
    logger,
    limits,
  });
  return {
    served,
    port: served.addr.port,
    logs,
    [Symbol.asyncDispose]: async () => {
      await supervisor.shutdown({ reason: "test over" });
    },
  };
}

async function open(port: number, text: string): Promise<Deno.TcpConn> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  if (text !== "") await conn.write(new TextEncoder().encode(text));
  return conn;
}

/** Reads until the server closes the connection; returns what it sent. */
async function readToEnd(conn: Deno.TcpConn): Promise<string> {
  const decoder = new TextDecoder();
  const buffer = new Uint8Array(4096);
  let text = "";
  while (true) {
    const n = await conn.read(buffer).catch(() => null);
    if (n === null) return text;
    text += decoder.decode(buffer.subarray(0, n), { stream: true });
  }
}

/** Reads until `needle` has arrived. */
async function readUntil(conn: Deno.TcpConn, needle: string): Promise<string> {
  const decoder = new TextDecoder();
  const buffer = new Uint8Array(4096);
  let text = "";
  while (!text.includes(needle)) {
    const n = await conn.read(buffer);
    if (n === null) throw new Error(`closed before ${JSON.stringify(needle)}: ${text}`);
    text += decoder.decode(buffer.subarray(0, n), { stream: true });
  }
  return text;
}

Deno.test("a connection beyond the cap is answered 503 with Retry-After and closed; others are served", async () => {
  await using server = startServer({ maxConnections: 2 });
  using first = await open(server.port, "");
  using second = await open(server.port, "");
  await waitFor(() => server.served.connections.size === 2 || undefined, {
    message: "two connections to be accepted",
  });
  using third = await open(server.port, "GET / HTTP/1.1\r\nhost: x\r\n\r\n");
  const refused = await readToEnd(third);
  assert(refused.startsWith("HTTP/1.1 503 "), refused);
  assert(/retry-after: 5/i.test(refused));
  assertEquals(server.served.connections.stats().refused, 1);
  await first.write(new TextEncoder().encode("GET / HTTP/1.1\r\nhost: x\r\n\r\n"));
  assert((await readUntil(first, "hello")).startsWith("HTTP/1.1 200"));
  second.close();
  await waitFor(() => server.served.connections.size === 1 || undefined, {
    message: "the closed connection to be forgotten",
  });
});

Deno.test("unfinished request headers are cut off after the header timeout; an event stream is not", async () => {
  await using server = startServer({ headerTimeoutMs: 150, idleTimeoutMs: 150 });
  using stream = await open(server.port, "GET /stream HTTP/1.1\r\nhost: x\r\n\r\n");
  await readUntil(stream, ": open");
  using slow = await open(server.port, "GET / HTTP/1.1\r\nhost: x\r\n");
  assertEquals(await readToEnd(slow), "", "closed without an answer");
  assertEquals(server.served.connections.stats().timedOut.headers, 1);
  await waitFor(() => server.served.connections.size === 1 || undefined, {
    message: "only the stream to remain",
  });
  assertEquals(server.served.connections.stats().timedOut.idle, 0, "the stream was not idle");
});

Deno.test("an idle keep-alive connection is closed after the idle timeout", async () => {
  await using server = startServer({ idleTimeoutMs: 150 });
  using conn = await open(server.port, "GET / HTTP/1.1\r\nhost: x\r\n\r\n");
  const text = await readToEnd(conn);
  assert(text.startsWith("HTTP/1.1 200") && text.includes("hello"), text);
  assertEquals(server.served.connections.stats().timedOut.idle, 1);
});

Deno.test("a body trickled too slowly is cut off after the body timeout and logged only at debug", async () => {
  await using server = startServer({ bodyTimeoutMs: 150 });
  using conn = await open(
    server.port,
    'POST /echo HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"a"',
  );
  assertEquals(await readToEnd(conn), "");
  assertEquals(server.served.connections.stats().timedOut.body, 1);
  await waitFor(
    () => server.logs.some((line) => line.msg === "client went away mid-request") || undefined,
    {
      message: "the debug line",
    },
  );
  assertEquals(server.logs.filter((line) => line.level === "error"), []);
});

Deno.test("clients hanging up mid-body are not server errors", async () => {
  await using server = startServer({});
  for (let i = 0; i < 20; i++) {
    using conn = await open(
      server.port,
      'POST /echo HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"a"',
    );
    await waitFor(() => server.served.connections.stats().phases.body === 1 || undefined, {
      message: "the server to be reading the body",
    });
    conn.close();
  }
  await waitFor(() => server.served.connections.size === 0 || undefined, {
    message: "every connection to close",
  });
  assertEquals(server.logs.filter((line) => line.level === "error" || line.level === "warn"), []);
});

Deno.test("a listener that fails for good is a critical failure: ordered shutdown, exit code 1, the cause in the log", async () => {
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger({ level: "debug", write: (line) => logs.push(JSON.parse(line)) });
  const supervisor = new Supervisor({ shutdownDeadlineMs: 3000, logger });
  let saved = false;
  supervisor.onShutdown("persist", "players", () => {
    saved = true;
  });
  const accepted = Promise.withResolvers<void>();
  serve(supervisor, () => new Response("never"), {
    hostname: "127.0.0.1",
    port: 0,
    logger,
    // A real listener whose accept() breaks, as one whose socket the system took away would.
    listen: (at) => {
      const real = Deno.listen(at);
      return {
        addr: real.addr,
        accept: () => {
          accepted.resolve();
          return Promise.reject(new Error("the listening socket is gone"));
        },
        close: () => real.close(),
      } as unknown as Deno.Listener<Deno.TcpConn, Deno.NetAddr>;
    },
  });
  supervisor.markReady();
  const report = await supervisor.finished;
  await accepted.promise;
  assertEquals(report.exitCode, 1);
  assert(saved, "the persist phase ran");
  const failure = logs.find((line) => line.msg === "task failed" && line.task === "http.accept");
  assert(String(JSON.stringify(failure?.error)).includes("the listening socket is gone"));
});

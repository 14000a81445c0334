/**
 * A reverse proxy in front of a test server that can misbehave on cue, as a real one does while
 * the server behind it restarts: end every open event stream, answer the next event-stream
 * request with an error status, or lose the answer to a command the server did run.
 *
 * @module
 */

/** A running proxy. */
export interface FlakyProxy extends AsyncDisposable {
  /** Where browsers connect. */
  readonly url: URL;
  /** Ends every event stream open through the proxy, as a dropped connection would. */
  dropStreams(): void;
  /** Answers the next `count` requests for `/api/events` with `status` (default 502). */
  failNextStreams(count?: number, status?: number): void;
  /** Event-stream requests answered with an error so far. */
  readonly failed: number;
  /**
   * Passes the next `count` commands (`POST /api/commands`) to the server but answers the browser
   * 503 with `Retry-After: 1`, as if the answer were lost on the way back.
   */
  loseNextCommandAnswers(count?: number): void;
  /** The `Idempotency-Key` of every command that went through, in order. */
  readonly commandKeys: (string | null)[];
}

/** Starts a proxy on a free loopback port that forwards to `upstream`. */
export function startFlakyProxy(upstream: URL): FlakyProxy {
  const streams = new Set<() => void>();
  let failures = 0;
  let failStatus = 502;
  let failed = 0;
  let answersToLose = 0;
  const commandKeys: (string | null)[] = [];
  const dropAll = () => {
    for (const drop of [...streams]) drop();
  };
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const url = new URL(request.url);
      const isStream = url.pathname === "/api/events";
      if (isStream && failures > 0) {
        failures--;
        failed++;
        return new Response("Bad gateway", { status: failStatus });
      }
      const isCommand = url.pathname === "/api/commands" && request.method === "POST";
      if (isCommand) commandKeys.push(request.headers.get("idempotency-key"));
      const headers = new Headers(request.headers);
      headers.delete("host");
      const response = await fetch(new URL(url.pathname + url.search, upstream), {
        method: request.method,
        headers,
        body: request.body,
        redirect: "manual",
      });
      if (isCommand && answersToLose > 0) {
        answersToLose--;
        await response.body?.cancel();
        return new Response('{"error":{"code":"unavailable","message":"Lost on the way"}}', {
          status: 503,
          headers: { "content-type": "application/json", "retry-after": "1" },
        });
      }
      if (!isStream || response.body === null) return response;
      // The stream to the browser ends cleanly when dropped, as a connection closed by a proxy.
      const reader = response.body.getReader();
      let ended = false;
      let drop = () => {};
      const body = new ReadableStream<Uint8Array>({
        start: (out) => {
          drop = () => {
            if (ended) return;
            ended = true;
            streams.delete(drop);
            out.close();
            reader.cancel().catch(() => {});
          };
          streams.add(drop);
        },
        pull: async (out) => {
          const next = await reader.read().catch(() => ({ done: true as const, value: undefined }));
          if (ended) return;
          if (next.done) {
            ended = true;
            streams.delete(drop);
            out.close();
          } else {
            out.enqueue(next.value);
          }
        },
        cancel: async () => {
          ended = true;
          streams.delete(drop);
          await reader.cancel().catch(() => {});
        },
      });
      return new Response(body, { status: response.status, headers: response.headers });
    },
  );
  const { port } = server.addr;
  return {
    url: new URL(`http://127.0.0.1:${port}/`),
    dropStreams: dropAll,
    failNextStreams: (count = 1, status = 502) => {
      failures = count;
      failStatus = status;
    },
    get failed() {
      return failed;
    },
    loseNextCommandAnswers: (count = 1) => {
      answersToLose = count;
    },
    commandKeys,
    [Symbol.asyncDispose]: async () => {
      dropAll();
      await server.shutdown();
    },
  };
}

/**
 * The floor: a bare `Deno.serve` broadcaster. Each publish encodes one frame and enqueues it into
 * every open stream — nothing else. The real-time core is measured against this.
 *
 * For the realistic mix (`bench/mix_bench.ts`) it also takes one request per command, as the game
 * does: `POST /bench/send?seq=S&sent=T&fanout=F` encodes one frame and enqueues it into the next F
 * streams in turn (round robin over the streams in the order they opened).
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { memory, paced, wallClock } from "./pace.ts";

const encoder = new TextEncoder();
const streams = new Set<ReadableStreamDefaultController<Uint8Array>>();
/** The same streams in the order they opened, for `/bench/send`'s round robin. */
const inTurn: ReadableStreamDefaultController<Uint8Array>[] = [];
let turn = 0;
let id = 0;
const hello = encoder.encode(
  'retry: 2000\nevent: stream.hello\ndata: {"player":"bench","resumed":false}\n\n',
);

const server = Deno.serve({
  hostname: "127.0.0.1",
  port: Number(Deno.env.get("PORT") ?? 0),
  onListen: ({ port }) => console.log(JSON.stringify({ msg: "listening", port })),
}, async (request) => {
  const url = new URL(request.url);
  if (url.pathname === "/bench/memory") return Response.json(memory());
  if (url.pathname === "/bench/publish") {
    const count = Number(url.searchParams.get("count"));
    const rate = Number(url.searchParams.get("rate"));
    await paced(count, rate, (seq) => {
      id++;
      const data = JSON.stringify({ from: "bench", text: `${seq} ${wallClock()}` });
      const frame = encoder.encode(`id: ${id}\nevent: room.say\ndata: ${data}\n\n`);
      for (const controller of streams) controller.enqueue(frame);
    });
    return Response.json({ published: count });
  }
  if (url.pathname === "/bench/send") {
    const fanout = Number(url.searchParams.get("fanout"));
    const text = `${url.searchParams.get("seq")} ${url.searchParams.get("sent")}`;
    const frame = encoder.encode(
      `id: ${++id}\nevent: room.say\ndata: ${JSON.stringify({ from: "bench", text })}\n\n`,
    );
    for (let i = 0; i < fanout && inTurn.length > 0; i++) {
      turn %= inTurn.length;
      inTurn[turn++]?.enqueue(frame);
    }
    return new Response(null, { status: 202 });
  }
  let controller: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      streams.add(c);
      inTurn.push(c);
      c.enqueue(hello);
    },
    cancel() {
      streams.delete(controller);
      const index = inTurn.indexOf(controller);
      if (index !== -1) inTurn.splice(index, 1);
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
});

Deno.addSignalListener("SIGTERM", () => {
  for (const controller of streams) controller.close();
  streams.clear();
  inTurn.length = 0;
  server.shutdown();
});

/**
 * The floor: a bare `Deno.serve` broadcaster. Each publish encodes one frame and enqueues it into
 * every open stream — nothing else. The real-time core is measured against this.
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { memory, paced, wallClock } from "./pace.ts";

const encoder = new TextEncoder();
const streams = new Set<ReadableStreamDefaultController<Uint8Array>>();
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
    let id = 0;
    await paced(count, rate, (seq) => {
      id++;
      const data = JSON.stringify({ from: "bench", text: `${seq} ${wallClock()}` });
      const frame = encoder.encode(`id: ${id}\nevent: room.say\ndata: ${data}\n\n`);
      for (const controller of streams) controller.enqueue(frame);
    });
    return Response.json({ published: count });
  }
  let controller: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      streams.add(c);
      c.enqueue(hello);
    },
    cancel() {
      streams.delete(controller);
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
});

Deno.addSignalListener("SIGTERM", () => {
  for (const controller of streams) controller.close();
  streams.clear();
  server.shutdown();
});

// deno-lint-ignore-file
import { EventBus } from "../lib/bus/event_bus.ts";
import { SseHub } from "../lib/sse/hub.ts";
import { openEventStream } from "../lib/sse/open_stream.ts";
const N = 4000, K = 300;
const enc = new TextEncoder();
const mode = Deno.args[0];
async function consume(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  while (true) {
    const r = await reader.read();
    if (r.done) return;
  }
}
const done: Promise<void>[] = [];
let publish: (k: number) => void;
let end: () => Promise<unknown>;
if (mode === "floor") {
  const ctrls: ReadableStreamDefaultController<Uint8Array>[] = [];
  for (let i = 0; i < N; i++) {
    done.push(consume(
      new ReadableStream<Uint8Array>(
        Deno.env.get("PULL")
          ? {
            start(c) {
              ctrls.push(c);
            },
            pull() {},
          }
          : {
            start(c) {
              ctrls.push(c);
            },
          },
        { highWaterMark: Number(Deno.env.get("HWM") ?? 1) },
      ),
    ));
  }
  publish = (k) => {
    const frame = enc.encode(
      `id: ${k}\nevent: room.say\ndata: {"from":"bench","text":"${k} 1234567890123.456"}\n\n`,
    );
    for (const c of ctrls) c.enqueue(frame);
  };
  end = async () => {
    for (const c of ctrls) c.close();
  };
} else {
  const bus = new EventBus({ history: { frames: 16, bytes: 1 << 20 } });
  const hub = new SseHub();
  for (let i = 0; i < N; i++) {
    bus.open("p" + i);
    done.push(consume(openEventStream(bus, hub, "p" + i, { player: "p" + i }).body!));
  }
  publish = (k) =>
    bus.publish({ type: "room.say", data: { from: "bench", text: `${k} 1234567890123.456` } }, {
      to: "all",
    });
  end = () => hub.closeAll();
}
await new Promise((r) => setTimeout(r, 10));
const t0 = performance.now();
for (let k = 0; k < K; k++) {
  publish(k);
  await new Promise((r) => setTimeout(r, 0));
}
console.error(mode, ((performance.now() - t0) * 1000 / (N * K)).toFixed(3), "us");
await end();
await Promise.all(done);

/**
 * A player for cluster tests that behaves like the browser client: it keeps one event stream
 * open through a load balancer, and when the stream ends (`stream.shutdown`, a dropped node) it
 * reconnects with `Last-Event-ID`, wherever the balancer sends it. It keeps a ledger of every
 * player's `room.say` it is shown (NPCs' chatter aside), to count what was lost or shown twice.
 *
 * @module
 */

import { delay } from "@std/async/delay";
import { TestPlayer } from "./player.ts";
import { SseClient } from "./sse_client.ts";

/** A player with a ledger of the says it heard. */
export class LedgerPlayer implements AsyncDisposable {
  /** The logged-in player (its cookie). */
  readonly player: TestPlayer;
  /** How many times each say text was shown. */
  readonly heard = new Map<string, number>();
  /** `stream.shutdown` frames received. */
  shutdowns = 0;
  /** Streams opened (the first, and each reconnect). */
  connects = 0;
  /** Frames whose id was not above the one before (a repeat, or out of order). */
  outOfOrder = 0;
  /** `stream.resync` frames (history lost: the stream started afresh). */
  resyncs = 0;
  /** Whether a stream is open now. */
  connected = false;
  /** Whether the first stream has shown the room. */
  inWorld: Promise<void>;
  readonly #url: URL;
  readonly #stop = new AbortController();
  readonly #running: Promise<void>;
  #lastEventId: string | undefined;
  #newestId = 0;
  #entered!: () => void;

  private constructor(player: TestPlayer, url: URL) {
    this.player = player;
    this.#url = url;
    this.inWorld = new Promise((resolve) => this.#entered = resolve);
    this.#running = this.#run();
  }

  /** Registers `name` through `url` and starts following its stream. */
  static async start(url: URL, name: string): Promise<LedgerPlayer> {
    return new LedgerPlayer(await TestPlayer.register(url, name), url);
  }

  /** Stops following and closes the stream. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.#stop.abort();
    await this.#running;
  }

  async #run(): Promise<void> {
    while (!this.#stop.signal.aborted) {
      let stream: SseClient;
      try {
        stream = await SseClient.connect(new URL("/api/events", this.#url), {
          headers: { cookie: this.player.cookie },
          lastEventId: this.#lastEventId,
          // Opening waits for the world and for this edge to catch up: slow on a busy machine.
          timeout: 30_000,
        });
      } catch {
        continue; // the balancer had no edge for a moment: try again
      }
      await using _ = stream;
      if (stream.response.status !== 200) {
        // (Disposing the client at the end of this turn closes the refused response.)
        await delay(50, { signal: this.#stop.signal }).catch(() => {});
        continue;
      }
      this.connects++;
      this.connected = true;
      while (!this.#stop.signal.aborted) {
        let frame;
        try {
          frame = await stream.next(250);
        } catch {
          continue; // nothing within the poll: look at the stop signal again
        }
        if (frame === undefined) break; // ended: reconnect
        if (frame.id !== undefined) {
          if (Number(frame.id) <= this.#newestId) this.outOfOrder++;
          this.#newestId = Math.max(this.#newestId, Number(frame.id));
          this.#lastEventId = frame.id;
        }
        if (frame.event === "stream.resync") this.resyncs++;
        if (frame.event === "room.look") this.#entered();
        if (frame.event === "stream.shutdown") this.shutdowns++;
        if (frame.event === "room.say") {
          const data = JSON.parse(frame.data) as { text: string; npc?: boolean };
          // Players' says only: an NPC's chatter is not in anyone's ledger of what was sent.
          if (data.npc !== true) this.heard.set(data.text, (this.heard.get(data.text) ?? 0) + 1);
        }
      }
      this.connected = false;
    }
  }
}

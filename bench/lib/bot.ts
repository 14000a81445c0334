/**
 * A benchmark bot: a player with a session cookie, commands over fetch, and its event stream over
 * a raw socket that it can stop reading (a slow reader) or drop (a disconnect).
 *
 * @module
 */

import { ChunkedSseReader } from "./sse_reader.ts";

/** An event as a bot received it. */
export interface BotEvent {
  /** The event id, when the frame had one. */
  id: number | undefined;
  /** The event type. */
  type: string;
  /** The event data. */
  data: Record<string, unknown>;
  /** `performance.now()` when it was parsed. */
  at: number;
}

const encoder = new TextEncoder();

/** One player driven by the benchmark. */
export class Bot {
  /** Display name. */
  readonly name: string;
  /** The session cookie header. */
  cookie = "";
  /** Room of the last `room.look`. */
  room: string | undefined;
  /** Frames whose id was not above the previous one (a duplicate or a reordering). */
  outOfOrder = 0;
  /** `stream.resync` frames received. */
  resyncs = 0;
  /** Whether a `stream.shutdown` arrived. */
  sawShutdown = false;
  /** How the stream ended: `clean` (chunked end), `error`, or undefined while open. */
  ended: "clean" | "error" | undefined;
  /** Called for every event. */
  onEvent: (bot: Bot, event: BotEvent) => void = () => {};
  /**
   * Whether to reconnect with `Last-Event-ID` when the stream ends, as the browser client does
   * (a node restarting behind a load balancer).
   */
  reconnecting = false;
  /** Streams opened again after one ended. */
  reconnects = 0;
  #reconnectLoop: Promise<void> | undefined;
  #lastId = 0;
  #conn: Deno.TcpConn | undefined;
  #paused: PromiseWithResolvers<void> | undefined;
  #reading: Promise<void> | undefined;
  readonly #base: URL;

  /** A bot for the server at `base`. */
  constructor(base: URL, name: string) {
    this.#base = base;
    this.name = name;
  }

  /** Registers (or, with `login`, logs in) and keeps the cookie. */
  async authenticate(password: string, login = false): Promise<void> {
    const response = await fetch(new URL(login ? "/api/sessions" : "/api/accounts", this.#base), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: this.name, password }),
    });
    const body = await response.text();
    if (!response.ok) throw new Error(`${this.name}: ${response.status} ${body}`);
    this.cookie = response.headers.getSetCookie().map((cookie) => cookie.split(";")[0]).join("; ");
  }

  /** Opens the event stream; resolves once `stream.hello` has arrived. */
  async connect(): Promise<void> {
    const conn = await Deno.connect({
      hostname: this.#base.hostname,
      port: Number(this.#base.port),
    });
    this.#conn = conn;
    this.ended = undefined;
    this.sawShutdown = false;
    const last = this.#lastId > 0 ? `last-event-id: ${this.#lastId}\r\n` : "";
    await conn.write(encoder.encode(
      `GET /api/events HTTP/1.1\r\nhost: ${this.#base.host}\r\naccept: text/event-stream\r\n` +
        `cookie: ${this.cookie}\r\n${last}\r\n`,
    ));
    const hello = Promise.withResolvers<void>();
    // The stream can end after a failed write made connect() throw: nobody awaits it then.
    hello.promise.catch(() => {});
    const reader = new ChunkedSseReader((frame) => {
      const event = this.#parse(frame);
      if (event === undefined) return;
      if (event.type === "stream.hello") hello.resolve();
      this.#receive(event);
    });
    this.#reading = this.#read(conn, reader).then(
      (clean) => {
        this.ended = clean ? "clean" : "error";
        hello.reject(
          new Error(`${this.name}: stream ended before hello (status ${reader.status})`),
        );
        if (this.reconnecting && this.#reconnectLoop === undefined) {
          this.#reconnectLoop = this.#reconnect().finally(() => this.#reconnectLoop = undefined);
        }
      },
    );
    await hello.promise;
  }

  /** Stops reconnecting and waits for a reconnection under way to finish. */
  async stopReconnecting(): Promise<void> {
    this.reconnecting = false;
    await this.#reconnectLoop;
  }

  async #reconnect(): Promise<void> {
    while (this.reconnecting) {
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
      try {
        await this.connect();
        this.reconnects++;
        return;
      } catch {
        // No edge could take it yet: try again.
      }
    }
  }

  /** Stops reading the stream (the socket stays open): a reader that stopped reading. */
  pause(): void {
    this.#paused ??= Promise.withResolvers<void>();
  }

  /** Closes the socket at once, as a vanished client would. */
  drop(): void {
    try {
      this.#conn?.close();
    } catch {
      // Already closed.
    }
    this.#paused?.resolve();
    // Reading again after a reconnect; a later pause() must pause again (it used to find this
    // resolved promise and do nothing, so only the first slow round had slow readers).
    this.#paused = undefined;
  }

  /** Resolves when the stream has ended. */
  async streamEnded(): Promise<void> {
    await this.#reading;
  }

  /** Sends a command; resolves with the status and when it was sent. */
  async command(text: string): Promise<{ status: number; sentAt: number }> {
    const sentAt = performance.now();
    try {
      const response = await fetch(new URL("/api/commands", this.#base), {
        method: "POST",
        headers: { "content-type": "application/json", cookie: this.cookie },
        body: JSON.stringify({ command: text }),
      });
      await response.body?.cancel();
      return { status: response.status, sentAt };
    } catch {
      return { status: 0, sentAt };
    }
  }

  async #read(conn: Deno.TcpConn, reader: ChunkedSseReader): Promise<boolean> {
    const buffer = new Uint8Array(64 * 1024);
    try {
      while (true) {
        if (this.#paused !== undefined) await this.#paused.promise;
        const n = await conn.read(buffer);
        if (n === null) return false;
        if (reader.push(buffer.subarray(0, n))) return true;
      }
    } catch {
      return false;
    } finally {
      try {
        conn.close();
      } catch {
        // Already closed.
      }
    }
  }

  #parse(frame: string): BotEvent | undefined {
    let type = "message";
    let data = "";
    let id: number | undefined;
    for (const line of frame.split("\n")) {
      if (line.startsWith("event: ")) type = line.slice(7);
      else if (line.startsWith("data: ")) data = line.slice(6);
      else if (line.startsWith("id: ")) id = Number(line.slice(4));
    }
    if (data === "") return undefined;
    return { id, type, data: JSON.parse(data), at: performance.now() };
  }

  #receive(event: BotEvent): void {
    if (event.id !== undefined) {
      if (event.id <= this.#lastId) this.outOfOrder++;
      else this.#lastId = event.id;
    }
    if (event.type === "stream.resync") this.resyncs++;
    if (event.type === "stream.shutdown") this.sawShutdown = true;
    if (event.type === "room.look") this.room = (event.data.room as { id: string }).id;
    this.onEvent(this, event);
  }
}

/**
 * Letters that never fold together in a name's confusable skeleton (no `i`/`l`, and none of the
 * letters of `rn`, `vv`, `cl`), so every bot name is distinct to the server.
 */
const DISTINCT_LETTERS = "abefghjkopqstuxyz";

/** A name for bot number `n`: `prefix` and three or more letters (names are letters only). */
export function botName(prefix: string, n: number): string {
  const base = DISTINCT_LETTERS.length;
  let text = "";
  do {
    text = DISTINCT_LETTERS.charAt(n % base) + text;
    n = Math.floor(n / base);
  } while (n > 0);
  return prefix + text.padStart(3, "a");
}

/** Runs `fn` over `items` with at most `limit` at once. */
export async function eachLimited<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  });
  await Promise.all(workers);
}

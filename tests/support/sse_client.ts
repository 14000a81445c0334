/**
 * An SSE client for tests: parses frames as the EventSource specification does and reads them
 * with a deadline.
 *
 * @module
 */

import { withTimeout } from "./wait.ts";

/** One dispatched event. */
export interface SseFrame {
  /** The `id:` field, if the frame had one. */
  id: string | undefined;
  /** The `event:` field, or `message`. */
  event: string;
  /** The `data:` lines joined with LF. */
  data: string;
  /** The `retry:` field, if the frame had one. */
  retry: number | undefined;
}

/** Options for {@linkcode SseClient.connect}. */
export interface ConnectOptions {
  /** Request headers (a cookie, for example). */
  headers?: Record<string, string>;
  /** Sent as the `Last-Event-ID` header. */
  lastEventId?: string;
  /** How long to wait for the response headers; default 5000 ms. */
  timeout?: number;
}

/** Parses an SSE byte stream into frames, as a browser would. */
export class SseParser {
  #buffer = "";
  #data: string[] = [];
  #event = "";
  #id: string | undefined;
  #retry: number | undefined;
  #hasFields = false;
  readonly #decoder = new TextDecoder();

  /** Feeds bytes; returns the frames they complete. */
  push(chunk: Uint8Array): SseFrame[] {
    this.#buffer += this.#decoder.decode(chunk, { stream: true });
    const frames: SseFrame[] = [];
    while (true) {
      const match = /\r\n|\r|\n/.exec(this.#buffer);
      if (match === null) break;
      // A lone CR at the end may be the first half of CRLF: wait for more.
      if (match[0] === "\r" && match.index === this.#buffer.length - 1) break;
      const line = this.#buffer.slice(0, match.index);
      this.#buffer = this.#buffer.slice(match.index + match[0].length);
      const frame = this.#line(line);
      if (frame !== undefined) frames.push(frame);
    }
    return frames;
  }

  #line(line: string): SseFrame | undefined {
    if (line === "") {
      if (!this.#hasFields) return undefined;
      const frame: SseFrame = {
        id: this.#id,
        event: this.#event || "message",
        data: this.#data.join("\n"),
        retry: this.#retry,
      };
      this.#data = [];
      this.#event = "";
      this.#id = undefined;
      this.#retry = undefined;
      this.#hasFields = false;
      return frame;
    }
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    this.#hasFields = true;
    if (field === "data") this.#data.push(value);
    else if (field === "event") this.#event = value;
    else if (field === "id" && !value.includes("\0")) this.#id = value;
    else if (field === "retry" && /^\d+$/.test(value)) this.#retry = Number(value);
    return undefined;
  }
}

/** A connected event stream. Dispose it to disconnect. */
export class SseClient implements AsyncDisposable {
  /** The response (status and headers). */
  readonly response: Response;
  /** The id of the newest frame that had one, as EventSource tracks it. */
  lastEventId: string | undefined;
  readonly #controller: AbortController;
  readonly #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  readonly #parser = new SseParser();
  readonly #queue: SseFrame[] = [];
  #pendingRead: Promise<ReadableStreamReadResult<Uint8Array> | { error: unknown }> | undefined;
  #ended = false;
  /** Set when the connection failed rather than ending cleanly. */
  error: unknown = undefined;

  private constructor(response: Response, controller: AbortController) {
    this.response = response;
    this.#controller = controller;
    this.#reader = response.body?.getReader();
  }

  /** Opens a stream. The response may be an error; check `response.status`. */
  static async connect(url: string | URL, options: ConnectOptions = {}): Promise<SseClient> {
    const controller = new AbortController();
    const headers: Record<string, string> = { accept: "text/event-stream", ...options.headers };
    if (options.lastEventId !== undefined) headers["last-event-id"] = options.lastEventId;
    let response: Response;
    try {
      response = await withTimeout(
        fetch(url, { headers, signal: controller.signal }),
        options.timeout ?? 5000,
        `the response from ${url}`,
      );
    } catch (error) {
      // A request given up on is cancelled: left running, the server would open a stream
      // nobody reads (and count it against the player's tabs).
      controller.abort();
      throw error;
    }
    return new SseClient(response, controller);
  }

  /** Whether the server has ended the stream (and every frame has been read). */
  get ended(): boolean {
    return this.#ended && this.#queue.length === 0;
  }

  /**
   * The next frame, or `undefined` when the stream has ended.
   *
   * @throws {Error} when no frame arrives within `timeout` milliseconds (default 5000).
   */
  async next(timeout = 5000): Promise<SseFrame | undefined> {
    const started = performance.now();
    while (this.#queue.length === 0 && !this.#ended) {
      const left = timeout - (performance.now() - started);
      if (left <= 0) throw new Error(`No SSE frame within ${timeout} ms`);
      await this.#read(left);
    }
    const frame = this.#queue.shift();
    if (frame?.id !== undefined) this.lastEventId = frame.id;
    return frame;
  }

  /** Skips frames until one of `event` type; throws if the stream ends first. */
  async nextOf(event: string, timeout = 5000): Promise<SseFrame> {
    const started = performance.now();
    while (true) {
      const frame = await this.next(Math.max(1, timeout - (performance.now() - started)));
      if (frame === undefined) throw new Error(`Stream ended before a ${event} frame`);
      if (frame.event === event) return frame;
    }
  }

  /** Reads frames until the server ends the stream; returns them. */
  async rest(timeout = 5000): Promise<SseFrame[]> {
    const frames: SseFrame[] = [];
    const started = performance.now();
    while (true) {
      const frame = await this.next(Math.max(1, timeout - (performance.now() - started)));
      if (frame === undefined) return frames;
      frames.push(frame);
    }
  }

  async #read(timeout: number): Promise<void> {
    if (this.#reader === undefined) {
      this.#ended = true;
      return;
    }
    this.#pendingRead ??= this.#reader.read().catch((error) => ({ error }));
    const result = await withTimeout(this.#pendingRead, timeout, "an SSE chunk");
    this.#pendingRead = undefined;
    if ("error" in result) {
      this.error = result.error;
      this.#ended = true;
      return;
    }
    if (result.done) {
      this.#ended = true;
      return;
    }
    this.#queue.push(...this.#parser.push(result.value));
  }

  /** Disconnects, as a closed browser tab would. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.#controller.abort();
    await this.#reader?.cancel().catch(() => {});
    await this.#pendingRead;
    if (this.#reader === undefined) await this.response.body?.cancel().catch(() => {});
  }
}

/**
 * JSON lines from a child process's stdout, awaited one match at a time.
 *
 * @module
 */

import { TextLineStream } from "@std/streams/text-line-stream";

/** Collects the JSON lines of a stream and lets callers wait for one. */
export class JsonLines {
  readonly lines: Record<string, unknown>[] = [];
  readonly done: Promise<void>;
  #waiters: {
    match: (line: Record<string, unknown>) => boolean;
    resolve: (line: Record<string, unknown>) => void;
  }[] = [];

  constructor(stream: ReadableStream<Uint8Array>, echo?: (line: string) => void) {
    const lines: ReadableStream<string> = stream.pipeThrough(new TextDecoderStream())
      .pipeThrough(new TextLineStream());
    this.done = (async () => {
      for await (const text of lines) {
        echo?.(text);
        let line: Record<string, unknown>;
        try {
          line = JSON.parse(text);
        } catch {
          continue;
        }
        this.lines.push(line);
        this.#waiters = this.#waiters.filter((waiter) => {
          if (!waiter.match(line)) return true;
          waiter.resolve(line);
          return false;
        });
      }
    })();
  }

  /** Resolves with the first line (seen or to come) that matches; rejects after `timeoutMs`. */
  wait(
    match: (line: Record<string, unknown>) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<Record<string, unknown>> {
    const found = this.lines.find(match);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Timed out waiting for ${what}`)), timeoutMs);
      this.#waiters.push({
        match,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
    });
  }
}

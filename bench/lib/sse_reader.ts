/**
 * Reading an event stream from a raw socket: HTTP/1.1 headers, chunked transfer encoding, SSE
 * frames. Cheaper than fetch, so a load generator keeps up with the server.
 *
 * @module
 */

const CR = 13;
const LF = 10;
const encoder = new TextEncoder();

/**
 * Decodes an HTTP/1.1 response carrying an event stream: skips the headers, undoes chunked
 * transfer encoding, and splits SSE frames on blank lines. Cheaper than fetch, so the client
 * keeps up with the server.
 */
export class ChunkedSseReader {
  #headersDone = false;
  #headerText = "";
  #status: number | undefined;
  #chunkLeft = 0;
  #sizeLine = "";
  #skipCrlf = 0;
  #text = "";
  readonly #decoder = new TextDecoder();
  readonly #onFrame: (frame: string) => void;

  constructor(onFrame: (frame: string) => void) {
    this.#onFrame = onFrame;
  }

  /** The response status, once the headers have arrived. */
  get status(): number | undefined {
    return this.#status;
  }

  /** Feeds bytes; returns `true` once the body's last chunk has been seen. */
  push(bytes: Uint8Array): boolean {
    if (!this.#headersDone) {
      this.#headerText += this.#decoder.decode(bytes);
      const end = this.#headerText.indexOf("\r\n\r\n");
      if (end === -1) return false;
      this.#headersDone = true;
      this.#status = Number(/^HTTP\/1\.1 (\d{3})/.exec(this.#headerText)?.[1] ?? 0);
      const rest = encoder.encode(this.#headerText.slice(end + 4));
      this.#headerText = "";
      return this.#body(rest);
    }
    return this.#body(bytes);
  }

  #body(bytes: Uint8Array): boolean {
    let i = 0;
    while (i < bytes.length) {
      if (this.#skipCrlf > 0) {
        this.#skipCrlf--;
        i++;
        continue;
      }
      if (this.#chunkLeft === 0) {
        const byte = bytes[i++] ?? 0;
        if (byte === LF) {
          const size = parseInt(this.#sizeLine.trim(), 16);
          this.#sizeLine = "";
          if (size === 0) return true;
          this.#chunkLeft = size;
        } else if (byte !== CR) {
          this.#sizeLine += String.fromCharCode(byte);
        }
        continue;
      }
      const take = Math.min(this.#chunkLeft, bytes.length - i);
      this.#text += this.#decoder.decode(bytes.subarray(i, i + take), { stream: true });
      i += take;
      this.#chunkLeft -= take;
      if (this.#chunkLeft === 0) this.#skipCrlf = 2;
      let end: number;
      while ((end = this.#text.indexOf("\n\n")) !== -1) {
        this.#onFrame(this.#text.slice(0, end));
        this.#text = this.#text.slice(end + 2);
      }
    }
    return false;
  }
}

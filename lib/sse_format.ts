/**
 * Server-Sent Events framing that user text cannot break.
 *
 * `event` and `id` are single-line fields: a CR, LF or NUL there would let text end the field and
 * forge another, so such values are refused outright. `data` may hold anything: every line break
 * (CRLF, CR or LF) starts a new `data:` line, which the browser joins back with LF.
 *
 * @module
 */

const encoder = new TextEncoder();
const LINE_BREAK = /\r\n|\r|\n/;
const FORBIDDEN_IN_FIELD = /[\r\n\0]/;

/** The fields of one SSE frame. */
export interface FrameFields {
  /** `id:` — what the browser sends back as `Last-Event-ID`. */
  id?: string | number;
  /** `event:` — the type a client listens for. */
  event?: string;
  /** `data:` — the payload; may span lines. */
  data?: string;
  /** `retry:` — reconnection delay in milliseconds. */
  retry?: number;
}

function checkField(name: string, value: string): void {
  if (FORBIDDEN_IN_FIELD.test(value)) {
    throw new TypeError(`SSE ${name} field must not contain CR, LF or NUL`);
  }
}

/**
 * Encodes one frame as text, ending with the blank line that dispatches it.
 *
 * @throws {TypeError} if `id` or `event` contains CR, LF or NUL, or `retry` is not a whole
 * number of milliseconds.
 */
export function formatFrame(fields: FrameFields): string {
  let text = "";
  if (fields.retry !== undefined) {
    if (!Number.isSafeInteger(fields.retry) || fields.retry < 0) {
      throw new TypeError("SSE retry field must be a whole number of milliseconds");
    }
    text += `retry: ${fields.retry}\n`;
  }
  if (fields.id !== undefined) {
    const id = String(fields.id);
    checkField("id", id);
    text += `id: ${id}\n`;
  }
  if (fields.event !== undefined) {
    checkField("event", fields.event);
    text += `event: ${fields.event}\n`;
  }
  if (fields.data !== undefined) {
    for (const line of fields.data.split(LINE_BREAK)) text += `data: ${line}\n`;
  }
  return text + "\n";
}

/** Encodes one frame to UTF-8 bytes; see {@linkcode formatFrame}. */
export function encodeFrame(fields: FrameFields): Uint8Array {
  return encoder.encode(formatFrame(fields));
}

/** A comment line: ignored by browsers, useful to keep proxies from timing a stream out. */
export function encodeComment(text: string): Uint8Array {
  return encoder.encode(`: ${text.replace(/[\r\n]+/g, " ")}\n\n`);
}

/**
 * A raw TCP HTTP/1.1 client, for what fetch cannot do: stop reading, or drop the socket mid-write.
 *
 * @module
 */

/** An HTTP request written on a raw connection. */
export interface RawRequest extends Disposable {
  /** The connection. */
  readonly conn: Deno.TcpConn;
  /** Reads up to `size` bytes; `null` at end of stream. */
  read(size?: number): Promise<Uint8Array | null>;
  /** Reads until the text seen so far contains `needle`; throws at end of stream. */
  readUntil(needle: string): Promise<string>;
  /** Reads until the server closes the connection; returns the byte count. */
  readToEnd(): Promise<number>;
}

/** Sends `GET path` with `headers` and returns the open connection, unread. */
export async function rawGet(
  url: URL,
  path: string,
  headers: Record<string, string> = {},
): Promise<RawRequest> {
  const conn = await Deno.connect({ hostname: url.hostname, port: Number(url.port) });
  const lines = [`GET ${path} HTTP/1.1`, `host: ${url.host}`, "accept: text/event-stream"];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  await conn.write(new TextEncoder().encode(lines.join("\r\n") + "\r\n\r\n"));
  let seen = "";
  const decoder = new TextDecoder();
  const read = async (size = 65536) => {
    const buffer = new Uint8Array(size);
    const n = await conn.read(buffer).catch(() => null);
    return n === null ? null : buffer.subarray(0, n);
  };
  return {
    conn,
    read,
    readUntil: async (needle) => {
      while (!seen.includes(needle)) {
        const chunk = await read();
        if (chunk === null) throw new Error(`Connection ended before ${JSON.stringify(needle)}`);
        seen += decoder.decode(chunk, { stream: true });
      }
      return seen;
    },
    readToEnd: async () => {
      let total = 0;
      while (true) {
        const chunk = await read();
        if (chunk === null) return total;
        total += chunk.byteLength;
      }
    },
    [Symbol.dispose]: () => {
      try {
        conn.close();
      } catch {
        // Already closed.
      }
    },
  };
}

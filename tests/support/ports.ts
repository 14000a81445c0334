/**
 * Free loopback ports for servers a test starts itself.
 *
 * @module
 */

/** A free TCP port on loopback (to start a server on, or restart one on the same port). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

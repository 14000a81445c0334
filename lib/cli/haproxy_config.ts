/**
 * The HAProxy configuration in front of a cluster's edges (used by `deno task cluster` and the
 * cluster tests): health checks on `/readyz`, so an edge that is stopping or cannot reach Redis
 * gets no new players; tunnel timeouts long enough for event streams; and a request an edge
 * refuses with 503 while it stops (a reconnecting stream, say) tried once more on another edge.
 *
 * @module
 */

/** Where HAProxy listens and which edges it balances. */
export interface HaproxySettings {
  /** Address to bind, such as `127.0.0.1`. */
  host: string;
  /** Port to bind. */
  port: number;
  /** The edges: a name and `host:port` each. */
  edges: { name: string; address: string }[];
  /** Milliseconds between health checks; default 500. */
  checkIntervalMs?: number;
}

/** The configuration file's text. */
export function haproxyConfig(settings: HaproxySettings): string {
  const inter = settings.checkIntervalMs ?? 500;
  return [
    "global",
    // Each proxied stream holds two descriptors; stay well inside a common hard limit.
    "  maxconn 4000",
    "",
    "defaults",
    "  mode http",
    "  option http-server-close",
    // Event frames are small and must go out at once: without this HAProxy lets the kernel hold
    // them for more data (Nagle, MSG_MORE), some 200 ms a frame.
    "  option http-no-delay",
    // The edges learn the player's address (login limits) when they trust this proxy.
    "  option forwardfor",
    "  timeout connect 2s",
    "  timeout client 60s",
    "  timeout server 60s",
    // An event stream is a long response: once it flows, only the tunnel timeout applies, and
    // the server's heartbeats keep it well inside it.
    "  timeout tunnel 1h",
    "  timeout http-request 10s",
    // A health check answered late is not a dead edge: without this the check's own interval
    // is its timeout, and a busy edge (or machine) would be taken out of the pool.
    "  timeout check 2s",
    "  retries 2",
    // A 503 from an edge that is stopping (or a refused connection) goes to another edge. Not
    // for POSTs: a command answered 503 after its deadline might yet run, so it is not resent.
    "  retry-on conn-failure empty-response 503",
    "  option redispatch 1",
    "",
    "frontend mythos",
    `  bind ${settings.host}:${settings.port}`,
    "  http-request disable-l7-retry if METH_POST",
    "  default_backend edges",
    "",
    "backend edges",
    "  balance roundrobin",
    "  option httpchk GET /readyz",
    "  http-check expect status 200",
    ...settings.edges.map((edge) =>
      `  server ${edge.name} ${edge.address} check inter ${inter} fall 2 rise 2`
    ),
    "",
  ].join("\n");
}

/**
 * A player for tests: registers or logs in over real HTTP, holds the session cookie, opens the
 * event stream and sends commands.
 *
 * @module
 */

import { cookieHeader } from "./cookies.ts";
import { type ConnectOptions, SseClient, type SseFrame } from "./sse_client.ts";

/** A password every test player uses. */
export const TEST_PASSWORD = "correct horse battery";

/** A logged-in player. Disposing disconnects its streams (the character may go linkdead). */
export class TestPlayer implements AsyncDisposable {
  /** The server's base URL (in a cluster, the edge this player talks to). */
  base: URL;
  /** The display name. */
  readonly name: string;
  /** The `Cookie` header carrying the session. */
  cookie: string;
  /** Open streams, newest last. */
  readonly streams: SseClient[] = [];

  private constructor(base: URL, name: string, cookie: string) {
    this.base = base;
    this.name = name;
    this.cookie = cookie;
  }

  /** Registers a new player (201) and keeps its session. */
  static async register(base: URL, name: string, password = TEST_PASSWORD): Promise<TestPlayer> {
    const response = await postJson(base, "/api/accounts", { name, password });
    if (response.status !== 201) {
      throw new Error(`Registering ${name} failed: ${response.status} ${await response.text()}`);
    }
    const body = await response.json();
    return new TestPlayer(base, body.player.name, cookieHeader(response));
  }

  /** Logs in an existing player (200) and keeps its session. */
  static async login(base: URL, name: string, password = TEST_PASSWORD): Promise<TestPlayer> {
    const response = await postJson(base, "/api/sessions", { name, password });
    if (response.status !== 200) {
      throw new Error(`Logging in ${name} failed: ${response.status} ${await response.text()}`);
    }
    const body = await response.json();
    return new TestPlayer(base, body.player.name, cookieHeader(response));
  }

  /** Registers a new player, opens its stream and reads up to its room: in the world. */
  static async enter(base: URL, name: string): Promise<TestPlayer> {
    const player = await TestPlayer.register(base, name);
    await player.connect();
    await player.expect("room.look");
    return player;
  }

  /** The most recently opened stream. */
  get stream(): SseClient {
    const stream = this.streams.at(-1);
    if (stream === undefined) throw new Error(`${this.name} has no open stream`);
    return stream;
  }

  /** Opens an event stream (the character enters the world) and reads up to its greeting. */
  async connect(options: ConnectOptions = {}): Promise<SseClient> {
    const client = await SseClient.connect(new URL("/api/events", this.base), {
      ...options,
      headers: { cookie: this.cookie, ...options.headers },
    });
    if (client.response.status !== 200) {
      const text = await client.response.text();
      throw new Error(`${this.name}'s stream failed: ${client.response.status} ${text}`);
    }
    this.streams.push(client);
    return client;
  }

  /** Sends a command; returns the response (202 when accepted). */
  async send(command: string, headers: Record<string, string> = {}): Promise<Response> {
    return await fetch(new URL("/api/commands", this.base), {
      method: "POST",
      headers: { "content-type": "application/json", cookie: this.cookie, ...headers },
      body: JSON.stringify({ command }),
    });
  }

  /** Sends a command and insists it is accepted (202). */
  async do(command: string): Promise<void> {
    const response = await this.send(command);
    const text = await response.text();
    if (response.status !== 202) {
      throw new Error(`"${command}" was answered ${response.status}: ${text}`);
    }
  }

  /** Reads frames on the newest stream until one of `event` that matches `match`. */
  async expect(
    event: string,
    match: (data: Record<string, unknown>) => boolean = () => true,
    timeout = 5000,
  ): Promise<Record<string, unknown>> {
    const started = performance.now();
    while (true) {
      const left = timeout - (performance.now() - started);
      const frame: SseFrame = await this.stream.nextOf(event, Math.max(1, left));
      const data = JSON.parse(frame.data);
      if (match(data)) return data;
    }
  }

  /** `GET /api/me`. */
  async me(): Promise<Record<string, unknown>> {
    const response = await fetch(new URL("/api/me", this.base), {
      headers: { cookie: this.cookie },
    });
    if (response.status !== 200) {
      throw new Error(`/api/me answered ${response.status}: ${await response.text()}`);
    }
    return await response.json();
  }

  /** Logs out (`DELETE /api/sessions`). */
  async logout(): Promise<Response> {
    const response = await fetch(new URL("/api/sessions", this.base), {
      method: "DELETE",
      headers: { cookie: this.cookie },
    });
    await response.body?.cancel();
    return response;
  }

  /** Closes every stream. */
  async disconnect(): Promise<void> {
    for (const stream of this.streams.splice(0)) await stream[Symbol.asyncDispose]();
  }

  /** Closes every stream. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.disconnect();
  }
}

/**
 * Registers players who all enter the world at the start room, each in turn; returns once every
 * one has its room and has seen the later ones arrive.
 */
export async function playersInWorld(base: URL, ...names: string[]): Promise<TestPlayer[]> {
  const players: TestPlayer[] = [];
  for (const name of names) {
    const player = await TestPlayer.register(base, name);
    await player.connect();
    await player.expect("room.look");
    for (const earlier of players) {
      await earlier.expect("room.enter", (data) => data.who === player.name);
    }
    players.push(player);
  }
  return players;
}

/** POSTs JSON to `path`. */
export async function postJson(
  base: URL,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return await fetch(new URL(path, base), {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

/**
 * Server settings, read from `MYTHOS_*` environment variables.
 *
 * Every setting has an embedded default so `deno task start` works on a fresh machine. An
 * invalid value is a {@linkcode ConfigError} that names the variable and the accepted values;
 * `main.ts` turns it into exit code 2.
 *
 * @module
 */

/** Log levels, least to most severe. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

/** One of {@linkcode LOG_LEVELS}. */
export type LogLevel = typeof LOG_LEVELS[number];

/** PBKDF2-SHA-256 iterations used when `MYTHOS_PASSWORD_COST` is `strong` (OWASP 2023). */
export const STRONG_PASSWORD_ITERATIONS = 600_000;

/** The server's settings. */
export interface Config {
  /** HTTP port; `0` picks a free one. */
  port: number;
  /** Address to listen on. */
  host: string;
  /** Directory holding the Deno KV file. */
  dataDir: string;
  /** The origin browsers use. */
  publicUrl: URL;
  /** Hard bound on graceful shutdown, in milliseconds. */
  shutdownDeadlineMs: number;
  /** Bearer token for `/admin/*` and `/metrics`; `undefined` turns them off. */
  adminToken: string | undefined;
  /** Player names (lower case) allowed to use admin commands. */
  admins: string[];
  /** PBKDF2 iterations for new password hashes. */
  passwordIterations: number;
  /** Least severe level that is logged. */
  logLevel: LogLevel;
  /** Interval between `stream.ping` frames, in milliseconds. */
  heartbeatMs: number;
  /** How long a stream may be unable to write before it is ended, in milliseconds. */
  stallTimeoutMs: number;
  /** Frames kept per player for `Last-Event-ID` replay (also each stream's buffer bound). */
  historyFrames: number;
  /** Bytes kept per player for replay (also each stream's buffer bound). */
  historyBytes: number;
  /** Longest an event is kept for replay, in milliseconds (at least the linkdead grace). */
  historyMs: number;
  /** Directory holding `world.json` and the zone files. */
  worldDir: string;
  /** Directory holding the browser client. */
  staticDir: string;
  /** How long a character stays in the world after its last stream drops, in milliseconds. */
  linkdeadGraceMs: number;
  /** Streams (tabs) one player may hold at once. */
  maxStreamsPerPlayer: number;
  /** Interval between write-behind saves of changed players, in milliseconds. */
  autosaveMs: number;
  /** Commands per second per player. */
  commandRate: number;
  /** Commands a player may send in a burst. */
  commandBurst: number;
  /** Real milliseconds per game hour. */
  clockMsPerHour: number;
  /** Interval between NPC ticks, in milliseconds. */
  npcTickMs: number;
  /** Interval between lucidity ticks, in milliseconds. */
  lucidityTickMs: number;
  /** Login and registration attempts allowed per address per minute. */
  loginAttemptsPerMinute: number;
  /** Failed logins for one name from one address before each further try must wait. */
  loginFailuresPerName: number;
  /** Open connections at most; `undefined` derives the cap from the open-file limit. */
  maxConnections: number | undefined;
  /** Longest wait for a new connection's request headers, in milliseconds. */
  headerTimeoutMs: number;
  /** Longest a request body may take to arrive, in milliseconds. */
  bodyTimeoutMs: number;
  /** Longest a keep-alive connection may sit idle between requests, in milliseconds. */
  idleTimeoutMs: number;
  /** Proxy addresses whose `X-Forwarded-For` is believed. */
  trustedProxies: string[];
}

/** A setting has a value the server cannot use. */
export class ConfigError extends Error {
  /** The environment variable at fault. */
  readonly variable: string;

  /** Creates an error for `variable`, with a message that says what is accepted. */
  constructor(variable: string, message: string) {
    super(message);
    this.name = "ConfigError";
    this.variable = variable;
  }
}

/** Reads one environment variable; `Deno.env.get` in production, a map in tests. */
export type EnvReader = (name: string) => string | undefined;

/** A documented setting: the README's table is checked against this list. */
export interface SettingSpec {
  /** Environment variable name. */
  variable: string;
  /** Default value as written in the README. */
  defaultText: string;
  /** What the setting means. */
  meaning: string;
}

/** Every setting the server reads, with its default and meaning. */
export const SETTINGS: readonly SettingSpec[] = [
  { variable: "MYTHOS_PORT", defaultText: "8000", meaning: "HTTP port (`0` picks a free one)" },
  { variable: "MYTHOS_HOST", defaultText: "127.0.0.1", meaning: "address to listen on" },
  { variable: "MYTHOS_DATA_DIR", defaultText: "data", meaning: "where the Deno KV file lives" },
  {
    variable: "MYTHOS_PUBLIC_URL",
    defaultText: "http://localhost:8000",
    meaning: "the origin browsers use (origin checks; `Secure` cookies when https)",
  },
  {
    variable: "MYTHOS_SHUTDOWN_DEADLINE_MS",
    defaultText: "10000",
    meaning: "hard bound on graceful shutdown",
  },
  {
    variable: "MYTHOS_ADMIN_TOKEN",
    defaultText: "unset",
    meaning: "bearer token for `/admin/*` and `/metrics`; unset turns them off",
  },
  {
    variable: "MYTHOS_ADMINS",
    defaultText: "empty",
    meaning: "comma-separated player names allowed admin commands",
  },
  {
    variable: "MYTHOS_PASSWORD_COST",
    defaultText: "strong",
    meaning: "PBKDF2 iterations; `strong` is 600000. Lowered only by tests and benchmarks",
  },
  {
    variable: "MYTHOS_LOG_LEVEL",
    defaultText: "info",
    meaning: "`debug`, `info`, `warn` or `error`",
  },
  {
    variable: "MYTHOS_HEARTBEAT_MS",
    defaultText: "15000",
    meaning: "interval between `stream.ping` frames",
  },
  {
    variable: "MYTHOS_STALL_TIMEOUT_MS",
    defaultText: "30000",
    meaning: "a stream that cannot write for this long is ended",
  },
  {
    variable: "MYTHOS_HISTORY_FRAMES",
    defaultText: "1024",
    meaning: "events kept per player for `Last-Event-ID` replay; also each stream's buffer bound",
  },
  {
    variable: "MYTHOS_HISTORY_BYTES",
    defaultText: "1048576",
    meaning: "bytes kept per player for replay; also each stream's buffer bound",
  },
  {
    variable: "MYTHOS_HISTORY_MS",
    defaultText: "120000",
    meaning: "longest an event is kept for replay; at least the linkdead grace",
  },
  { variable: "MYTHOS_WORLD_DIR", defaultText: "data/world", meaning: "the world files" },
  { variable: "MYTHOS_STATIC_DIR", defaultText: "static", meaning: "the browser client" },
  {
    variable: "MYTHOS_LINKDEAD_GRACE_MS",
    defaultText: "60000",
    meaning: "how long a character stays in the world after its last stream drops",
  },
  { variable: "MYTHOS_MAX_STREAMS", defaultText: "4", meaning: "streams (tabs) per player" },
  {
    variable: "MYTHOS_AUTOSAVE_MS",
    defaultText: "5000",
    meaning: "interval between saves of changed players",
  },
  { variable: "MYTHOS_COMMAND_RATE", defaultText: "10", meaning: "commands per second per player" },
  {
    variable: "MYTHOS_COMMAND_BURST",
    defaultText: "20",
    meaning: "commands a player may send at once",
  },
  {
    variable: "MYTHOS_CLOCK_MS_PER_HOUR",
    defaultText: "60000",
    meaning: "real milliseconds per game hour",
  },
  { variable: "MYTHOS_NPC_TICK_MS", defaultText: "5000", meaning: "interval between NPC actions" },
  {
    variable: "MYTHOS_LUCIDITY_TICK_MS",
    defaultText: "10000",
    meaning: "interval between lucidity changes",
  },
  {
    variable: "MYTHOS_LOGIN_ATTEMPTS_PER_MINUTE",
    defaultText: "20",
    meaning: "login and registration attempts per address per minute",
  },
  {
    variable: "MYTHOS_LOGIN_FAILURES_PER_NAME",
    defaultText: "5",
    meaning: "failed logins for a name from one address before delays start",
  },
  {
    variable: "MYTHOS_MAX_CONNECTIONS",
    defaultText: "derived",
    meaning: "open connections at most; default: the open-file limit less a reserve",
  },
  {
    variable: "MYTHOS_HEADER_TIMEOUT_MS",
    defaultText: "10000",
    meaning: "a new connection must send its request headers within this",
  },
  {
    variable: "MYTHOS_BODY_TIMEOUT_MS",
    defaultText: "10000",
    meaning: "a request body must arrive within this",
  },
  {
    variable: "MYTHOS_IDLE_TIMEOUT_MS",
    defaultText: "60000",
    meaning: "a keep-alive connection idle between requests for this long is closed",
  },
  {
    variable: "MYTHOS_TRUSTED_PROXIES",
    defaultText: "empty",
    meaning: "proxy addresses whose `X-Forwarded-For` is believed",
  },
];

function integer(
  env: EnvReader,
  variable: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env(variable);
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(
      variable,
      `${variable} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

function oneOf<T extends string>(
  env: EnvReader,
  variable: string,
  accepted: readonly T[],
  fallback: T,
): T {
  const raw = env(variable);
  if (raw === undefined || raw === "") return fallback;
  const value = raw.trim().toLowerCase();
  if (!(accepted as readonly string[]).includes(value)) {
    throw new ConfigError(
      variable,
      `${variable} must be one of ${accepted.join(", ")}, got ${JSON.stringify(raw)}`,
    );
  }
  return value as T;
}

function publicUrl(env: EnvReader): URL {
  const variable = "MYTHOS_PUBLIC_URL";
  const raw = env(variable) || "http://localhost:8000";
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      variable,
      `${variable} must be an http or https origin such as https://mud.example, got ${
        JSON.stringify(raw)
      }`,
    );
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.pathname !== "/") {
    throw new ConfigError(
      variable,
      `${variable} must be an http or https origin with no path, got ${JSON.stringify(raw)}`,
    );
  }
  return url;
}

function passwordIterations(env: EnvReader): number {
  const variable = "MYTHOS_PASSWORD_COST";
  const raw = env(variable);
  if (raw === undefined || raw === "" || raw.trim().toLowerCase() === "strong") {
    return STRONG_PASSWORD_ITERATIONS;
  }
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1 || Number(raw) > 10_000_000) {
    throw new ConfigError(
      variable,
      `${variable} must be "strong" or a whole number of iterations from 1 to 10000000, got ${
        JSON.stringify(raw)
      }`,
    );
  }
  return Number(raw);
}

function adminToken(env: EnvReader): string | undefined {
  const variable = "MYTHOS_ADMIN_TOKEN";
  const raw = env(variable);
  if (raw === undefined || raw === "") return undefined;
  if (raw.length < 16 || /\s/.test(raw)) {
    throw new ConfigError(
      variable,
      `${variable} must be at least 16 characters with no spaces, or unset to turn admin routes off`,
    );
  }
  return raw;
}

function admins(env: EnvReader): string[] {
  const variable = "MYTHOS_ADMINS";
  const raw = env(variable) ?? "";
  const names = raw.split(",").map((name) => name.trim()).filter((name) => name !== "");
  for (const name of names) {
    if (!/^[A-Za-z]{3,20}$/.test(name)) {
      throw new ConfigError(
        variable,
        `${variable} must be comma-separated player names of 3 to 20 letters, got ${
          JSON.stringify(name)
        }`,
      );
    }
  }
  return names.map((name) => name.toLowerCase());
}

function optionalInteger(
  env: EnvReader,
  variable: string,
  min: number,
  max: number,
): number | undefined {
  const raw = env(variable);
  if (raw === undefined || raw.trim() === "") return undefined;
  return integer(env, variable, min, min, max);
}

function trustedProxies(env: EnvReader): string[] {
  const variable = "MYTHOS_TRUSTED_PROXIES";
  const raw = env(variable) ?? "";
  const addresses = raw.split(",").map((address) => address.trim()).filter((a) => a !== "");
  for (const address of addresses) {
    if (!/^[0-9a-fA-F.:]+$/.test(address) || !(address.includes(".") || address.includes(":"))) {
      throw new ConfigError(
        variable,
        `${variable} must be comma-separated IP addresses such as 127.0.0.1,::1, got ${
          JSON.stringify(address)
        }`,
      );
    }
  }
  return addresses.map((address) => address.toLowerCase());
}

/**
 * Reads the settings from the environment.
 *
 * @param env Reads one variable; defaults to `Deno.env.get`.
 * @throws {ConfigError} when a variable holds a value the server cannot use.
 */
export function loadConfig(env: EnvReader = (name) => Deno.env.get(name)): Config {
  const host = env("MYTHOS_HOST")?.trim() || "127.0.0.1";
  if (/[\s/]/.test(host)) {
    throw new ConfigError(
      "MYTHOS_HOST",
      `MYTHOS_HOST must be an address or host name such as 127.0.0.1 or 0.0.0.0, got ${
        JSON.stringify(host)
      }`,
    );
  }
  const config: Config = {
    port: integer(env, "MYTHOS_PORT", 8000, 0, 65535),
    host,
    dataDir: env("MYTHOS_DATA_DIR")?.trim() || "data",
    publicUrl: publicUrl(env),
    shutdownDeadlineMs: integer(env, "MYTHOS_SHUTDOWN_DEADLINE_MS", 10_000, 100, 600_000),
    adminToken: adminToken(env),
    admins: admins(env),
    passwordIterations: passwordIterations(env),
    logLevel: oneOf(env, "MYTHOS_LOG_LEVEL", LOG_LEVELS, "info"),
    heartbeatMs: integer(env, "MYTHOS_HEARTBEAT_MS", 15_000, 10, 3_600_000),
    stallTimeoutMs: integer(env, "MYTHOS_STALL_TIMEOUT_MS", 30_000, 10, 3_600_000),
    historyFrames: integer(env, "MYTHOS_HISTORY_FRAMES", 1024, 16, 1_000_000),
    historyBytes: integer(env, "MYTHOS_HISTORY_BYTES", 1_048_576, 4096, 1_073_741_824),
    worldDir: env("MYTHOS_WORLD_DIR")?.trim() || "data/world",
    staticDir: env("MYTHOS_STATIC_DIR")?.trim() || "static",
    linkdeadGraceMs: integer(env, "MYTHOS_LINKDEAD_GRACE_MS", 60_000, 10, 86_400_000),
    maxStreamsPerPlayer: integer(env, "MYTHOS_MAX_STREAMS", 4, 1, 64),
    autosaveMs: integer(env, "MYTHOS_AUTOSAVE_MS", 5000, 10, 3_600_000),
    commandRate: integer(env, "MYTHOS_COMMAND_RATE", 10, 1, 100_000),
    commandBurst: integer(env, "MYTHOS_COMMAND_BURST", 20, 1, 100_000),
    clockMsPerHour: integer(env, "MYTHOS_CLOCK_MS_PER_HOUR", 60_000, 10, 86_400_000),
    npcTickMs: integer(env, "MYTHOS_NPC_TICK_MS", 5000, 10, 3_600_000),
    lucidityTickMs: integer(env, "MYTHOS_LUCIDITY_TICK_MS", 10_000, 10, 3_600_000),
    loginAttemptsPerMinute: integer(env, "MYTHOS_LOGIN_ATTEMPTS_PER_MINUTE", 20, 1, 1_000_000),
    loginFailuresPerName: integer(env, "MYTHOS_LOGIN_FAILURES_PER_NAME", 5, 1, 1_000_000),
    historyMs: integer(env, "MYTHOS_HISTORY_MS", 120_000, 1000, 86_400_000),
    maxConnections: optionalInteger(env, "MYTHOS_MAX_CONNECTIONS", 1, 10_000_000),
    headerTimeoutMs: integer(env, "MYTHOS_HEADER_TIMEOUT_MS", 10_000, 10, 3_600_000),
    bodyTimeoutMs: integer(env, "MYTHOS_BODY_TIMEOUT_MS", 10_000, 10, 3_600_000),
    idleTimeoutMs: integer(env, "MYTHOS_IDLE_TIMEOUT_MS", 60_000, 10, 86_400_000),
    trustedProxies: trustedProxies(env),
  };
  // Replay must cover a reconnect at any moment of the grace.
  if (config.historyMs < config.linkdeadGraceMs) {
    throw new ConfigError(
      "MYTHOS_HISTORY_MS",
      `MYTHOS_HISTORY_MS (${config.historyMs}) must be at least MYTHOS_LINKDEAD_GRACE_MS (${config.linkdeadGraceMs}), so a reconnect within the grace can replay what it missed`,
    );
  }
  return config;
}

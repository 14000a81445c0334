/**
 * Server settings, read from `MYTHOS_*` environment variables.
 *
 * Each setting is written once, in {@linkcode SETTINGS}: its variable, its default, its bounds and
 * what it means. The {@linkcode Config} type, {@linkcode loadConfig}, the defaults components
 * fall back to ({@linkcode DEFAULTS}), the README check and `deno task start --help` all come
 * from that table. An invalid value is a {@linkcode ConfigError} that names the variable and the
 * accepted values; `main.ts` turns it into exit code 2.
 *
 * @module
 */

/** Log levels, least to most severe. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

/** One of {@linkcode LOG_LEVELS}. */
export type LogLevel = typeof LOG_LEVELS[number];

/** PBKDF2-SHA-256 iterations used when `MYTHOS_PASSWORD_COST` is `strong` (OWASP 2023). */
export const STRONG_PASSWORD_ITERATIONS = 600_000;

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

/** One setting: where it is read from, its default, what it means, and how it is parsed. */
export interface Setting<T> {
  /** Environment variable name. */
  readonly variable: string;
  /** The default as the README and `--help` show it. */
  readonly defaultText: string;
  /** What the setting means. */
  readonly meaning: string;
  /**
   * The value for `raw` (`undefined` or blank: the default).
   *
   * @throws {ConfigError} when `raw` is not acceptable.
   */
  parse(raw: string | undefined): T;
}

function isBlank(raw: string | undefined): raw is undefined | "" {
  return raw === undefined || raw.trim() === "";
}

function refuse(variable: string, expected: string, raw: string): never {
  throw new ConfigError(variable, `${variable} must be ${expected}, got ${JSON.stringify(raw)}`);
}

function wholeNumber(variable: string, raw: string, min: number, max: number): number {
  const value = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    refuse(variable, `a whole number from ${min} to ${max}`, raw);
  }
  return value;
}

/** A whole number within bounds. */
function integer(
  variable: string,
  fallback: number,
  bounds: { min: number; max: number },
  meaning: string,
): Setting<number> {
  return {
    variable,
    defaultText: String(fallback),
    meaning,
    parse: (raw) => isBlank(raw) ? fallback : wholeNumber(variable, raw, bounds.min, bounds.max),
  };
}

/** A whole number within bounds, or `undefined` when unset (the caller derives one). */
function derivedInteger(
  variable: string,
  bounds: { min: number; max: number },
  meaning: string,
): Setting<number | undefined> {
  return {
    variable,
    defaultText: "derived",
    meaning,
    parse: (raw) => isBlank(raw) ? undefined : wholeNumber(variable, raw, bounds.min, bounds.max),
  };
}

/** Text, checked by `check` (which returns what is expected, when `value` is not it). */
function text(
  variable: string,
  fallback: string,
  meaning: string,
  check: (value: string) => string | undefined = () => undefined,
): Setting<string> {
  return {
    variable,
    defaultText: fallback,
    meaning,
    parse: (raw) => {
      if (isBlank(raw)) return fallback;
      const value = raw.trim();
      const expected = check(value);
      if (expected !== undefined) refuse(variable, expected, raw);
      return value;
    },
  };
}

/** A comma-separated list, each entry checked. */
function list(
  variable: string,
  meaning: string,
  entry: { pattern: RegExp; expected: string; normalize: (value: string) => string },
): Setting<string[]> {
  return {
    variable,
    defaultText: "empty",
    meaning,
    parse: (raw) => {
      const values = (raw ?? "").split(",").map((value) => value.trim()).filter((v) => v !== "");
      for (const value of values) {
        if (!entry.pattern.test(value)) refuse(variable, entry.expected, value);
      }
      return values.map(entry.normalize);
    },
  };
}

/**
 * Every setting the server reads. Add a setting here and everything else (the type, the loader,
 * the README check, `--help`) follows.
 */
export const SETTINGS = {
  port: integer("MYTHOS_PORT", 8000, { min: 0, max: 65535 }, "HTTP port (`0` picks a free one)"),
  host: text(
    "MYTHOS_HOST",
    "127.0.0.1",
    "address to listen on",
    (value) =>
      /[\s/]/.test(value) ? "an address or host name such as 127.0.0.1 or 0.0.0.0" : undefined,
  ),
  dataDir: text("MYTHOS_DATA_DIR", "data", "where the Deno KV file lives"),
  publicUrl: {
    variable: "MYTHOS_PUBLIC_URL",
    defaultText: "http://localhost:8000",
    meaning: "the origin browsers use (origin checks; `Secure` cookies when https)",
    parse: (raw: string | undefined): URL => {
      const variable = "MYTHOS_PUBLIC_URL";
      const value = isBlank(raw) ? "http://localhost:8000" : raw.trim();
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        refuse(variable, "an http or https origin such as https://mud.example", value);
      }
      if ((url.protocol !== "http:" && url.protocol !== "https:") || url.pathname !== "/") {
        refuse(variable, "an http or https origin with no path", value);
      }
      return url;
    },
  },
  shutdownDeadlineMs: integer(
    "MYTHOS_SHUTDOWN_DEADLINE_MS",
    10_000,
    { min: 100, max: 600_000 },
    "hard bound on graceful shutdown",
  ),
  adminToken: {
    variable: "MYTHOS_ADMIN_TOKEN",
    defaultText: "unset",
    meaning: "bearer token for `/admin/*` and `/metrics`; unset turns them off",
    parse: (raw: string | undefined): string | undefined => {
      if (raw === undefined || raw === "") return undefined;
      if (raw.length < 16 || /\s/.test(raw)) {
        throw new ConfigError(
          "MYTHOS_ADMIN_TOKEN",
          "MYTHOS_ADMIN_TOKEN must be at least 16 characters with no spaces, or unset to turn admin routes off",
        );
      }
      return raw;
    },
  },
  admins: list(
    "MYTHOS_ADMINS",
    "comma-separated names of existing accounts given admin commands",
    {
      pattern: /^[A-Za-z]{3,20}$/,
      expected: "comma-separated player names of 3 to 20 letters",
      normalize: (name) => name.toLowerCase(),
    },
  ),
  passwordIterations: {
    variable: "MYTHOS_PASSWORD_COST",
    defaultText: "strong",
    meaning: "PBKDF2 iterations; `strong` is 600000. Lowered only by tests and benchmarks",
    parse: (raw: string | undefined): number => {
      if (isBlank(raw) || raw.trim().toLowerCase() === "strong") return STRONG_PASSWORD_ITERATIONS;
      const expected = '"strong" or a whole number of iterations from 1 to 10000000';
      if (!/^\d+$/.test(raw.trim())) refuse("MYTHOS_PASSWORD_COST", expected, raw);
      const value = Number(raw.trim());
      if (value < 1 || value > 10_000_000) refuse("MYTHOS_PASSWORD_COST", expected, raw);
      return value;
    },
  },
  logLevel: {
    variable: "MYTHOS_LOG_LEVEL",
    defaultText: "info",
    meaning: "`debug`, `info`, `warn` or `error`",
    parse: (raw: string | undefined): LogLevel => {
      if (isBlank(raw)) return "info";
      const value = raw.trim().toLowerCase();
      if (!(LOG_LEVELS as readonly string[]).includes(value)) {
        refuse("MYTHOS_LOG_LEVEL", `one of ${LOG_LEVELS.join(", ")}`, raw);
      }
      return value as LogLevel;
    },
  },
  heartbeatMs: integer(
    "MYTHOS_HEARTBEAT_MS",
    15_000,
    { min: 10, max: 3_600_000 },
    "interval between `stream.ping` frames",
  ),
  stallTimeoutMs: integer(
    "MYTHOS_STALL_TIMEOUT_MS",
    30_000,
    { min: 10, max: 3_600_000 },
    "a stream that cannot write for this long is ended",
  ),
  historyFrames: integer(
    "MYTHOS_HISTORY_FRAMES",
    1024,
    { min: 16, max: 1_000_000 },
    "events kept per log (each player's, each occupied room's, the broadcasts') for `Last-Event-ID` replay; also each stream's buffer bound",
  ),
  historyBytes: integer(
    "MYTHOS_HISTORY_BYTES",
    1_048_576,
    { min: 4096, max: 1_073_741_824 },
    "bytes kept per log for replay; also each stream's buffer bound",
  ),
  historyMs: integer(
    "MYTHOS_HISTORY_MS",
    120_000,
    { min: 1000, max: 86_400_000 },
    "longest an event is kept for replay; at least the linkdead grace",
  ),
  worldDir: text("MYTHOS_WORLD_DIR", "data/world", "the world files"),
  staticDir: text("MYTHOS_STATIC_DIR", "static", "the browser client"),
  linkdeadGraceMs: integer(
    "MYTHOS_LINKDEAD_GRACE_MS",
    60_000,
    { min: 10, max: 86_400_000 },
    "how long a character stays in the world after its last stream drops",
  ),
  maxStreamsPerPlayer: integer(
    "MYTHOS_MAX_STREAMS",
    4,
    { min: 1, max: 64 },
    "streams (tabs) per player",
  ),
  autosaveMs: integer(
    "MYTHOS_AUTOSAVE_MS",
    5000,
    { min: 10, max: 3_600_000 },
    "interval between saves of changed players",
  ),
  commandRate: integer(
    "MYTHOS_COMMAND_RATE",
    10,
    { min: 1, max: 100_000 },
    "commands per second per player",
  ),
  commandBurst: integer(
    "MYTHOS_COMMAND_BURST",
    20,
    { min: 1, max: 100_000 },
    "commands a player may send at once",
  ),
  clockMsPerHour: integer(
    "MYTHOS_CLOCK_MS_PER_HOUR",
    60_000,
    { min: 10, max: 86_400_000 },
    "real milliseconds per game hour",
  ),
  npcTickMs: integer(
    "MYTHOS_NPC_TICK_MS",
    5000,
    { min: 10, max: 3_600_000 },
    "interval between NPC actions",
  ),
  lucidityTickMs: integer(
    "MYTHOS_LUCIDITY_TICK_MS",
    10_000,
    { min: 10, max: 3_600_000 },
    "interval between lucidity changes",
  ),
  combatTickMs: integer(
    "MYTHOS_COMBAT_TICK_MS",
    2000,
    { min: 10, max: 3_600_000 },
    "interval between combat rounds (every fight advances at once)",
  ),
  loginAttemptsPerMinute: integer(
    "MYTHOS_LOGIN_ATTEMPTS_PER_MINUTE",
    20,
    { min: 1, max: 1_000_000 },
    "login and registration attempts per address per minute",
  ),
  loginFailuresPerName: integer(
    "MYTHOS_LOGIN_FAILURES_PER_NAME",
    5,
    { min: 1, max: 1_000_000 },
    "failed logins for a name from one address before delays start",
  ),
  maxConnections: derivedInteger(
    "MYTHOS_MAX_CONNECTIONS",
    { min: 1, max: 10_000_000 },
    "open connections at most; default: the open-file limit less a reserve",
  ),
  headerTimeoutMs: integer(
    "MYTHOS_HEADER_TIMEOUT_MS",
    10_000,
    { min: 10, max: 3_600_000 },
    "a new connection must send its request headers within this",
  ),
  bodyTimeoutMs: integer(
    "MYTHOS_BODY_TIMEOUT_MS",
    10_000,
    { min: 10, max: 3_600_000 },
    "a request body must arrive within this",
  ),
  idleTimeoutMs: integer(
    "MYTHOS_IDLE_TIMEOUT_MS",
    60_000,
    { min: 10, max: 86_400_000 },
    "a keep-alive connection idle between requests for this long is closed",
  ),
  databaseUrl: {
    variable: "MYTHOS_DATABASE_URL",
    defaultText: "unset",
    meaning: "PostgreSQL URL (`postgres://user@host:port/db`) to use instead of Deno KV",
    parse: (raw: string | undefined): string | undefined => {
      if (isBlank(raw)) return undefined;
      const variable = "MYTHOS_DATABASE_URL";
      let url: URL;
      try {
        url = new URL(raw.trim());
      } catch {
        return refuse(variable, "a URL such as postgres://mythos@127.0.0.1:5432/mythos", raw);
      }
      if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
        refuse(variable, "a postgres:// or postgresql:// URL", raw);
      }
      if (url.hostname === "" || url.pathname.length <= 1) {
        refuse(variable, "a URL naming a host and a database", raw);
      }
      return raw.trim();
    },
  },
  redisUrl: {
    variable: "MYTHOS_REDIS_URL",
    defaultText: "unset",
    meaning: "Redis URL (`redis://host:port`) the cluster roles meet through",
    parse: (raw: string | undefined): string | undefined => {
      if (isBlank(raw)) return undefined;
      const variable = "MYTHOS_REDIS_URL";
      let url: URL;
      try {
        url = new URL(raw.trim());
      } catch {
        return refuse(variable, "a URL such as redis://127.0.0.1:6379", raw);
      }
      if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
        refuse(variable, "a redis:// or rediss:// URL", raw);
      }
      if (url.hostname === "") refuse(variable, "a URL naming a host", raw);
      return raw.trim();
    },
  },
  role: {
    variable: "MYTHOS_ROLE",
    defaultText: "all",
    meaning:
      "`all` (one process), or in a cluster `world` (runs the game) or `edge` (serves players)",
    parse: (raw: string | undefined): "all" | "world" | "edge" => {
      if (isBlank(raw)) return "all";
      const value = raw.trim().toLowerCase();
      if (value !== "all" && value !== "world" && value !== "edge") {
        return refuse("MYTHOS_ROLE", "all, world or edge", raw);
      }
      return value;
    },
  },
  nodeId: text(
    "MYTHOS_NODE_ID",
    "",
    "this node's name in the cluster (default: role, host name and a random suffix)",
    (value) =>
      /^[A-Za-z0-9_.-]{1,64}$/.test(value) ? undefined : "1 to 64 letters, digits, '.', '_' or '-'",
  ),
  worldDeadlineMs: integer(
    "MYTHOS_WORLD_DEADLINE_MS",
    5_000,
    { min: 100, max: 120_000 },
    "an edge answers 503 when the world has not answered a request within this",
  ),
  worldLeaseMs: integer(
    "MYTHOS_WORLD_LEASE_MS",
    3_000,
    { min: 300, max: 600_000 },
    "how long the world lease lasts unrenewed: a standby takes over this long after the world node stops",
  ),
  nodeTtlMs: integer(
    "MYTHOS_NODE_TTL_MS",
    5_000,
    { min: 300, max: 600_000 },
    "a node that has not sent a heartbeat for this long counts as stopped (its streams dropped)",
  ),
  trustedProxies: list(
    "MYTHOS_TRUSTED_PROXIES",
    "proxy addresses whose `X-Forwarded-For` is believed",
    {
      pattern: /^(?=.*[.:])[0-9a-fA-F.:]+$/,
      expected: "comma-separated IP addresses such as 127.0.0.1,::1",
      normalize: (address) => address.toLowerCase(),
    },
  ),
};

/** The value type of a setting. */
type ValueOf<S> = S extends Setting<infer T> ? T : never;

/** The server's settings, one field per entry of {@linkcode SETTINGS}. */
export type Config = { [K in keyof typeof SETTINGS]: ValueOf<typeof SETTINGS[K]> };

/** Every setting, in the order of {@linkcode SETTINGS}. */
export const SETTING_LIST: readonly Setting<unknown>[] = Object.values(SETTINGS);

/**
 * Reads the settings from the environment.
 *
 * @param env Reads one variable; defaults to `Deno.env.get`.
 * @throws {ConfigError} when a variable holds a value the server cannot use.
 */
export function loadConfig(env: EnvReader = (name) => Deno.env.get(name)): Config {
  const config: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(SETTINGS)) {
    config[key] = setting.parse(env(setting.variable));
  }
  const loaded = config as Config;
  // Replay must cover a reconnect at any moment of the grace.
  if (loaded.historyMs < loaded.linkdeadGraceMs) {
    throw new ConfigError(
      "MYTHOS_HISTORY_MS",
      `MYTHOS_HISTORY_MS (${loaded.historyMs}) must be at least MYTHOS_LINKDEAD_GRACE_MS (${loaded.linkdeadGraceMs}), so a reconnect within the grace can replay what it missed`,
    );
  }
  if (loaded.role !== "all") {
    // A cluster's nodes meet only through Redis and PostgreSQL: a role without either is a
    // mistake, not a single process.
    if (loaded.redisUrl === undefined) {
      throw new ConfigError(
        "MYTHOS_REDIS_URL",
        `MYTHOS_ROLE=${loaded.role} needs MYTHOS_REDIS_URL (redis://host:port)`,
      );
    }
    if (loaded.databaseUrl === undefined) {
      throw new ConfigError(
        "MYTHOS_DATABASE_URL",
        `MYTHOS_ROLE=${loaded.role} needs MYTHOS_DATABASE_URL (postgres://user@host:port/db)`,
      );
    }
  }
  return loaded;
}

/** Every setting at its default: what components fall back to when not given a value. */
export const DEFAULTS: Readonly<Config> = Object.freeze(loadConfig(() => undefined));

/** The settings as `deno task start --help` prints them. */
export function settingsHelp(): string {
  const width = Math.max(...SETTING_LIST.map((setting) => setting.variable.length));
  const lines = SETTING_LIST.map((setting) =>
    `  ${setting.variable.padEnd(width)}  ${setting.meaning} (default: ${setting.defaultText})`
  );
  return [
    "MythosMUD server. Every setting is an environment variable; none is required.",
    "",
    ...lines,
  ].join("\n");
}

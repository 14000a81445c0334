import { assertEquals, assertThrows } from "@std/assert";
import {
  ConfigError,
  loadConfig,
  SETTING_LIST,
  settingsHelp,
  STRONG_PASSWORD_ITERATIONS,
} from "../lib/config.ts";

function from(env: Record<string, string>) {
  return loadConfig((name) => env[name]);
}

Deno.test("loadConfig() gives the embedded defaults when nothing is set", () => {
  const config = from({});
  assertEquals(config.port, 8000);
  assertEquals(config.host, "127.0.0.1");
  assertEquals(config.dataDir, "data");
  assertEquals(config.publicUrl.href, "http://localhost:8000/");
  assertEquals(config.shutdownDeadlineMs, 10_000);
  assertEquals(config.adminToken, undefined);
  assertEquals(config.admins, []);
  assertEquals(config.passwordIterations, STRONG_PASSWORD_ITERATIONS);
  assertEquals(config.logLevel, "info");
  assertEquals(config.heartbeatMs, 15_000);
  assertEquals(config.stallTimeoutMs, 30_000);
});

Deno.test("loadConfig() reads every variable", () => {
  const config = from({
    MYTHOS_PORT: "0",
    MYTHOS_HOST: "0.0.0.0",
    MYTHOS_DATA_DIR: "/var/lib/mythos",
    MYTHOS_PUBLIC_URL: "https://mud.example",
    MYTHOS_SHUTDOWN_DEADLINE_MS: "2500",
    MYTHOS_ADMIN_TOKEN: "a-very-long-admin-token",
    MYTHOS_ADMINS: "Armitage, wilmarth",
    MYTHOS_PASSWORD_COST: "1000",
    MYTHOS_LOG_LEVEL: "DEBUG",
    MYTHOS_HEARTBEAT_MS: "50",
  });
  assertEquals(config.port, 0);
  assertEquals(config.host, "0.0.0.0");
  assertEquals(config.dataDir, "/var/lib/mythos");
  assertEquals(config.publicUrl.origin, "https://mud.example");
  assertEquals(config.shutdownDeadlineMs, 2500);
  assertEquals(config.adminToken, "a-very-long-admin-token");
  assertEquals(config.admins, ["armitage", "wilmarth"]);
  assertEquals(config.passwordIterations, 1000);
  assertEquals(config.logLevel, "debug");
  assertEquals(config.heartbeatMs, 50);
});

Deno.test("loadConfig() names the variable and the accepted values for a bad setting", () => {
  const cases: [Record<string, string>, string][] = [
    [{ MYTHOS_PORT: "eighty" }, "MYTHOS_PORT must be a whole number from 0 to 65535"],
    [{ MYTHOS_PORT: "70000" }, "MYTHOS_PORT must be a whole number from 0 to 65535"],
    [{ MYTHOS_PORT: "-1" }, "MYTHOS_PORT must be a whole number"],
    [{ MYTHOS_LOG_LEVEL: "loud" }, "MYTHOS_LOG_LEVEL must be one of debug, info, warn, error"],
    [{ MYTHOS_PUBLIC_URL: "mud" }, "MYTHOS_PUBLIC_URL must be an http or https origin"],
    [{ MYTHOS_PUBLIC_URL: "ftp://mud.example" }, "MYTHOS_PUBLIC_URL must be an http or https"],
    [{ MYTHOS_PUBLIC_URL: "https://a.example/game" }, "with no path"],
    [{ MYTHOS_SHUTDOWN_DEADLINE_MS: "5" }, "MYTHOS_SHUTDOWN_DEADLINE_MS must be a whole number"],
    [{ MYTHOS_ADMIN_TOKEN: "short" }, "MYTHOS_ADMIN_TOKEN must be at least 16 characters"],
    [{ MYTHOS_ADMINS: "ok,no way" }, "MYTHOS_ADMINS must be comma-separated player names"],
    [{ MYTHOS_PASSWORD_COST: "cheap" }, 'MYTHOS_PASSWORD_COST must be "strong" or a whole number'],
    [{ MYTHOS_HOST: "a b" }, "MYTHOS_HOST must be an address"],
  ];
  for (const [env, message] of cases) {
    const error = assertThrows(() => from(env), ConfigError, message);
    assertEquals(error.variable, Object.keys(env)[0]);
  }
});

Deno.test("the replay history must cover the linkdead grace", () => {
  const error = assertThrows(
    () => from({ MYTHOS_LINKDEAD_GRACE_MS: "300000", MYTHOS_HISTORY_MS: "60000" }),
    ConfigError,
    "MYTHOS_HISTORY_MS (60000) must be at least MYTHOS_LINKDEAD_GRACE_MS (300000)",
  );
  assertEquals(error.variable, "MYTHOS_HISTORY_MS");
  assertEquals(
    from({ MYTHOS_LINKDEAD_GRACE_MS: "300000", MYTHOS_HISTORY_MS: "300000" }).historyMs,
    300_000,
  );
});

Deno.test("the README's settings table lists every setting with its default", async () => {
  const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
  for (const setting of SETTING_LIST) {
    const row = readme.split("\n").find((line) => line.startsWith(`| \`${setting.variable}\``));
    assertEquals(
      row?.includes(`\`${setting.defaultText}\``) || row?.includes(` ${setting.defaultText} `),
      true,
      `README row for ${setting.variable} with default ${setting.defaultText}`,
    );
  }
  const documented = [...readme.matchAll(/^\| `(MYTHOS_[A-Z_]+)`/gm)].map((match) => match[1]);
  assertEquals(documented.sort(), SETTING_LIST.map((setting) => setting.variable).sort());
});

Deno.test("--help lists every setting with its meaning and default", () => {
  const help = settingsHelp();
  for (const setting of SETTING_LIST) {
    const row = help.split("\n").find((line) => line.trim().startsWith(setting.variable));
    assertEquals(row?.includes(`(default: ${setting.defaultText})`), true, setting.variable);
  }
});

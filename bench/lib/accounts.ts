/**
 * Registering many players for a benchmark, over the real HTTP API.
 *
 * @module
 */

import { botName, eachLimited } from "./bot.ts";

/** The password every benchmark player registered here uses. */
const PASSWORD = "bench password";

/**
 * Registers `count` players named `prefix` + letters (`botName`), 16 at a time, and answers
 * their session cookie headers in order.
 */
export async function registerPlayers(
  base: URL,
  prefix: string,
  count: number,
): Promise<string[]> {
  const cookies: string[] = new Array(count);
  await eachLimited([...Array(count).keys()], 16, async (n) => {
    const name = botName(prefix, n);
    const response = await fetch(new URL("/api/accounts", base), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name, password: PASSWORD }),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`registering ${name}: ${response.status}`);
    cookies[n] = response.headers.getSetCookie().map((cookie) => cookie.split(";")[0]).join("; ");
  });
  return cookies;
}

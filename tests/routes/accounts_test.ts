import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { setCookies } from "../support/cookies.ts";
import { postJson, TEST_PASSWORD, TestPlayer } from "../support/player.ts";
import { present } from "../support/present.ts";
import { startTestServer } from "../support/server.ts";

async function errorOf(
  response: Response,
): Promise<{ status: number; code: string; message: string }> {
  const body = await response.json();
  return { status: response.status, code: body.error.code, message: body.error.message };
}

Deno.test("register sets an HttpOnly, SameSite=Strict session cookie and creates the character", async () => {
  await using test = await startTestServer();
  const response = await postJson(test.url, "/api/accounts", {
    name: "armitage",
    password: TEST_PASSWORD,
  });
  assertEquals(response.status, 201);
  assertEquals(await response.json(), { player: { name: "Armitage" } });
  const cookie = present(setCookies(response).get("mythos_session"), "the session cookie");
  assertMatch(cookie.value, /^[A-Za-z0-9_-]{43}$/);
  const attributes = cookie.attributes.map((a) => a.toLowerCase());
  for (const expected of ["httponly", "samesite=strict", "path=/"]) {
    assert(attributes.includes(expected), `cookie has ${expected}`);
  }
  assert(!attributes.includes("secure"), "no Secure flag over plain http");
  assert(attributes.some((a) => a.startsWith("max-age=604800")), "the cookie lives seven days");
});

Deno.test("register, log in, me, log out over real HTTP", async () => {
  await using test = await startTestServer();
  await TestPlayer.register(test.url, "Wilmarth");
  const player = await TestPlayer.login(test.url, "WILMARTH");
  const me = await player.me();
  assertEquals(me.name, "Wilmarth");
  assertEquals(me.inWorld, false);
  assertEquals((me.room as { id: string }).id, "arkham.station");
  assertEquals((me.stats as { lucidity: number }).lucidity, 100);
  const logout = await player.logout();
  assertEquals(logout.status, 204);
  const after = await fetch(new URL("/api/me", test.url), { headers: { cookie: player.cookie } });
  assertEquals((await errorOf(after)).status, 401, "the session is gone after logout");
});

Deno.test("GET /api/session answers 200 whether or not anyone is signed in", async () => {
  await using test = await startTestServer();
  const anonymous = await fetch(new URL("/api/session", test.url));
  assertEquals(anonymous.status, 200);
  assertEquals(anonymous.headers.get("cache-control"), "no-store");
  assertEquals(await anonymous.json(), { signedIn: false });
  const player = await TestPlayer.register(test.url, "Wilmarth");
  const signed = await fetch(new URL("/api/session", test.url), {
    headers: { cookie: player.cookie },
  });
  const body = await signed.json();
  assertEquals([signed.status, body.signedIn, body.player.name], [200, true, "Wilmarth"]);
  await player.logout();
  const after = await fetch(new URL("/api/session", test.url), {
    headers: { cookie: player.cookie },
  });
  assertEquals(await after.json(), { signedIn: false }, "the session is gone after logout");
});

Deno.test("register refuses bad names and passwords, and a name taken in any case", async () => {
  await using test = await startTestServer();
  const cases: [unknown, string, number, string][] = [
    [{ name: "ab", password: TEST_PASSWORD }, "invalid_name", 400, "3 to 20 letters"],
    [{ name: "Lovecraft1", password: TEST_PASSWORD }, "invalid_name", 400, "3 to 20 letters"],
    [{ name: "a".repeat(21), password: TEST_PASSWORD }, "invalid_name", 400, "3 to 20 letters"],
    [{ name: "Cthulhu", password: TEST_PASSWORD }, "invalid_name", 400, "reserved"],
    [{ name: "Admin", password: TEST_PASSWORD }, "invalid_name", 400, "reserved"],
    [{ name: "Carter", password: "short" }, "invalid_password", 400, "8 to 128"],
    [{ name: "Carter", password: "x".repeat(129) }, "invalid_password", 400, "8 to 128"],
    [{ name: 42, password: TEST_PASSWORD }, "invalid_name", 400, "text"],
  ];
  for (const [body, code, status, message] of cases) {
    const error = await errorOf(await postJson(test.url, "/api/accounts", body));
    assertEquals([error.status, error.code], [status, code], JSON.stringify(body));
    assertStringIncludes(error.message, message);
  }
  await TestPlayer.register(test.url, "Carter");
  const taken = await errorOf(
    await postJson(test.url, "/api/accounts", { name: "cARTER", password: TEST_PASSWORD }),
  );
  assertEquals([taken.status, taken.code], [409, "name_taken"]);
});

Deno.test("a name that looks like a taken one is taken too", async () => {
  await using test = await startTestServer();
  await (await TestPlayer.register(test.url, "Armitage"))[Symbol.asyncDispose]();
  await (await TestPlayer.register(test.url, "Wilmarth"))[Symbol.asyncDispose]();
  await (await TestPlayer.register(test.url, "Lavinia"))[Symbol.asyncDispose]();
  for (const name of ["Arrnitage", "ARRNITAGE", "Wilrnarth", "Iavinia", "Lavlnla"]) {
    const taken = await errorOf(
      await postJson(test.url, "/api/accounts", { name, password: TEST_PASSWORD }),
    );
    assertEquals([taken.status, taken.code], [409, "name_taken"], name);
  }
  await (await TestPlayer.register(test.url, "Armstrong"))[Symbol.asyncDispose]();
});

Deno.test("every bad credential gets the same 401 message", async () => {
  await using test = await startTestServer();
  await TestPlayer.register(test.url, "Pickman");
  const attempts = [
    { name: "Pickman", password: "wrong password" },
    { name: "Nobody", password: TEST_PASSWORD },
    { name: "Pickman", password: "" },
    { name: "x", password: TEST_PASSWORD },
    { name: 7, password: 7 },
  ];
  const messages = new Set<string>();
  for (const body of attempts) {
    const error = await errorOf(await postJson(test.url, "/api/sessions", body));
    assertEquals([error.status, error.code], [401, "bad_credentials"], JSON.stringify(body));
    messages.add(error.message);
  }
  assertEquals(messages.size, 1);
});

Deno.test("bad requests get a clear error: oversized, malformed, wrong type, cross-origin", async () => {
  await using test = await startTestServer();
  const big = await postJson(test.url, "/api/accounts", {
    name: "Olmstead",
    password: "x".repeat(5000),
  });
  assertEquals((await errorOf(big)).status, 413);
  const chunked = await fetch(new URL("/api/accounts", test.url), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: new ReadableStream({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode("x".repeat(1000)));
        controller.close();
      },
    }),
  });
  assertEquals((await errorOf(chunked)).status, 413, "a chunked body is limited too");
  const malformed = await fetch(new URL("/api/sessions", test.url), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{not json",
  });
  assertEquals(await errorOf(malformed), {
    status: 400,
    code: "bad_json",
    message: "The body is not valid JSON",
  });
  const array = await postJson(test.url, "/api/sessions", [1, 2]);
  assertEquals((await errorOf(array)).code, "bad_json");
  const form = await fetch(new URL("/api/sessions", test.url), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "name=a&password=b",
  });
  assertEquals((await errorOf(form)).status, 415);
  const crossOrigin = await postJson(test.url, "/api/accounts", {
    name: "Olmstead",
    password: TEST_PASSWORD,
  }, {
    origin: "https://evil.example",
  });
  assertEquals((await errorOf(crossOrigin)).status, 403);
  const crossSite = await postJson(test.url, "/api/accounts", {
    name: "Olmstead",
    password: TEST_PASSWORD,
  }, {
    "sec-fetch-site": "cross-site",
  });
  assertEquals((await errorOf(crossSite)).status, 403);
  const sameOrigin = await postJson(test.url, "/api/accounts", {
    name: "Olmstead",
    password: TEST_PASSWORD,
  }, {
    origin: test.url.origin,
    "sec-fetch-site": "same-origin",
  });
  assertEquals(sameOrigin.status, 201);
  await sameOrigin.body?.cancel();
});

Deno.test("a forged, expired or missing cookie gets 401 and changes nothing", async () => {
  await using test = await startTestServer();
  for (const cookie of ["", "mythos_session=forged", `mythos_session=${"A".repeat(43)}`]) {
    const me = await fetch(new URL("/api/me", test.url), { headers: { cookie } });
    assertEquals((await errorOf(me)).status, 401);
    const events = await fetch(new URL("/api/events", test.url), { headers: { cookie } });
    assertEquals((await errorOf(events)).status, 401);
    const command = await fetch(new URL("/api/commands", test.url), {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body: JSON.stringify({ command: "look" }),
    });
    assertEquals((await errorOf(command)).status, 401);
  }
});

Deno.test("wrong passwords slow that name from that address with 429 and Retry-After, but never lock out the owner elsewhere", async () => {
  await using test = await startTestServer({
    env: {
      MYTHOS_LOGIN_FAILURES_PER_NAME: "3",
      MYTHOS_LOGIN_ATTEMPTS_PER_MINUTE: "100",
      MYTHOS_TRUSTED_PROXIES: "127.0.0.1",
    },
  });
  await (await TestPlayer.register(test.url, "Whateley"))[Symbol.asyncDispose]();
  const from = (address: string) => ({ "x-forwarded-for": address });
  for (let i = 0; i < 3; i++) {
    const wrong = await postJson(test.url, "/api/sessions", {
      name: "Whateley",
      password: "not the password",
    }, from("203.0.113.9"));
    assertEquals(wrong.status, 401);
    await wrong.body?.cancel();
  }
  const blocked = await postJson(test.url, "/api/sessions", {
    name: "whateley",
    password: TEST_PASSWORD,
  }, from("203.0.113.9"));
  assertEquals(blocked.status, 429);
  assert(Number(blocked.headers.get("retry-after")) > 0);
  assertEquals((await blocked.json()).error.code, "too_many_attempts");
  const owner = await postJson(test.url, "/api/sessions", {
    name: "Whateley",
    password: TEST_PASSWORD,
  }, from("198.51.100.7"));
  assertEquals(owner.status, 200, "the owner logs in from their own address");
  await owner.body?.cancel();
});

Deno.test("login attempts are limited per address across names with 429", async () => {
  await using test = await startTestServer({ env: { MYTHOS_LOGIN_ATTEMPTS_PER_MINUTE: "4" } });
  const statuses = [];
  for (let i = 0; i < 5; i++) {
    const other = await postJson(test.url, "/api/sessions", {
      name: `Other${"x".repeat(i)}`,
      password: "wrong wrong",
    });
    statuses.push(other.status);
    await other.body?.cancel();
  }
  assertEquals(statuses, [401, 401, 401, 401, 429]);
});

Deno.test("X-Forwarded-For counts only from a trusted proxy, and only the address the proxy added", async () => {
  for (const trusted of [false, true]) {
    await using test = await startTestServer({
      env: {
        MYTHOS_LOGIN_ATTEMPTS_PER_MINUTE: "2",
        ...(trusted ? { MYTHOS_TRUSTED_PROXIES: "127.0.0.1,::1" } : {}),
      },
    });
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      // A client's own claim comes first; the proxy appends the address it saw.
      const response = await postJson(test.url, "/api/sessions", {
        name: "Nobody",
        password: "wrong wrong",
      }, { "x-forwarded-for": `10.0.0.${i}, 192.0.2.${i}` });
      statuses.push(response.status);
      await response.body?.cancel();
    }
    assertEquals(
      statuses,
      trusted ? [401, 401, 401, 401] : [401, 401, 429, 429],
      trusted ? "each forwarded client has its own limit" : "an untrusted header is ignored",
    );
  }
});

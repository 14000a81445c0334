/**
 * Changing a password and logging out everywhere.
 */

import { assertEquals } from "@std/assert";
import { postJson, TEST_PASSWORD, TestPlayer } from "../support/player.ts";
import { startTestServer } from "../support/server.ts";

const NEW_PASSWORD = "a much better passphrase";

function changePassword(player: TestPlayer, body: unknown): Promise<Response> {
  return fetch(new URL("/api/me/password", player.base), {
    method: "POST",
    headers: { "content-type": "application/json", cookie: player.cookie },
    body: JSON.stringify(body),
  });
}

async function status(response: Promise<Response>): Promise<[number, string | undefined]> {
  const answer = await response;
  const text = await answer.text();
  return [answer.status, text === "" ? undefined : JSON.parse(text).error?.code];
}

function me(player: TestPlayer): Promise<Response> {
  return fetch(new URL("/api/me", player.base), { headers: { cookie: player.cookie } });
}

Deno.test("changing the password needs the current one, ends every other session and its streams, and keeps this one", async () => {
  await using test = await startTestServer();
  await using laptop = await TestPlayer.register(test.url, "Marsh");
  await using phone = await TestPlayer.login(test.url, "Marsh");
  await phone.connect();
  await phone.expect("room.look");
  await laptop.connect();
  await laptop.expect("room.look");

  assertEquals(
    await status(changePassword(laptop, { password: "wrong one!", newPassword: NEW_PASSWORD })),
    [401, "bad_credentials"],
  );
  assertEquals(
    await status(changePassword(laptop, { password: TEST_PASSWORD, newPassword: "short" })),
    [400, "invalid_password"],
  );
  assertEquals(await status(me(phone)), [200, undefined], "nothing changed yet");

  assertEquals(
    await status(changePassword(laptop, { password: TEST_PASSWORD, newPassword: NEW_PASSWORD })),
    [204, undefined],
  );
  assertEquals(await status(me(phone)), [401, "unauthorized"], "the other session is over");
  const ended = await phone.stream.rest();
  assertEquals(ended.at(-1)?.event, "stream.superseded", "and its stream ended");
  assertEquals(await status(me(laptop)), [200, undefined], "this session goes on");
  await laptop.do("say still here");
  await laptop.expect("room.say");

  assertEquals(
    await status(postJson(test.url, "/api/sessions", { name: "Marsh", password: TEST_PASSWORD })),
    [401, "bad_credentials"],
  );
  const fresh = await TestPlayer.login(test.url, "Marsh", NEW_PASSWORD);
  await fresh[Symbol.asyncDispose]();
});

Deno.test("logging out everywhere ends every session and takes the character out of the world", async () => {
  await using test = await startTestServer();
  await using laptop = await TestPlayer.register(test.url, "Gilman");
  await using phone = await TestPlayer.login(test.url, "Gilman");
  await laptop.connect();
  await laptop.expect("room.look");
  const answer = await fetch(new URL("/api/me/sessions", test.url), {
    method: "DELETE",
    headers: { cookie: phone.cookie },
  });
  await answer.body?.cancel();
  assertEquals(answer.status, 204);
  assertEquals(await status(me(laptop)), [401, "unauthorized"]);
  assertEquals(await status(me(phone)), [401, "unauthorized"]);
  assertEquals((await laptop.stream.rest()).at(-1)?.event, "stream.superseded");
  const again = await fetch(new URL("/api/me/sessions", test.url), {
    method: "DELETE",
    headers: { cookie: phone.cookie },
  });
  assertEquals(await status(Promise.resolve(again)), [401, "unauthorized"]);
});

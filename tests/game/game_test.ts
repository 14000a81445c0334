import { assertEquals } from "@std/assert";
import { testGame } from "../support/game.ts";

Deno.test("a game that stopped accepting runs no command", async () => {
  await using test = await testGame();
  const ann = await test.join("Ann");
  test.game.stopAccepting();
  assertEquals(await test.game.submit(ann.state.id, "north"), {
    accepted: false,
    reason: "closing",
  });
  assertEquals(ann.state.room, "arkham.station");
});

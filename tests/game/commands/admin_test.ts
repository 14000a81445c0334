import { assert, assertEquals } from "@std/assert";
import { Supervisor } from "../../../lib/lifecycle/supervisor.ts";
import { COUNTDOWN_TASK, ShutdownCountdown } from "../../../lib/game/shutdown_countdown.ts";
import { testGame } from "../../support/game.ts";
import { waitFor } from "../../support/wait.ts";

Deno.test("admins teleport players, go to rooms and players, and broadcast", async () => {
  await using test = await testGame({ admins: ["Ada"] });
  const ada = await test.join("Ada", "arkham.station");
  const bob = await test.join("Bob", "arkham.station");
  const cat = await test.join("Cat", "mu.quad");
  assertEquals([ada.state.admin, bob.state.admin], [true, false]);
  bob.events();
  await ada.run("teleport bob witch house");
  assertEquals(bob.state.room, "arkham.witch_house");
  const seen = bob.events();
  assertEquals(seen[0]?.data.code, "admin.teleported");
  assert(seen.some((event) => event.type === "room.look"));
  await ada.run("goto cat");
  assertEquals(ada.state.room, "mu.quad");
  await ada.run("goto san.cellar");
  assertEquals(ada.state.room, "san.cellar");
  cat.events();
  await ada.run("broadcast The library closes early tonight.");
  assertEquals(cat.events(), [{
    type: "system.notice",
    data: { text: "The library closes early tonight.", code: "admin.broadcast", from: "Ada" },
  }]);
  ada.events();
  await ada.run("teleport bob nowhere-at-all");
  assertEquals(ada.events().at(-1)?.data.code, "no_such_room");
});

Deno.test("kick takes a player out of the world and ends their streams", async () => {
  await using test = await testGame({ admins: ["ada"] });
  const ada = await test.join("Ada");
  const bob = await test.join("Bob");
  const bobStream = test.bus.subscribe(bob.state.id);
  ada.events();
  await ada.run("kick bob");
  assertEquals(test.game.world.player(bob.state.id), undefined);
  const superseded = await bobStream.next();
  assertEquals(superseded.value?.type, "stream.superseded");
  assertEquals((await bobStream.next()).done, true);
  assert(ada.events().some((event) => event.type === "room.leave" && event.data.who === "Bob"));
});

Deno.test("admin commands are unknown commands for anyone else", async () => {
  await using test = await testGame({ admins: ["ada"] });
  const bob = await test.join("Bob");
  for (
    const command of [
      "teleport ada mu.quad",
      "goto mu.quad",
      "broadcast hi",
      "kick ada",
      "shutdown 5",
    ]
  ) {
    bob.events();
    await bob.run(command);
    assertEquals(bob.events().at(-1)?.data.code, "unknown_command", command);
  }
  assertEquals(bob.state.room, "arkham.station");
});

Deno.test("shutdown counts down with notices to everyone, can be cancelled, and then shuts down like SIGTERM", async () => {
  const supervisor = new Supervisor();
  const announced: string[] = [];
  const countdown = new ShutdownCountdown(supervisor, (text) => announced.push(text));
  await using test = await testGame({
    admins: ["ada"],
    scheduleShutdown: (seconds, by) => countdown.schedule(seconds, by),
  });
  const ada = await test.join("Ada");
  const bob = await test.join("Bob", "mu.quad");
  bob.events();
  await ada.run("shutdown 600");
  assertEquals(supervisor.tasks().map((task) => task.name), [COUNTDOWN_TASK]);
  await ada.run("shutdown cancel");
  await waitFor(() => supervisor.tasks().length === 0, { message: "the countdown to stop" });
  assertEquals(announced, [
    "Ada has called a shutdown: the world ends in 600 seconds.",
    "Ada has cancelled the shutdown. Carry on.",
  ]);
  assertEquals(supervisor.state, "starting", "cancelled: no shutdown");
  await ada.run("shutdown 0");
  const report = await supervisor.finished;
  assertEquals(report.reason, "admin shutdown by Ada");
  assertEquals(report.exitCode, 0);
  assert(announced.some((text) => text.includes("shutting down")));
});

/**
 * The server runs with the same V8 settings however it is started: `deno task start` and
 * `deno task dev` name them in deno.json, which cannot import them, so this keeps the two equal.
 */

import { assertStringIncludes } from "@std/assert";
import { SERVER_V8_FLAGS_ARGUMENT } from "../../lib/v8_flags.ts";

Deno.test("deno task start and dev run the server with SERVER_V8_FLAGS", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)));
  for (const task of ["start", "dev"]) {
    const command: string = config.tasks[task].command;
    assertStringIncludes(command, `${SERVER_V8_FLAGS_ARGUMENT} main.ts`, `deno task ${task}`);
  }
});

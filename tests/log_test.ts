import { assertEquals, assertMatch } from "@std/assert";
import { createLogger } from "../lib/log.ts";

Deno.test("the logger writes one JSON object per line with time, level, message and fields", () => {
  const lines: string[] = [];
  const logger = createLogger({ write: (line) => lines.push(line) });
  logger.info("listening", { port: 8000 });
  assertEquals(lines.length, 1);
  const record = JSON.parse(lines[0] ?? "");
  assertMatch(record.time, /^\d{4}-\d{2}-\d{2}T/);
  assertEquals(record.level, "info");
  assertEquals(record.msg, "listening");
  assertEquals(record.port, 8000);
});

Deno.test("the logger drops lines below its level", () => {
  const lines: string[] = [];
  const logger = createLogger({ level: "warn", write: (line) => lines.push(line) });
  logger.debug("a");
  logger.info("b");
  logger.warn("c");
  logger.error("d");
  assertEquals(lines.map((line) => JSON.parse(line).msg), ["c", "d"]);
});

Deno.test("the logger serializes errors and keeps child fields", () => {
  const lines: string[] = [];
  const logger = createLogger({ write: (line) => lines.push(line) }).child({ part: "bus" });
  logger.error("failed", { error: new TypeError("bad thing"), big: 10n });
  const record = JSON.parse(lines[0] ?? "");
  assertEquals(record.part, "bus");
  assertEquals(record.error.name, "TypeError");
  assertEquals(record.error.message, "bad thing");
  assertEquals(record.big, "10");
});

Deno.test("a message with newlines stays on one line", () => {
  const lines: string[] = [];
  createLogger({ write: (line) => lines.push(line) }).info("two\nlines", { text: "a\r\nb" });
  assertEquals(lines[0]?.includes("\n"), false);
});

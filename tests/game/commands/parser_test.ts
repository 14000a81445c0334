import { assertEquals } from "@std/assert";
import {
  editDistance,
  nearest,
  parseCommand,
  sanitizeInput,
} from "../../../lib/game/commands/parser.ts";

Deno.test("parseCommand() splits verb and arguments; ' and : stand alone", () => {
  assertEquals(parseCommand("  LOOK   at the statue "), { verb: "look", args: "at the statue" });
  assertEquals(parseCommand("'hello there"), { verb: "'", args: "hello there" });
  assertEquals(parseCommand(":waves."), { verb: ":", args: "waves." });
  assertEquals(parseCommand("n"), { verb: "n", args: "" });
  assertEquals(parseCommand(""), { verb: "", args: "" });
});

Deno.test("sanitizeInput() removes invisible format characters: bidi overrides and isolates, zero-width spaces", () => {
  assertEquals(
    sanitizeInput("say \u202Eevil\u202C \u200Bhi\u2066x\u2069\uFEFF\u00AD!"),
    "say evil hix!",
  );
  assertEquals(sanitizeInput("\u200B\u202E"), "");
});

Deno.test("sanitizeInput() removes control characters, including CR, LF and line separators", () => {
  assertEquals(sanitizeInput("say a\r\nb\u0000c\u007fd\u0085e\u2028f\tg"), "say a  b c d e f g");
});

Deno.test("nearest() suggests a likely typo and nothing for noise", () => {
  assertEquals(editDistance("look", "lok"), 1);
  assertEquals(nearest("lok", ["look", "go", "get"]), "look");
  assertEquals(nearest("invetory", ["inventory", "look"]), "inventory");
  assertEquals(nearest("qqqqqq", ["look", "inventory"]), undefined);
});

import { assertEquals } from "@std/assert";
import { capitalized } from "../../lib/text/sentence.ts";

Deno.test("capitalized() raises only the first letter", () => {
  assertEquals(capitalized("the station conductor"), "The station conductor");
  assertEquals(capitalized("Dr. Henry Armitage"), "Dr. Henry Armitage");
  assertEquals(capitalized(""), "");
});

import { assertEquals, assertNotEquals } from "@std/assert";
import { nameSkeleton } from "../../lib/text/name_skeleton.ts";

Deno.test("nameSkeleton() folds look-alike letters and pairs, and keeps different names apart", () => {
  assertEquals(nameSkeleton("Arrnitage"), nameSkeleton("Armitage"));
  assertEquals(nameSkeleton("VVilmarth"), nameSkeleton("Wilmarth"));
  assertEquals(nameSkeleton("Iavinia"), nameSkeleton("Lavinia"));
  assertEquals(nameSkeleton("Clexter"), nameSkeleton("Dexter"));
  assertNotEquals(nameSkeleton("Armitage"), nameSkeleton("Armstrong"));
  assertNotEquals(nameSkeleton("Marsh"), nameSkeleton("Gilman"));
});

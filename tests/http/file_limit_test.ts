import { assertEquals } from "@std/assert";
import { defaultMaxConnections, readFileLimit } from "../../lib/http/file_limit.ts";

Deno.test("the default connection cap leaves a tenth of the file limit (at least 64) for everything else", () => {
  assertEquals(defaultMaxConnections({ soft: 1024, source: "test" }), 921);
  assertEquals(defaultMaxConnections({ soft: 256, source: "test" }), 192);
  assertEquals(defaultMaxConnections({ soft: 65536, source: "test" }), 58982);
  assertEquals(defaultMaxConnections({ soft: 50, source: "test" }), 16, "never below 16");
  assertEquals(defaultMaxConnections({ soft: undefined, source: "test" }), 921, "1,024 assumed");
});

Deno.test("readFileLimit() reads the soft limit of this process (the tests run with --allow-all)", () => {
  const limit = readFileLimit();
  assertEquals(limit.source, "/proc/self/limits");
  assertEquals(typeof limit.soft, "number");
});

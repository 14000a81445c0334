import { assertEquals } from "@std/assert";
import { renderPrometheus } from "../lib/metrics.ts";

Deno.test("renderPrometheus() writes HELP, TYPE and escaped labels", () => {
  const text = renderPrometheus([
    {
      name: "mythos_things",
      help: "Things\nby kind",
      type: "gauge",
      samples: [{ labels: { kind: 'a"b\\c\nd' }, value: 2 }, { value: Infinity }],
    },
  ]);
  assertEquals(
    text,
    '# HELP mythos_things Things\\nby kind\n# TYPE mythos_things gauge\nmythos_things{kind="a\\"b\\\\c\\nd"} 2\nmythos_things +Inf\n',
  );
});

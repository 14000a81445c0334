import { assertEquals } from "@std/assert";
import { Ring } from "../../lib/bus/ring.ts";

Deno.test("Ring keeps sequence numbers across growth and wrap-around", () => {
  const ring = new Ring<number>();
  for (let i = 0; i < 5; i++) ring.push(i);
  for (let i = 0; i < 3; i++) assertEquals(ring.shift(), i);
  for (let i = 5; i < 40; i++) ring.push(i);
  assertEquals([ring.start, ring.end, ring.size], [3, 40, 37]);
  for (let seq = 3; seq < 40; seq++) assertEquals(ring.at(seq), seq);
  assertEquals(ring.at(2), undefined);
  assertEquals(ring.at(40), undefined);
  while (ring.size > 0) ring.shift();
  assertEquals(ring.shift(), undefined);
  ring.push(99);
  assertEquals(ring.at(40), 99);
});

import { assertEquals, assertThrows } from "@std/assert";
import { encodeComment, encodeFrame, formatFrame } from "../lib/sse_format.ts";
import { SseParser } from "./support/sse_client.ts";

Deno.test("formatFrame() writes retry, id, event and data in order, ending with a blank line", () => {
  assertEquals(
    formatFrame({ retry: 2000, id: 42, event: "room.say", data: '{"a":1}' }),
    'retry: 2000\nid: 42\nevent: room.say\ndata: {"a":1}\n\n',
  );
});

Deno.test("data with CR, LF or CRLF becomes several data lines that a browser joins with LF", () => {
  const text = formatFrame({ event: "x", data: "one\ntwo\r\nthree\rfour\n\nevent: forged" });
  assertEquals(
    text,
    "event: x\ndata: one\ndata: two\ndata: three\ndata: four\ndata: \ndata: event: forged\n\n",
  );
  const frames = new SseParser().push(new TextEncoder().encode(text));
  assertEquals(frames.length, 1);
  assertEquals(frames[0]?.event, "x");
  assertEquals(frames[0]?.data, "one\ntwo\nthree\nfour\n\nevent: forged");
});

Deno.test("CR, LF or NUL in an event or id field is refused", () => {
  for (const bad of ["a\nb", "a\rb", "a\r\nb", "a\0b"]) {
    assertThrows(() => formatFrame({ event: bad, data: "" }), TypeError, "event field");
    assertThrows(() => formatFrame({ id: bad, data: "" }), TypeError, "id field");
  }
  assertThrows(() => formatFrame({ retry: 1.5 }), TypeError, "retry");
});

Deno.test("encodeFrame() is UTF-8 and encodeComment() flattens line breaks", () => {
  assertEquals(
    new TextDecoder().decode(encodeFrame({ data: "Cthulhu fhtagn — ✶" })),
    "data: Cthulhu fhtagn — ✶\n\n",
  );
  assertEquals(new TextDecoder().decode(encodeComment("a\nb")), ": a b\n\n");
});

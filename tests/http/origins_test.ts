import { assertEquals } from "@std/assert";
import { addressesForOtherDevices, directOrigins } from "../../lib/http/origins.ts";

const machine = {
  addresses: ["127.0.0.1", "192.168.1.23", "::1", "fe80::1c2a:5ff:fe3b:1", "fd00::23"],
  hostname: "Family-PC",
};
const at = (hostname: string): Deno.NetAddr => ({ transport: "tcp", hostname, port: 8000 });

Deno.test("a server on loopback accepts the loopback origins only", () => {
  assertEquals(directOrigins(at("127.0.0.1"), machine), [
    "http://localhost:8000",
    "http://127.0.0.1:8000",
    "http://[::1]:8000",
  ]);
  assertEquals(addressesForOtherDevices(at("127.0.0.1"), machine), []);
});

Deno.test("a server on all interfaces accepts the machine's own addresses and name, and says where other devices open it", () => {
  for (const wildcard of ["0.0.0.0", "::"]) {
    assertEquals(directOrigins(at(wildcard), machine), [
      "http://localhost:8000",
      "http://127.0.0.1:8000",
      "http://[::1]:8000",
      "http://192.168.1.23:8000",
      "http://[fd00::23]:8000",
      "http://family-pc:8000",
      "http://family-pc.local:8000",
    ]);
    assertEquals(addressesForOtherDevices(at(wildcard), machine), [
      "http://192.168.1.23:8000/",
      "http://[fd00::23]:8000/",
    ]);
  }
});

Deno.test("a server on one address accepts that address", () => {
  assertEquals(directOrigins(at("192.168.1.23"), machine), ["http://192.168.1.23:8000"]);
  assertEquals(directOrigins(at("0.0.0.0"), { addresses: [] }), [
    "http://localhost:8000",
    "http://127.0.0.1:8000",
    "http://[::1]:8000",
  ]);
});

/**
 * The origins a browser uses to reach this server directly, which state-changing requests may
 * come from besides `MYTHOS_PUBLIC_URL`: loopback when the server listens on loopback, and the
 * machine's own network addresses when it listens on all interfaces — so a family's other
 * devices on the home network can play without setting `MYTHOS_PUBLIC_URL`.
 *
 * @module
 */

/** The machine's addresses and name, as the origins are worked out from. */
export interface MachineNames {
  /** Its interface addresses (IPv4 and IPv6), loopback included or not. */
  addresses: string[];
  /** Its host name, if known (`family-pc` is also reached as `family-pc.local`). */
  hostname?: string;
}

const LOOPBACK = ["127.0.0.1", "::1", "localhost"];
const ALL_INTERFACES = ["0.0.0.0", "::", "[::]"];

/** `http://host:port`, with IPv6 addresses in brackets. */
function origin(host: string, port: number): string {
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

function loopbackOrigins(port: number): string[] {
  return [origin("localhost", port), origin("127.0.0.1", port), origin("::1", port)];
}

/**
 * The machine's addresses that another device could use: not loopback, not IPv6 link-local
 * (`fe80::`, which a browser cannot put in an origin without a zone).
 */
export function reachableAddresses(machine: MachineNames): string[] {
  return machine.addresses.filter((address) =>
    !address.startsWith("127.") && address !== "::1" && !/^fe80:/i.test(address)
  );
}

/** The origins, besides the public URL's, that a browser reaching `addr` directly sends. */
export function directOrigins(addr: Deno.NetAddr, machine: MachineNames): string[] {
  if (LOOPBACK.includes(addr.hostname)) return loopbackOrigins(addr.port);
  if (!ALL_INTERFACES.includes(addr.hostname)) return [origin(addr.hostname, addr.port)];
  const names = machine.hostname === undefined || machine.hostname === ""
    ? []
    : [machine.hostname, `${machine.hostname}.local`];
  return [
    ...loopbackOrigins(addr.port),
    ...reachableAddresses(machine).map((address) => origin(address, addr.port)),
    ...names.map((name) => origin(name.toLowerCase(), addr.port)),
  ];
}

/** The addresses where other devices can open the game, when it listens on all interfaces. */
export function addressesForOtherDevices(addr: Deno.NetAddr, machine: MachineNames): string[] {
  if (!ALL_INTERFACES.includes(addr.hostname)) return [];
  return reachableAddresses(machine).map((address) => `${origin(address, addr.port)}/`);
}

/** This machine's addresses and name; empty when the process may not ask (no `--allow-sys`). */
export function thisMachine(): MachineNames {
  try {
    return {
      addresses: Deno.networkInterfaces().map((entry) => entry.address),
      hostname: Deno.hostname(),
    };
  } catch {
    return { addresses: [] };
  }
}

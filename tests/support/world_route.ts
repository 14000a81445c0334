/**
 * Walking the world in tests and benches: the shortest way between rooms, and the rooms reachable
 * from the start, neither passing a locked door.
 *
 * @module
 */

import type { WorldData } from "../../lib/game/world_data.ts";

/** The directions of the shortest way from `from` to `to` that passes no door. */
export function route(world: WorldData, from: string, to: string): string[] {
  const previous = new Map<string, [string, string]>([[from, ["", ""]]]);
  const queue = [from];
  while (queue.length > 0) {
    const room = queue.shift() as string;
    if (room === to) break;
    for (const [direction, next] of world.rooms.get(room)?.exits ?? []) {
      if (previous.has(next) || world.rooms.get(room)?.doors.has(direction)) continue;
      previous.set(next, [room, direction]);
      queue.push(next);
    }
  }
  const steps: string[] = [];
  for (let room = to; room !== from;) {
    const [back, direction] = previous.get(room) ?? ["", ""];
    if (back === "") throw new Error(`No way from ${from} to ${to} without a door`);
    steps.unshift(direction);
    room = back;
  }
  return steps;
}

/** The rooms reachable from the start without passing a door. */
export function reachableWithoutDoors(world: WorldData): Set<string> {
  const seen = new Set([world.start]);
  const queue = [world.start];
  while (queue.length > 0) {
    const room = world.rooms.get(queue.shift() as string);
    for (const [direction, next] of room?.exits ?? []) {
      if (room?.doors.has(direction) || seen.has(next)) continue;
      seen.add(next);
      queue.push(next);
    }
  }
  return seen;
}

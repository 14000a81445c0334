/**
 * An exclusive lock on the data directory, so two servers (or a server and `deno task admin`)
 * never write the same Deno KV file: saves would become last-writer-wins.
 *
 * The lock is an advisory `flock` on `mythos.lock` in the directory, which also holds the pid of
 * its owner for the message the next comer gets. The kernel drops the lock when its owner exits,
 * however it exits, so a `kill -9` never leaves a stale lock.
 *
 * @module
 */

import { join } from "@std/path/join";

/** File name of the lock inside the data directory. */
export const LOCK_FILE = "mythos.lock";

/** Another process holds the data directory. */
export class DataDirLockedError extends Error {
  /** The directory. */
  readonly dir: string;
  /** The pid written by the owner, if it could be read. */
  readonly pid: number | undefined;

  /** Creates the error. */
  constructor(dir: string, pid: number | undefined) {
    super(
      `Another server (pid ${
        pid ?? "unknown"
      }) is using the data directory ${dir}; stop it first, or set MYTHOS_DATA_DIR to another directory`,
    );
    this.name = "DataDirLockedError";
    this.dir = dir;
    this.pid = pid;
  }
}

/** A held lock; dispose it (or exit) to release. */
export interface DataDirLock extends Disposable {
  /** The directory locked. */
  readonly dir: string;
}

/**
 * Takes the lock on `dir` (creating the directory if needed), without waiting.
 *
 * @throws {DataDirLockedError} when another process holds it.
 */
export async function lockDataDir(dir: string): Promise<DataDirLock> {
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  const file = await Deno.open(path, { read: true, write: true, create: true });
  let locked = false;
  try {
    locked = await file.tryLock(true);
    if (!locked) {
      const owner = Number((await Deno.readTextFile(path).catch(() => "")).trim());
      throw new DataDirLockedError(
        dir,
        Number.isSafeInteger(owner) && owner > 0 ? owner : undefined,
      );
    }
    await file.truncate(0);
    await file.write(new TextEncoder().encode(`${Deno.pid}\n`));
  } catch (error) {
    if (locked) file.unlockSync();
    file.close();
    throw error;
  }
  let released = false;
  return {
    dir,
    [Symbol.dispose]: () => {
      if (released) return;
      released = true;
      file.unlockSync();
      file.close();
    },
  };
}

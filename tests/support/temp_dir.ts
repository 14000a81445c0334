/**
 * Temporary directories removed when the test ends.
 *
 * @module
 */

/** A temporary directory, removed with everything in it on dispose. */
export interface TempDir extends AsyncDisposable {
  /** Its absolute path. */
  readonly path: string;
}

/** Creates a temporary directory: `await using dir = await tempDir()`. */
export async function tempDir(prefix = "mythos-test-"): Promise<TempDir> {
  const path = await Deno.makeTempDir({ prefix });
  return {
    path,
    [Symbol.asyncDispose]: async () => {
      await Deno.remove(path, { recursive: true }).catch((error) => {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      });
    },
  };
}

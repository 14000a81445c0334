/**
 * Command-line flags for the benchmark scripts.
 *
 * @module
 */

/** The number after `--name` in the arguments, or `fallback`. */
export function flag(name: string, fallback: number): number {
  const index = Deno.args.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(Deno.args[index + 1]);
}

/** Whether `--name` is among the arguments. */
export function has(name: string): boolean {
  return Deno.args.includes(`--${name}`);
}

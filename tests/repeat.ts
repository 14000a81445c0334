/**
 * The flake check: runs the whole suite N times (default 10) and reports every test that failed
 * even once, with how often. Exits 1 if any did.
 *
 * With `--busy`, one process per core spins for the whole time, so the suite runs on a machine
 * that is busy with other work — the way it runs on a developer's laptop or a shared CI host.
 *
 * Usage: deno task test:repeat [N] [--busy]   (deno task test:busy is `3 --busy`)
 *
 * @module
 */
// deno-lint-ignore-file no-console

const busy = Deno.args.includes("--busy");
const runs = Number(Deno.args.find((arg) => arg !== "--busy") ?? 10);
if (!Number.isInteger(runs) || runs < 1) {
  console.error("usage: deno task test:repeat [runs, a whole number from 1] [--busy]");
  Deno.exit(2);
}

/** Processes that keep the cores busy; killed when the runs end. */
const burners: Deno.ChildProcess[] = [];
if (busy) {
  for (let i = 0; i < navigator.hardwareConcurrency; i++) {
    burners.push(
      new Deno.Command(Deno.execPath(), {
        args: ["eval", "for (;;) {}"],
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).spawn(),
    );
  }
  console.error(`keeping ${burners.length} cores busy while the suite runs`);
}

const dir = await Deno.makeTempDir({ prefix: "mythos-repeat-" });
const failures = new Map<string, number>();
const durations: number[] = [];
let failedRuns = 0;
try {
  for (let run = 1; run <= runs; run++) {
    const report = `${dir}/run-${run}.xml`;
    const started = performance.now();
    const result = await new Deno.Command(Deno.execPath(), {
      args: [
        "test",
        // The tests' lockfile: the browser tests' packages stay out of the server's deno.lock.
        "--lock=tests/deno.lock",
        "--allow-all",
        "--sanitize-ops",
        "--sanitize-resources",
        "--trace-leaks",
        "--reporter=dot",
        `--junit-path=${report}`,
      ],
      // Kept, so a run that fails with no failing test named (a file that would not load, an
      // error between tests, a crash) still says why.
      stdout: "piped",
      stderr: "piped",
    }).output();
    durations.push(Math.round(performance.now() - started));
    const xml = await Deno.readTextFile(report).catch(() => "");
    let named = 0;
    // Each failing test case is a <testcase ...> element with a <failure> inside.
    for (
      const match of xml.matchAll(
        /<testcase name="([^"]*)" classname="([^"]*)"[^>]*>\s*<failure([^>]*)>([\s\S]*?)<\/failure>/g,
      )
    ) {
      const name = unescapeXml(`${match[2]} > ${match[1]}`);
      failures.set(name, (failures.get(name) ?? 0) + 1);
      named++;
      // Why it failed, so a failure that happens once in three runs can be understood.
      const why = unescapeXml(`${match[3]} ${match[4]}`).replace(/\s+/g, " ").trim();
      console.error(`  run ${run}: ${name}: ${why.slice(0, 600)}`);
    }
    if (!result.success) {
      failedRuns++;
      if (named === 0) {
        console.error(`  run ${run} failed with no failing test named; the last lines it wrote:`);
        for (const output of [result.stdout, result.stderr]) {
          const lines = new TextDecoder().decode(output).trimEnd().split("\n");
          for (const line of lines.slice(-30)) console.error(`    ${line}`);
        }
      }
    }
    console.error(
      `run ${run}/${runs}: ${result.success ? "passed" : "FAILED"} in ${durations.at(-1)} ms`,
    );
  }
} finally {
  for (const burner of burners) {
    burner.kill("SIGKILL");
    await burner.status;
  }
  await Deno.remove(dir, { recursive: true });
}

for (const [name, count] of [...failures].sort((a, b) => b[1] - a[1])) {
  console.error(`  failed ${count}/${runs}: ${name}`);
}
console.log(JSON.stringify({
  runs,
  busy,
  failedRuns,
  flaky: Object.fromEntries(failures),
  msPerRun: Math.round(durations.reduce((a, b) => a + b, 0) / durations.length),
}));
Deno.exit(failedRuns === 0 && failures.size === 0 ? 0 : 1);

function unescapeXml(text: string): string {
  return text.replaceAll("&quot;", '"').replaceAll("&apos;", "'").replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">").replaceAll("&amp;", "&");
}

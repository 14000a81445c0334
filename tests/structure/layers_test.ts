/**
 * The folders of `lib/` import one way: no folder reaches, directly or round about, back into a
 * folder that imports it. A module directly in `lib/` counts as a unit of its own.
 */

import { assertEquals } from "@std/assert";

const LIB = new URL("../../lib/", import.meta.url);

/** `lib/`-relative paths of every TypeScript module. */
async function modules(dir = LIB, prefix = ""): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isDirectory) {
      found.push(...await modules(new URL(`${entry.name}/`, dir), `${prefix}${entry.name}/`));
    } else if (entry.name.endsWith(".ts")) {
      found.push(`${prefix}${entry.name}`);
    }
  }
  return found;
}

/** The layer of a module: its top folder in `lib/`, or the file itself when it sits in `lib/`. */
function layerOf(path: string): string {
  const slash = path.indexOf("/");
  return slash === -1 ? path : path.slice(0, slash);
}

/** Relative import specifiers of a module (static, type-only and dynamic). */
function importsOf(source: string): string[] {
  const specifiers: string[] = [];
  for (const match of source.matchAll(/(?:from|import)\s*\(?\s*["'](\.[^"']+)["']/g)) {
    specifiers.push(match[1] as string);
  }
  return specifiers;
}

/** The layer graph: layer → layers it imports. */
async function layerGraph(): Promise<Map<string, Set<string>>> {
  const graph = new Map<string, Set<string>>();
  for (const path of await modules()) {
    const from = layerOf(path);
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    const source = await Deno.readTextFile(new URL(path, LIB));
    for (const specifier of importsOf(source)) {
      const target = new URL(specifier, new URL(path, LIB)).pathname;
      if (!target.startsWith(LIB.pathname)) continue;
      const to = layerOf(target.slice(LIB.pathname.length));
      if (to !== from) edges.add(to);
    }
  }
  return graph;
}

/** Every cycle's layers, as `a → b → a`. */
function cycles(graph: Map<string, Set<string>>): string[] {
  const found: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const path: string[] = [];
  const visit = (node: string) => {
    state.set(node, "visiting");
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "visiting") {
        found.push([...path.slice(path.indexOf(next)), next].join(" → "));
      } else if (state.get(next) === undefined) {
        visit(next);
      }
    }
    path.pop();
    state.set(node, "done");
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return found;
}

Deno.test("the folders of lib/ import one way, with no cycle between them", async () => {
  assertEquals(cycles(await layerGraph()), []);
});

Deno.test("the cycle check finds a cycle when there is one", () => {
  const graph = new Map([["a", new Set(["b"])], ["b", new Set(["c"])], ["c", new Set(["a"])]]);
  assertEquals(cycles(graph), ["a → b → c → a"]);
});

Deno.test("docs/architecture.md lists the layers in an order every import follows", async () => {
  const doc = await Deno.readTextFile(new URL("../../docs/architecture.md", import.meta.url));
  const section = doc.slice(doc.indexOf("<!-- layers -->"), doc.indexOf("<!-- /layers -->"));
  const order = [...section.matchAll(/^\d+\. `([^`]+)`/gm)].map((match) => match[1] as string)
    .map((name) => name.replace(/\/$/, ""));
  const graph = await layerGraph();
  assertEquals([...order].sort(), [...graph.keys()].sort(), "every layer is listed once");
  const rank = new Map(order.map((name, i) => [name, i]));
  const upward: string[] = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      if ((rank.get(to) ?? 0) >= (rank.get(from) ?? 0)) upward.push(`${from} → ${to}`);
    }
  }
  assertEquals(upward, [], "each layer imports only layers listed before it");
});

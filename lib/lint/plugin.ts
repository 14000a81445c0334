/**
 * The project's async rules as lint rules, run by `deno lint` (and so by `deno task test`).
 *
 * | rule | where | what it refuses |
 * | --- | --- | --- |
 * | `mythos/no-bare-timers` | everywhere but `lib/lifecycle/`, `static/`, `bench/` | `setTimeout`, `setInterval` |
 * | `mythos/listener-cleanup` | server code (`lib/`, `routes/`, `main.ts`) | an `addEventListener` or `Deno.addSignalListener` with neither `{ once: true, signal }` nor a matching removal in the same function or class |
 * | `mythos/no-floating-promise` | server code, except the supervisor | `void <call>`; `.then(onFulfilled)` with no rejection path as a statement; a statement calling a known async function of the project without awaiting, returning or handling it |
 * | `mythos/test-sanitizers` | `tests/` | `sanitizeOps`, `sanitizeResources` or `sanitizeExit` set to `false` |
 * | `mythos/no-sleep-in-tests` | `tests/` except `tests/support/` and `tests/fixtures/` | `delay(...)`, `setTimeout(...)` |
 *
 * What the rules cannot see, being syntax-only with no types: whether an event target is
 * long-lived (every `addEventListener` in server code is held to the rule), whether an arbitrary
 * call returns a promise (only the names in {@linkcode KNOWN_ASYNC} and the two shapes above
 * are caught), and whether a removal really receives the same listener object (listeners are
 * matched by their source text).
 *
 * @module
 */

type Node = Deno.lint.Node;

/** Methods and functions of the project that return promises (kept by hand; see the module doc). */
export const KNOWN_ASYNC: ReadonlySet<string> = new Set([
  "shutdown",
  "leave",
  "logout",
  "reap",
  "submit",
  "saveDirty",
  "saveAll",
  "savePlayers",
  "moveItem",
  "closeAll",
  "openStream",
  "createAccount",
  "putSession",
  "deleteSession",
  "register",
  "login",
  "startServer",
  "main",
]);

function inDir(filename: string, dir: string): boolean {
  return filename.replaceAll("\\", "/").includes(`/${dir}/`);
}

function isTestCode(filename: string): boolean {
  return inDir(filename, "tests");
}

function isServerCode(filename: string): boolean {
  if (isTestCode(filename) || inDir(filename, "bench")) return false;
  const path = filename.replaceAll("\\", "/");
  return inDir(path, "lib") || inDir(path, "routes") || path.endsWith("/main.ts");
}

/** The name a call calls: `f` in `f()`, `m` in `a.b.m()`. */
function calleeName(node: Deno.lint.CallExpression): string | undefined {
  const callee = node.callee;
  if (callee.type === "Identifier") return callee.name;
  if (callee.type === "MemberExpression" && callee.property.type === "Identifier") {
    return callee.property.name;
  }
  return undefined;
}

const FUNCTION_TYPES = new Set([
  "FunctionDeclaration",
  "FunctionExpression",
  "ArrowFunctionExpression",
]);

function objectHasOnceAndSignal(node: Node | undefined): boolean {
  if (node?.type !== "ObjectExpression") return false;
  let once = false;
  let signal = false;
  for (const property of node.properties) {
    if (property.type !== "Property" || property.key.type !== "Identifier") continue;
    if (
      property.key.name === "once" && property.value.type === "Literal" &&
      property.value.value === true
    ) {
      once = true;
    }
    if (property.key.name === "signal") signal = true;
  }
  return once && signal;
}

const noBareTimers: Deno.lint.Rule = {
  create(context) {
    const file = context.filename;
    if (inDir(file, "lib/lifecycle") || inDir(file, "static") || inDir(file, "bench")) return {};
    return {
      CallExpression(node) {
        const name = calleeName(node);
        if (name !== "setTimeout" && name !== "setInterval") return;
        context.report({
          node,
          message: `${name} outside lib/lifecycle/: a bare timer outlives its owner`,
          hint: "Run loops as supervised tasks with every(), and wait with delay(ms, { signal })",
        });
      },
    };
  },
};

const REMOVALS: ReadonlyMap<string, string> = new Map([
  ["addEventListener", "removeEventListener"],
  ["addSignalListener", "removeSignalListener"],
]);

interface ListenerCall {
  node: Deno.lint.CallExpression;
  method: string;
  key: string;
  scopes: Node[];
}

const listenerCleanup: Deno.lint.Rule = {
  create(context) {
    if (!isServerCode(context.filename)) return {};
    const text = (
      node: Node | undefined,
    ) => (node === undefined ? "" : context.sourceCode.getText(node));
    const adds: ListenerCall[] = [];
    const removes: ListenerCall[] = [];
    const scopesOf = (node: Node) =>
      context.sourceCode.getAncestors(node).filter((ancestor) =>
        FUNCTION_TYPES.has(ancestor.type) || ancestor.type === "ClassBody"
      );
    return {
      CallExpression(node) {
        const method = calleeName(node);
        if (method === undefined) return;
        const [type, listener, options] = node.arguments;
        const key = `${text(type)}\u0000${text(listener)}`;
        if (REMOVALS.has(method)) {
          if (method === "addEventListener" && objectHasOnceAndSignal(options)) return;
          adds.push({ node, method, key, scopes: scopesOf(node) });
        } else if ([...REMOVALS.values()].includes(method)) {
          removes.push({ node, method, key, scopes: scopesOf(node) });
        }
      },
      // Judged at the end, when every removal in the file is known.
      "Program:exit"() {
        for (const add of adds) {
          const removal = REMOVALS.get(add.method);
          const matched = removes.some((remove) =>
            remove.method === removal && remove.key === add.key &&
            add.scopes.some((scope) => remove.scopes.includes(scope))
          );
          if (matched) continue;
          context.report({
            node: add.node,
            message:
              `${add.method} with no matching ${removal}: the listener can outlive its owner`,
            hint:
              "Remove it in the same function or class (in a finally or dispose), or pass { once: true, signal }",
          });
        }
      },
    };
  },
};

const noFloatingPromise: Deno.lint.Rule = {
  create(context) {
    const file = context.filename.replaceAll("\\", "/");
    if (!isServerCode(file) || file.endsWith("/lib/lifecycle/supervisor.ts")) return {};
    return {
      UnaryExpression(node) {
        if (node.operator === "void" && node.argument.type === "CallExpression") {
          context.report({
            node,
            message: "void discards a call's promise: its failure would go unnoticed",
            hint: "Await it, return it, or run it as a supervised task",
          });
        }
      },
      ExpressionStatement(node) {
        const expression = node.expression;
        if (expression.type !== "CallExpression") return;
        const name = calleeName(expression);
        if (name === "then" && expression.arguments.length < 2) {
          context.report({
            node,
            message: ".then() without a rejection handler, and its promise discarded",
            hint: "Await it, or add a rejection handler (.then(ok, fail) or .catch())",
          });
        } else if (name !== undefined && KNOWN_ASYNC.has(name)) {
          context.report({
            node,
            message: `${name}() returns a promise that is neither awaited nor handled`,
            hint: "Await it, return it, attach .catch(), or hand it to the supervisor",
          });
        }
      },
    };
  },
};

const testSanitizers: Deno.lint.Rule = {
  create(context) {
    if (!isTestCode(context.filename)) return {};
    const sanitizers = new Set(["sanitizeOps", "sanitizeResources", "sanitizeExit"]);
    return {
      Property(node) {
        if (
          node.key.type === "Identifier" && sanitizers.has(node.key.name) &&
          node.value.type === "Literal" && node.value.value === false
        ) {
          context.report({
            node,
            message: `${node.key.name}: false hides leaks this suite exists to catch`,
            hint: "Fix the leak: close what the test opened, clear its timers, await its tasks",
          });
        }
      },
    };
  },
};

const noSleepInTests: Deno.lint.Rule = {
  create(context) {
    const file = context.filename;
    if (!isTestCode(file) || inDir(file, "tests/support") || inDir(file, "tests/fixtures")) {
      return {};
    }
    return {
      CallExpression(node) {
        const name = calleeName(node);
        if (name !== "delay" && name !== "setTimeout") return;
        context.report({
          node,
          message: `${name}() in a test: sleeping to synchronize makes tests slow and flaky`,
          hint:
            "Wait for the event you expect: waitFor(condition, { timeout }) or a client's deadline",
        });
      },
    };
  },
};

/** The plugin. */
const plugin: Deno.lint.Plugin = {
  name: "mythos",
  rules: {
    "no-bare-timers": noBareTimers,
    "listener-cleanup": listenerCleanup,
    "no-floating-promise": noFloatingPromise,
    "test-sanitizers": testSanitizers,
    "no-sleep-in-tests": noSleepInTests,
  },
};

export default plugin;

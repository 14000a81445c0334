import { assertEquals, assertStringIncludes } from "@std/assert";
import { present } from "../support/present.ts";
import { startTestServer } from "../support/server.ts";

Deno.test("the client is served with its content types, revalidation and security headers", async () => {
  await using test = await startTestServer();
  const page = await test.fetch("/");
  assertEquals(page.status, 200);
  assertEquals(page.headers.get("content-type"), "text/html; charset=utf-8");
  assertEquals(page.headers.get("cache-control"), "no-cache");
  const csp = page.headers.get("content-security-policy") ?? "";
  assertStringIncludes(csp, "script-src 'self'");
  assertStringIncludes(csp, "default-src 'self'");
  assertEquals(csp.includes("unsafe-inline"), false, "no inline script or style");
  assertEquals(page.headers.get("x-content-type-options"), "nosniff");
  assertEquals(page.headers.get("x-frame-options"), "DENY");
  const html = await page.text();
  assertStringIncludes(html, '<script type="module" src="/js/app.js"></script>');
  assertEquals(
    /<script>|\son[a-z]+=/.test(html),
    false,
    "no inline script or handlers in the page",
  );

  const assets: [string, string][] = [
    ["/js/app.js", "text/javascript"],
    ["/css/style.css", "text/css"],
    ["/favicon.svg", "image/svg+xml"],
  ];
  for (const [path, type] of assets) {
    const response = await test.fetch(path);
    assertEquals(response.status, 200, path);
    assertStringIncludes(response.headers.get("content-type") ?? "", type);
    const etag = present(response.headers.get("etag"), "an ETag");
    await response.body?.cancel();
    const again = await test.fetch(path, { headers: { "if-none-match": etag } });
    assertEquals(again.status, 304, `${path} revalidates`);
    await again.body?.cancel();
  }
});

Deno.test("paths outside the client's files are not served", async () => {
  await using test = await startTestServer();
  for (
    const path of [
      "/deno.json",
      "/../deno.json",
      "/%2e%2e/main.ts",
      "/js/../../main.ts",
      "/nope.html",
    ]
  ) {
    const response = await test.fetch(path);
    assertEquals(response.status, 404, path);
    await response.body?.cancel();
  }
});

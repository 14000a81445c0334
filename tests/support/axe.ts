/**
 * axe-core, the accessibility checker, run inside a page the browser tests have open.
 *
 * @module
 */

// Named in full, not in deno.json: a test-only package stays out of the server's deno.lock.
import axe from "npm:axe-core@4.14.1";
import type { Page } from "./browser.ts";

/** One rule the page breaks, as axe reports it. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  /** The offending elements' selectors. */
  targets: string[];
}

/**
 * The serious and critical WCAG 2.1 A/AA violations on the page as it is now. axe goes in through
 * the DevTools protocol, which the page's Content-Security-Policy does not govern.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    // deno-lint-ignore no-explicit-any
    const { axe: checker, document } = globalThis as any;
    const result = await checker.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    // deno-lint-ignore no-explicit-any
    return result.violations.map((violation: any) => ({
      id: violation.id,
      impact: violation.impact ?? null,
      help: violation.help,
      // deno-lint-ignore no-explicit-any
      targets: violation.nodes.map((node: any) => String(node.target)),
    }));
  });
  return (violations as AxeViolation[]).filter((violation) =>
    violation.impact === "serious" || violation.impact === "critical"
  );
}

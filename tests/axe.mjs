// axe-core (the engine, from npm) run in a test's Chromium page: the WCAG 2.x
// A and AA rules (2.2 included) over one part of the page.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const source = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** The WCAG A/AA violations axe finds in `selector` on `page`, as readable lines (empty: none). */
export async function axeViolations(page, selector) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: source });
  const violations = await page.evaluate(async (include) => {
    const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
    const result = await window.axe.run({ include: [include] }, { runOnly: { type: "tag", values: tags } });
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  }, selector);
  return violations;
}

// Every main page checked with axe-core (run inside the page) for WCAG 2 A and AA problems a
// user of a screen reader or keyboard would meet; and the skip link leads to the content.
import { test, expect, Page } from "@playwright/test";
import { ready, signIn } from "./helpers";

// The checker is injected into the page, which our Content-Security-Policy forbids (rightly):
// this spec's browser lets it in.
test.use({ bypassCSP: true });

// Playwright runs from end2end/, where `npm install` put axe-core.
const axePath = "node_modules/axe-core/axe.min.js";

async function violations(page: Page) {
  await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    // @ts-expect-error axe is injected above
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa"] } });
    return result.violations.map((v: { id: string; impact: string; nodes: { target: string[] }[] }) =>
      `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
  });
}

const pages: [string, string | null, string][] = [
  ["sign-in", null, "/login"],
  ["store list", "manager.sh001", "/stores"],
  ["scorecard", "manager.sh001", "/stores/SH-001/scorecard"],
  ["customer answers", "manager.sh001", "/stores/SH-001/customers"],
  ["team", "manager.sh001", "/stores/SH-001/team"],
  ["league", "regional.east", "/league"],
  ["assignments", "regional.east", "/assign"],
  ["self-assessment", "staff.sh001", "/self"],
  ["shopper app", "shopper.anna", "/shopper"],
  ["stores and regions", "admin", "/admin/stores"],
  ["store form", "admin", "/admin/stores/SH-001/edit?error=timezone&timezone=Mars"],
  ["store import", "admin", "/admin/stores/import"],
  ["audit log", "admin", "/admin/audit"],
  ["people", "admin", "/admin/users"],
  ["person", "regional.east", "/admin/users/manager.sh001"],
  ["account", "manager.sh001", "/account"],
  ["organisation settings", "admin", "/admin/settings?error=revisit_days&revisit_days=x"],
  ["checklists", "admin", "/admin/templates"],
  ["checklist designer", "admin", "/admin/templates/customer-expectations/draft?bad=s0.q0.weight"],
  ["checklist changes", "admin", "/admin/templates/instore-visit/changes?from=1&to=1"],
  ["review queue", "reviewer.kim", "/reviews"],
];

test("a visit's report with the reviewer's decision form, and with a manager's appeal boxes, has no WCAG A/AA problems @hydrated", async ({ page }, info) => {
  test.skip(info.project.name !== "hydrated-desktop", "one browser size is enough");
  await signIn(page, info, "reviewer.kim");
  await page.waitForLoadState("networkidle");
  await page.goto("/reviews?store=LDN-001");
  await page.locator("table.review-queue tbody tr a").first().click();
  await expect(page.getByRole("button", { name: "Save the decision" })).toBeVisible();
  await expect(page.getByText("Checked in at")).toBeVisible();
  expect(await violations(page)).toEqual([]);

  await page.context().clearCookies();
  await signIn(page, info, "manager.ldn001");
  await page.waitForLoadState("networkidle");
  await page.goto("/stores/LDN-001/scorecard");
  await page.locator("table[data-test='latest-reports'] a").first().click();
  await expect(page.getByRole("button", { name: "Send the appeal" })).toBeVisible();
  expect(await violations(page)).toEqual([]);
});

for (const [name, user, path] of pages) {
  test(`the ${name} page has no WCAG A/AA problems axe can find @hydrated`, async ({ page }, info) => {
    test.skip(info.project.name !== "hydrated-desktop", "one browser size is enough");
    if (user) {
      await signIn(page, info, user);
      await page.waitForLoadState("networkidle");
    }
    await page.goto(path);
    await ready(page, info);
    if (path === "/shopper") await expect(page.getByRole("heading", { name: "My visits and calls" })).toBeVisible();
    expect(await violations(page)).toEqual([]);
  });
}

test("the customer survey has no WCAG A/AA problems axe can find, and its scale ends are read out @hydrated", async ({ page, request }, info) => {
  test.skip(info.project.name !== "hydrated-desktop", "one browser size is enough");
  await signIn(page, info, "manager.sh001");
  await page.goto("/stores/SH-001/qr");
  const link = (await page.locator("figcaption code.link").textContent())?.trim() ?? "";
  await page.goto(link);
  expect(await violations(page)).toEqual([]);
  const first = page.locator("fieldset.survey-q").first().getByRole("radio").first();
  await expect(first).toHaveAccessibleName(/0 \(.+\)/);
});

test("the skip link is the first stop and leads to the content @hydrated", async ({ page }, info) => {
  test.skip(info.project.name !== "hydrated-desktop", "one browser size is enough");
  await page.goto("/login");
  await ready(page, info);
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to the content" });
  await expect(skip).toBeFocused();
  await expect(skip).toHaveAttribute("href", "#main");
});

// What a store manager opens every week: the scorecard, reached from the store list, with its
// period and control chart chosen by plain links (it works the same with JavaScript off).
import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { ready, signIn } from "./helpers";

test("a store manager opens the scorecard, changes the period and the chart", async ({ page }, info) => {
  await signIn(page, info, "manager.sh001");
  await expect(page).toHaveURL(/\/stores$/);
  await ready(page, info);
  await page.getByRole("link", { name: "Scorecard of Nanjing Road" }).click();
  await expect(page).toHaveURL(/\/stores\/SH-001\/scorecard$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Scorecard · Nanjing Road");
  await expect(page.getByRole("link", { name: "12 weeks" })).toHaveAttribute("aria-current", "page");
  // The combined score and the customers' NPS, each with what it rests on.
  await expect(page.locator("section.headline")).toContainText("Overall score");
  await expect(page.locator("section.headline")).toContainText("Customers' NPS");
  await expect(page.getByRole("img", { name: "Overall score per week, channels combined" })).toBeVisible();
  const customers = page.locator("h2:has-text('By channel') ~ .table-scroll tr", { hasText: "Customers (QR code)" }).locator("td").first();
  const inTwelve = Number(await customers.textContent());
  const rangeTwelve = await page.getByText(/^Weeks of /).textContent();

  await page.getByRole("link", { name: "52 weeks" }).click();
  await expect(page).toHaveURL(/weeks=52/);
  await expect(page.getByRole("link", { name: "52 weeks" })).toHaveAttribute("aria-current", "page");
  // A longer period starts earlier, ends in the same week, and holds at least as many answers.
  const rangeYear = (await page.getByText(/^Weeks of /).textContent()) ?? "";
  expect(rangeYear).not.toEqual(rangeTwelve);
  expect(rangeYear.slice(-10)).toEqual((rangeTwelve ?? "").slice(-10));
  expect(Number(await customers.textContent())).toBeGreaterThanOrEqual(inTwelve);
  expect(inTwelve).toBeGreaterThan(0);

  // The control chart follows empathy in mystery visits, and its numbers are in a table.
  await page.getByRole("link", { name: "Empathy", exact: true }).click();
  await page.getByRole("link", { name: "Mystery visits", exact: true }).click();
  await expect(page).toHaveURL(/chart=empathy&channel=mystery_visit/);
  await expect(page.getByText("Empathy, Mystery visits, week by week.")).toBeVisible();
  // The most failed checklist items, most first.
  await expect(page.getByRole("heading", { name: "What fails most" })).toBeVisible();
  const failed = await page.locator("h2:has-text('What fails most') ~ .table-scroll tbody tr td:nth-child(3)").allTextContents();
  const counts = failed.map(Number);
  expect(counts.length).toBeGreaterThan(0);
  expect([...counts].sort((a, b) => b - a)).toEqual(counts);
});

test("another store's scorecard stays closed to a store manager", async ({ page }, info) => {
  await signIn(page, info, "manager.sh001");
  await expect(page).toHaveURL(/\/stores$/);
  await page.goto("/stores/LDN-001/scorecard");
  await expect(page.getByRole("alert")).toBeVisible();
  await expect(page.locator("svg.chart")).toHaveCount(0);
});

test("a store manager opens a visit's report and downloads the store's responses", async ({ page }, info) => {
  await signIn(page, info, "manager.sh001");
  await expect(page).toHaveURL(/\/stores$/);
  await page.goto("/stores/SH-001/scorecard");
  await ready(page, info);
  // The latest visits and calls lead to each one's full report.
  await expect(page.getByRole("heading", { name: "Latest visits and calls" })).toBeVisible();
  // The oldest row listed: the newest ones may be visits other tests (review, the shopper's
  // phone) are sending, releasing or appealing on this shared server at this moment.
  const oldest = page.locator("table[data-test='latest-reports'] tbody tr").last();
  const score = (await oldest.locator("td.num").textContent()) ?? "";
  await oldest.getByRole("link").click();
  await expect(page).toHaveURL(/\/responses\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Report · Nanjing Road");
  await expect(page.locator("[data-test='report-score']")).toHaveText(score);
  await expect(page.getByRole("heading", { name: "By dimension" })).toBeVisible();
  // Every question with its answer and points, failed ones marked.
  expect(await page.locator("table.report-items tbody tr").count()).toBeGreaterThan(5);

  await page.getByRole("link", { name: "Back to the scorecard" }).click();
  await expect(page).toHaveURL(/\/stores\/SH-001\/scorecard/);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download the responses (CSV)" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^servscope-responses-SH-001-.*\.csv$/);
  const csv = readFileSync((await download.path()) ?? "", "utf8").trim().split("\n");
  expect(csv[0]).toMatch(/^response_id,store_code,store_name,region,channel,/);
  expect(csv.length).toBeGreaterThan(10);
  expect(csv.slice(1).every((line) => line.split(",")[1] === "SH-001")).toBe(true);
});

test("a regional manager compares their stores in the league and sorts it", async ({ page }, info) => {
  await signIn(page, info, "regional.east");
  await ready(page, info);
  await page.goto("/league");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Store league");
  const league = page.locator("table[data-test='league'] tbody tr");
  await expect(league).toHaveCount(4);
  await expect(page.locator("table[data-test='rollups']")).toContainText("East China");
  await expect(page.locator("table[data-test='rollups']")).not.toContainText("United Kingdom");
  // Sort by NPS (highest first, then turned round): the heading says which way, the column reads upwards.
  const npsHeading = page.locator("table[data-test='league']").getByRole("columnheader", { name: /^NPS/ });
  await npsHeading.getByRole("link").click();
  await expect(npsHeading).toHaveAttribute("aria-sort", "descending");
  await npsHeading.getByRole("link").click();
  await expect(npsHeading).toHaveAttribute("aria-sort", "ascending");
  const nps = (await league.locator("td:nth-child(11) .figure").allTextContents()).map((t) => parseInt(t, 10));
  expect([...nps].sort((a, b) => a - b)).toEqual(nps);
  // Each store leads to its scorecard.
  await league.first().getByRole("link").click();
  await expect(page).toHaveURL(/\/stores\/[A-Z]{2}-00\d\/scorecard\?weeks=12$/);
});

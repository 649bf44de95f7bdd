// The checklist designer: head office builds a checklist in the browser, sees it on a phone
// as it types, publishes it, assigns it, and a shopper fills it in offline.
import { test, expect, Page, BrowserContext } from "@playwright/test";
import { DEMO_PASSWORD, ready, signIn } from "./helpers";

const mobile = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: "en-GB" };

/** A key of its own for each project run against the shared server. */
function keyFor(info: { project: { name: string } }, stem: string) {
  return `${stem}-${info.project.name.replace(/[^a-z]/g, "")}`;
}

async function newChecklist(page: Page, key: string) {
  await page.goto("/admin/templates");
  await page.getByLabel("Key").fill(key);
  await page.getByLabel("An empty checklist for").check();
  await page.getByLabel("Used for").selectOption("mystery_visit");
  await page.getByRole("button", { name: "Create and open the designer" }).click();
  await expect(page.getByText("Checklist started")).toBeVisible();
}

/** The designer's box for a field (`s0.q1.text.en`): its id is the name with dashes. */
function box(page: Page, name: string) {
  return page.locator(`#f-${name.replace(/\./g, "-")}`);
}

async function addQuestion(page: Page, type: string) {
  await page.getByLabel("Type of the new question").selectOption(type);
  await page.getByRole("button", { name: "Add a question" }).click();
  await expect(page.getByText("Draft saved.")).toBeVisible();
}

async function hydrated(page: Page) {
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true", { timeout: 40_000 });
}

test("an admin builds a six-question checklist in two languages, previews it on a phone, publishes and assigns it, and a shopper fills it in offline @hydrated", async ({ page, browser }, info) => {
  test.skip(info.project.name !== "hydrated-desktop", "one admin at a desk is enough; the shopper gets a phone");
  test.setTimeout(240_000);
  const key = keyFor(info, "till-check");
  await signIn(page, info, "admin");
  await expect(page).toHaveURL(/\/stores$/);
  await newChecklist(page, key);

  // Six questions, one section: the texts in English and Russian.
  await box(page, "title.en").fill("Till check");
  await box(page, "title.ru").fill("Проверка кассы");
  await box(page, "s0.title.en").fill("At the till");
  await box(page, "s0.title.ru").fill("На кассе");
  for (const type of ["yes_no", "yes_no", "scale_1_5", "duration_seconds", "single_choice", "free_text"]) {
    await addQuestion(page, type);
  }
  await hydrated(page);
  const texts: [string, string, string][] = [
    ["greeted", "Did the cashier greet you?", "Кассир поздоровался?"],
    ["thanked", "Were you thanked?", "Вас поблагодарили?"],
    ["friendly", "How friendly was the cashier?", "Насколько приветлив был кассир?"],
    ["queue", "Seconds in the queue", "Сколько секунд в очереди"],
    ["bag", "Was a bag offered?", "Предложили пакет?"],
    ["notes", "Anything else?", "Что-то ещё?"],
  ];
  for (const [i, [id, en, ru]] of texts.entries()) {
    await box(page, `s0.q${i}.id`).fill(id);
    await box(page, `s0.q${i}.text.en`).fill(en);
    await box(page, `s0.q${i}.text.ru`).fill(ru);
  }
  // The Chinese boxes are empty and say the translation is missing.
  await expect(box(page, "s0.q0.text.zh-CN")).toHaveAttribute("placeholder", "missing");
  await expect(box(page, "s0.q0.text.zh-CN")).toHaveValue("");
  // Saved, the new ids are offered to the show-if boxes.
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByText("Draft saved.")).toBeVisible();
  await hydrated(page);

  // Problems show beside their fields while typing: scored questions need a dimension.
  await expect(page.locator('[data-problem-for="s0.q0.dimension"]')).toContainText("five dimensions");
  for (const [i, dim] of ["empathy", "assurance", "empathy", "responsiveness", "reliability"].entries()) {
    await box(page, `s0.q${i}.dimension`).selectOption(dim);
  }
  await box(page, "s0.q3.pass.at_most").fill("120");
  await box(page, "s0.q4.o0.id").fill("yes_offered");
  await box(page, "s0.q4.o0.label.en").fill("Yes, without asking");
  await box(page, "s0.q4.o1.id").fill("no");
  await box(page, "s0.q4.o1.label.en").fill("No");
  await box(page, "s0.q1.show_if.question").selectOption("greeted");
  await box(page, "s0.q1.show_if.equals").fill("yes");
  await box(page, "s0.q5.required").uncheck();
  await expect(page.locator('[data-problem-for="s0.q0.dimension"]')).toBeHidden();
  await expect(page.getByTestId("problem-count")).toContainText("No problems");

  // The phone preview is a phone's width, fills in like the shopper's form and scores.
  const phone = page.getByTestId("phone-preview");
  const width = await page.locator(".phone-screen").evaluate((el) => el.getBoundingClientRect().width);
  expect(width).toBeLessThanOrEqual(360);
  await expect(phone.getByRole("heading", { name: "Till check" })).toBeVisible();
  await expect(phone.locator('[data-question="thanked"]')).toHaveCount(0);
  await phone.locator('[data-question="greeted"]').getByRole("button", { name: "Yes", exact: true }).click();
  await expect(phone.locator('[data-question="thanked"]')).toBeVisible();
  await phone.locator('[data-question="thanked"]').getByRole("button", { name: "No", exact: true }).click();
  await expect(page.getByTestId("preview-score")).toContainText("50");
  await page.screenshot({ path: "test-results/designer.png", fullPage: false });

  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page.getByText("Published as version 1")).toBeVisible();

  // Assign it to a shopper at a store.
  await page.goto("/assign");
  await page.getByLabel("Store", { exact: true }).selectOption("EDI-001");
  await page.getByLabel("Checklist", { exact: true }).selectOption(key);
  await page.getByLabel("Shopper", { exact: true }).selectOption("shopper.chen");
  await page.getByRole("button", { name: "Assign" }).click();
  await expect(page.getByText("The assignment was made")).toBeVisible();

  // The shopper opens the app online once, then does the visit with no signal.
  const phoneContext: BrowserContext = await browser.newContext(mobile);
  const shopper = await phoneContext.newPage();
  await shopper.goto("/login?next=/shopper");
  await shopper.getByLabel("Username").fill("shopper.chen");
  await shopper.getByLabel("Password").fill(DEMO_PASSWORD);
  await shopper.getByRole("button", { name: "Sign in" }).click();
  await shopper.waitForURL(/\/shopper$/);
  await hydrated(shopper);
  await expect.poll(() => shopper.evaluate(async () => !!(await caches.match("/shopper"))), { timeout: 20_000 }).toBe(true);
  await expect(shopper.getByRole("link", { name: /Start Princes Street/ })).toBeVisible({ timeout: 20_000 });
  await phoneContext.setOffline(true);
  await shopper.reload();
  await hydrated(shopper);
  await shopper.getByRole("link", { name: /Start Princes Street/ }).click();
  await expect(shopper.getByRole("heading", { name: "Till check" })).toBeVisible();
  const q = (id: string) => shopper.locator(`fieldset.question[data-question="${id}"]`);
  await q("greeted").getByRole("button", { name: "Yes", exact: true }).click();
  await q("thanked").getByRole("button", { name: "Yes", exact: true }).click();
  await q("friendly").getByRole("button", { name: "5", exact: true }).click();
  await q("queue").getByLabel("Seconds").fill("45");
  await q("queue").getByLabel("Seconds").press("Enter");
  await q("bag").getByRole("button", { name: "Yes, without asking" }).click();
  await q("notes").getByRole("textbox").fill("Designer-made checklist, filled offline.");
  await shopper.getByRole("button", { name: "Review" }).click();
  await expect(shopper.getByText("Everything required is answered")).toBeVisible();
  await shopper.getByRole("button", { name: "Submit" }).click();
  await expect(shopper.getByTestId("unsent")).toContainText("1 waiting to send");

  await phoneContext.setOffline(false);
  await expect(shopper.locator('.outbox [data-state="sent"]')).toBeVisible({ timeout: 30_000 });
  await phoneContext.close();

  // A new shopper's visit waits for review: the admin releases it from the queue.
  await page.goto("/reviews?shopper=shopper.chen&store=EDI-001");
  await page.locator("table.review-queue tbody tr").filter({ hasText: "Till check" }).getByRole("link").click();
  await page.getByLabel("Release: it counts").check();
  await page.getByRole("button", { name: "Save the decision" }).click();
  await expect(page).toHaveURL(/\/reviews\?decided=/);

  // The report shows it, scored by the checklist as published.
  const list = await (await page.request.get("/api/v1/stores/EDI-001/responses?limit=50")).json();
  const mine = list.find((r: { template: string }) => r.template === key);
  expect(mine).toBeTruthy();
  await page.goto(`/responses/${mine.id}`);
  await expect(page.getByText("Designer-made checklist, filled offline.")).toBeVisible();
  await expect(page.getByText("Did the cashier greet you?")).toBeVisible();
  await expect(page.locator("[data-test='report-score']")).toHaveText(/100/);
});

test("without JavaScript the designer still saves, marks problems and publishes @js-off", async ({ page }, info) => {
  const key = keyFor(info, "plain-form");
  await signIn(page, info, "admin");
  await expect(page).toHaveURL(/\/stores$/);
  await newChecklist(page, key);
  await addQuestion(page, "yes_no");
  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page.getByText("Saved, not published")).toBeVisible();
  await expect(page.locator('[data-problem-for="s0.q0.text.en"]')).toContainText("English text is required");
  await box(page, "title.en").fill("Plain form");
  await box(page, "s0.title.en").fill("Only section");
  await box(page, "s0.q0.text.en").fill("Was the floor clean?");
  await box(page, "s0.q0.dimension").selectOption("tangibles");
  await box(page, "s0.q0.weight").fill("two");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(box(page, "s0.q0.weight")).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator('[data-problem-for="s0.q0.weight"]')).toContainText("Not a number");
  await box(page, "s0.q0.weight").fill("2");
  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page.getByText("Published as version 1")).toBeVisible();
  // What changed: none yet; a second version shows its change.
  await box(page, "s0.q0.weight").fill("3");
  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page.getByText("Published as version 2")).toBeVisible();
  await page.getByRole("link", { name: "What changed from version 1 to 2" }).click();
  await expect(page.getByTestId("changes")).toContainText("weight");
  await ready(page, info);
});

// Review before release, end to end: a new shopper's visit waits in the review queue; the
// reviewer returns it with a comment; the shopper's phone shows the comment (offline too),
// the shopper corrects and resends; the reviewer releases it; the store manager appeals an
// item, the reviewer upholds it and the score moves on the scorecard; the team reads its copy.
import { test, expect, Page, BrowserContext } from "@playwright/test";
import { DEMO_PASSWORD, signIn } from "./helpers";

const mobile = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: "en-GB" };

type Question = { id: string; type: string };

/** Every answer the in-store checklist needs: all passed. */
function passingAnswers(template: { sections: { questions: Question[] }[] }) {
  const answers: { question: string; value: unknown }[] = [];
  for (const s of template.sections) {
    for (const q of s.questions) {
      const value = { yes_no: true, scale_1_5: 4, duration_seconds: 20, free_text: "Quick and friendly." }[q.type];
      if (value !== undefined) answers.push({ question: q.id, value });
    }
  }
  return answers;
}

async function hydrated(page: Page) {
  await expect(page.locator('body[data-hydrated="true"], .shopper-root h1')).not.toHaveCount(0, { timeout: 30_000 });
}

async function signInAs(page: Page, username: string, next = "/stores") {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** The score of this visit in the scorecard's list of latest visits. */
async function listedScore(page: Page, id: string): Promise<string> {
  await page.goto("/stores/SH-001/scorecard");
  const row = page.locator(`li:has(a[href="/responses/${id}"]), tr:has(a[href="/responses/${id}"])`).first();
  await expect(row).toBeVisible();
  return (await row.innerText()).match(/(\d+(?:\.\d+)?) %/)?.[1] ?? "";
}

test("a visit is returned, corrected on the phone, released, appealed and upheld, and the team reads it @hydrated", async ({ page, browser }, info) => {
  test.skip(info.project.name !== "hydrated-desktop", "one shared store: run once");
  test.setTimeout(240_000);

  // An admin assigns the new shopper to Nanjing Road.
  await signIn(page, info, "admin");
  await page.goto("/assign");
  await page.getByLabel("Store", { exact: true }).selectOption("SH-001");
  await page.getByLabel("Checklist", { exact: true }).selectOption("instore-visit");
  await page.getByLabel("Shopper", { exact: true }).selectOption("shopper.ivan");
  await page.getByRole("button", { name: "Assign" }).click();
  await expect(page.getByText("The assignment was made")).toBeVisible();

  // The shopper's phone sends the visit (its own API call: the form itself is tested elsewhere).
  const phoneContext: BrowserContext = await browser.newContext(mobile);
  const phone = await phoneContext.newPage();
  await signInAs(phone, "shopper.ivan", "/shopper");
  await phone.waitForURL(/\/shopper$/);
  const feed = await (await phone.request.get("/api/v1/shopper/assignments")).json();
  const job = feed.assignments.find((a: { store_code: string; submitted: boolean }) => a.store_code === "SH-001" && !a.submitted);
  expect(job).toBeTruthy();
  const template = (await (await phone.request.get(`/api/v1/templates/instore-visit/versions/${job.template_version}`)).json()).template;
  const id = crypto.randomUUID();
  const now = new Date();
  const body = {
    template: "instore-visit", template_version: job.template_version, store: "SH-001", channel: "mystery_visit",
    started_at: new Date(now.getTime() - 20 * 60_000).toISOString(), finished_at: now.toISOString(),
    answers: passingAnswers(template), assignment: job.id,
  };
  const sent = await phone.request.put(`/api/v1/responses/${id}`, { data: body });
  expect(sent.status()).toBe(201);
  expect((await sent.json()).status).toBe("submitted");

  // The reviewer finds it waiting (a new shopper's visits are all reviewed) and returns it.
  const reviewerContext = await browser.newContext();
  const reviewer = await reviewerContext.newPage();
  await signInAs(reviewer, "reviewer.kim", "/reviews");
  await expect(reviewer).toHaveURL(/\/reviews$/);
  await expect(reviewer.getByRole("heading", { name: "Review queue" })).toBeVisible();
  const row = reviewer.locator(`tr[data-response="${id}"]`);
  await expect(row).toContainText("Among the shopper's first visits");
  await reviewer.screenshot({ path: "test-results/review-queue.png", fullPage: true });
  await row.getByRole("link").click();
  await expect(reviewer.getByText("Waiting for review")).toBeVisible();
  await expect(reviewer.getByText("Shopper: Ivan Sokolov")).toBeVisible();
  await reviewer.getByLabel("Comment for the shopper on: An employee made eye contact and smiled").fill("Please check: was there really eye contact at the door?");
  await reviewer.getByLabel(/^Return to the shopper/).check();
  await reviewer.getByLabel("Reason").fill("One item to check before this counts.");
  await reviewer.getByRole("button", { name: "Save the decision" }).click();
  await expect(reviewer).toHaveURL(/\/reviews\?decided=/);
  await expect(reviewer.locator(`tr[data-response="${id}"]`)).toHaveCount(0);

  // The phone picks the return up online, and still shows it offline.
  await phone.goto("/shopper");
  await hydrated(phone);
  const returned = phone.locator(`[data-returned="${id}"]`);
  await expect(returned).toContainText("was there really eye contact at the door?", { timeout: 20_000 });
  await expect.poll(() => phone.evaluate(async () => !!(await caches.match("/shopper"))), { timeout: 20_000 }).toBe(true);
  await phoneContext.setOffline(true);
  await phone.reload();
  await hydrated(phone);
  await expect(returned).toContainText("One item to check before this counts.");
  await returned.getByRole("link", { name: "Correct and send again" }).click();
  await expect(phone.getByTestId("review-note")).toContainText("was there really eye contact");
  // Correct the item, then step through to the end and send (still offline: it waits).
  const q = (qid: string) => phone.locator(`fieldset.question[data-question="${qid}"]`);
  for (let step = 0; step < 8; step++) {
    if (await q("eye_contact").isVisible()) {
      await q("eye_contact").getByRole("button", { name: "No", exact: true }).click();
    }
    const submit = phone.getByRole("button", { name: "Submit" });
    if (await submit.isVisible()) break;
    await phone.locator("nav.steps button").last().click();
  }
  await phone.getByRole("button", { name: "Submit" }).click();
  await expect(phone.getByTestId("unsent")).toContainText("1 waiting to send");
  await phoneContext.setOffline(false);
  await expect(phone.locator('.outbox [data-state="sent"]').first()).toBeVisible({ timeout: 30_000 });
  await expect(phone.locator(`[data-returned="${id}"]`)).toHaveCount(0);

  // The corrected revision is back in the queue; the reviewer releases it.
  await reviewer.goto("/reviews");
  await expect(reviewer.locator(`tr[data-response="${id}"]`)).toContainText("corrected once");
  await reviewer.goto(`/responses/${id}`);
  await expect(reviewer.getByText("Corrected by the shopper after a return")).toBeVisible();
  await reviewer.getByLabel("Release: it counts").check();
  await reviewer.getByRole("button", { name: "Save the decision" }).click();
  await expect(reviewer).toHaveURL(/\/reviews\?decided=/);

  // The store manager appeals the corrected item.
  const managerContext = await browser.newContext();
  const manager = await managerContext.newPage();
  await signInAs(manager, "manager.sh001");
  const before = await listedScore(manager, id);
  await manager.goto(`/responses/${id}`);
  await expect(manager.getByText("Released (counts)")).toBeVisible();
  await expect(manager.getByText("Shopper:")).toHaveCount(0);
  await manager.getByLabel("Why this is wrong: An employee made eye contact and smiled").fill("Our greeter looked up at once; the camera shows it.");
  await manager.getByRole("button", { name: "Send the appeal" }).click();
  await expect(manager.getByText("Appeal sent: a reviewer will answer it.")).toBeVisible();
  await manager.screenshot({ path: "test-results/review-appeal.png", fullPage: true });

  // The reviewer upholds it: the item becomes not applicable, the score moves.
  await reviewer.goto(`/responses/${id}`);
  await reviewer.getByLabel("Outcome").selectOption("upheld");
  await reviewer.getByLabel("Answer to the store").fill("Upheld: the item does not count for this visit.");
  await reviewer.getByRole("button", { name: "Answer the appeal" }).click();
  await expect(reviewer.getByText("Appeal answered; the score is up to date.")).toBeVisible();
  await expect(reviewer.getByText("Appeal upheld").first()).toBeVisible();
  const after = await listedScore(manager, id);
  expect(Number(after)).toBeGreaterThan(Number(before));

  // The phone shows the outcome (without who appealed); the team reads the released report.
  await phone.goto("/shopper");
  await expect(phone.locator(`[data-visit-status="released"]`).filter({ hasText: "Appeal upheld" }).first()).toBeVisible({ timeout: 20_000 });
  const staffContext = await browser.newContext();
  const staff = await staffContext.newPage();
  await signInAs(staff, "staff.sh001");
  await staff.goto(`/responses/${id}`);
  await expect(staff.getByText("Your team's copy of the report")).toBeVisible();
  await expect(staff.getByText("Ivan Sokolov")).toHaveCount(0);
  await expect(staff.getByRole("rowheader", { name: /An employee made eye contact and smiled/ })).toBeVisible();
  for (const c of [phoneContext, reviewerContext, managerContext, staffContext]) await c.close();
});

// The customer survey behind a store's QR code, on a phone: with JavaScript off (a plain form
// post) and on (survey.js keeps an answer through a network failure). What was stored is read
// back from the store manager's view of customer answers.
import { expect, test, APIRequestContext, request as pwRequest } from "@playwright/test";
import { answer, DEMO_PASSWORD, ready } from "./helpers";

const PORT = Number(process.env.E2E_PORT ?? 3199);
const BASE = `http://127.0.0.1:${PORT}`;

async function manager(): Promise<APIRequestContext> {
  const ctx = await pwRequest.newContext({ baseURL: BASE });
  const r = await ctx.post("/auth/login", { form: { username: "manager.sh001", password: DEMO_PASSWORD, next: "/" }, maxRedirects: 0 });
  expect(r.status()).toBe(303);
  return ctx;
}

/** The address in the store's QR code, as its manager's link page shows it. */
async function surveyLink(api: APIRequestContext): Promise<string> {
  const html = await (await api.get("/stores/SH-001/qr")).text();
  const key = html.match(/\/s\/SH-001\/([0-9a-f]{12})/)?.[1];
  expect(key).toBeTruthy();
  return `/s/SH-001/${key}`;
}

/** How many customer answers carrying `comment` the store's manager sees (flagged included:
 * a test answers faster than people do). */
async function storedWith(api: APIRequestContext, comment: string): Promise<number> {
  const html = await (await api.get("/stores/SH-001/customers?flagged=include")).text();
  return html.split(`<blockquote class="comment">${comment}</blockquote>`).length - 1;
}

test("a customer scans the code, answers in Chinese and is thanked; the answer is stored once", async ({ page }, info) => {
  const api = await manager();
  const link = await surveyLink(api);
  await page.goto(`${link}?lang=zh-CN&ch=till`);
  await ready(page, info);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("您这次购物体验如何？");
  // The store carries a Chinese name: the Chinese survey shows it.
  await expect(page.getByText("南京路店")).toBeVisible();
  const comment = `结账很快 ${info.project.name} ${Date.now()}`;
  await answer(page, comment);
  await page.getByRole("button", { name: "提交我的回答" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("谢谢您！");
  await expect(page).toHaveURL(/\/thanks\?lang=zh-CN$/);
  expect(await storedWith(api, comment)).toBe(1);
});

test("a customer switches the survey to Russian, misses questions, sees why, corrects and is thanked", async ({ page }, info) => {
  const api = await manager();
  const link = await surveyLink(api);
  await page.goto(link);
  await ready(page, info);
  await page.getByRole("link", { name: "Русский" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Как прошёл ваш визит?");
  const comment = `Долго ждал ${info.project.name} ${Date.now()}`;
  // Only the first question and the comment: two required questions are missing.
  await page.locator("fieldset.survey-q").first().getByRole("radio", { name: "3", exact: true }).check();
  await page.locator("textarea").fill(comment);
  await page.getByRole("button", { name: "Отправить ответы" }).click();
  await expect(page.getByRole("alert")).toContainText("Проверьте отмеченные ниже вопросы");
  await expect(page.getByText("Пожалуйста, ответьте на этот вопрос.")).toHaveCount(2);
  // What was given is still there, and nothing was stored.
  await expect(page.locator("fieldset.survey-q").first().getByRole("radio", { name: "3", exact: true })).toBeChecked();
  await expect(page.locator("textarea")).toHaveValue(comment);
  expect(await storedWith(api, comment)).toBe(0);

  await answer(page, comment);
  await page.getByRole("button", { name: "Отправить ответы" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Спасибо!");
  expect(await storedWith(api, comment)).toBe(1);
});

test("a send without a network is kept on the phone and sent once when it is back @hydrated", async ({ page, context }, info) => {
  test.skip(info.project.name !== "hydrated-mobile", "one phone is enough");
  const api = await manager();
  const link = await surveyLink(api);
  await page.goto(`${link}?lang=en`);
  await ready(page, info);
  const comment = `Lost signal at the till ${Date.now()}`;
  await answer(page, comment);

  await context.setOffline(true);
  await page.getByRole("button", { name: "Send my answers" }).click();
  await expect(page.getByRole("status")).toContainText("Your answers are saved on this phone");
  expect(await page.evaluate(() => JSON.parse(localStorage.getItem("servscope.survey.outbox") ?? "[]").length)).toBe(1);
  expect(await storedWith(api, comment)).toBe(0);
  // Pressing again while offline keeps one copy, not two.
  await page.getByRole("button", { name: "Send my answers" }).click();
  expect(await page.evaluate(() => JSON.parse(localStorage.getItem("servscope.survey.outbox") ?? "[]").length)).toBe(1);

  await context.setOffline(false);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Thank you!", { timeout: 25_000 });
  expect(await page.evaluate(() => localStorage.getItem("servscope.survey.outbox"))).toBe("[]");
  expect(await storedWith(api, comment)).toBe(1);
});

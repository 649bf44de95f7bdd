// Takes the README screenshots from a running server: node screenshots.mjs http://127.0.0.1:3000
import { chromium } from "@playwright/test";

const base = process.argv[2] ?? "http://127.0.0.1:3000";
const out = process.argv[3] ?? "../docs/screenshots";
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const sizes = { mobile: { width: 390, height: 844 }, desktop: { width: 1280, height: 860 } };

async function shoot(name, size, steps, lang = "en-GB") {
  const context = await browser.newContext({ viewport: sizes[size], deviceScaleFactor: 1, locale: lang });
  const page = await context.newPage();
  await steps(page);
  await page.locator("body[data-hydrated], body[data-server-only]").waitFor({ timeout: 15000 });
  await page.screenshot({ path: `${out}/${name}-${size}.png`, fullPage: size === "mobile" });
  await context.close();
}

async function signIn(page, user) {
  await page.goto(`${base}/login`);
  await page.getByLabel(/Username|用户名|Имя/).fill(user);
  await page.getByLabel(/Password|密码|Пароль/).fill("servscope-demo");
  await page.getByRole("button", { name: /Sign in|登录|Войти/ }).click();
  await page.waitForURL(/\/(stores|shopper)/);
}

async function shopperForm(p) {
  await signIn(p, "shopper.anna");
  await p.getByRole("link", { name: /Start Nanjing Road/ }).click();
  await p.getByRole("button", { name: "Yes", exact: true }).first().click();
  await p.getByRole("button", { name: "Next" }).click();
  await p.getByRole("button", { name: "Yes", exact: true }).first().click();
  await p.getByRole("button", { name: "Start stopwatch" }).click();
  await p.waitForTimeout(2200);
}

for (const size of ["mobile", "desktop"]) {
  await shoot("home", size, (p) => p.goto(base));
  await shoot("stores", size, (p) => signIn(p, "regional.east"));
}
await shoot("home-zh", "mobile", (p) => p.goto(base), "zh-CN");
await shoot("stores-ru", "mobile", (p) => signIn(p, "regional.russia"), "ru-RU");
await shoot("signin", "mobile", (p) => p.goto(`${base}/login`));
await shoot("tokens", "desktop", async (p) => { await signIn(p, "admin"); await p.goto(`${base}/admin/tokens`); });
for (const size of ["mobile", "desktop"]) {
  await shoot("shopper", size, async (p) => { await signIn(p, "shopper.anna"); await p.getByRole("heading", { name: "Due now" }).waitFor(); });
  await shoot("assign", size, async (p) => { await signIn(p, "regional.east"); await p.goto(`${base}/assign`); });
}
await shoot("shopper-form", "mobile", shopperForm);
await shoot("survey-qr", "mobile", async (p) => { await signIn(p, "regional.east"); await p.goto(`${base}/stores/SH-001/qr?lang=zh-CN&ch=till`); });
await shoot("survey-qr", "desktop", async (p) => { await signIn(p, "regional.east"); await p.goto(`${base}/stores/SH-001/qr`); });
await shoot("poster-a4", "desktop", async (p) => { await signIn(p, "regional.east"); await p.goto(`${base}/stores/SH-001/poster?size=a4&lang=ru`); });
await shoot("shopper-zh", "mobile", async (p) => { await signIn(p, "shopper.anna"); await p.getByRole("heading", { name: "今日可做" }).waitFor(); }, "zh-CN");
await browser.close();

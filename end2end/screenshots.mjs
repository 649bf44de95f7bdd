// Takes the README screenshots from a running server: node screenshots.mjs http://127.0.0.1:3000
import { chromium } from "@playwright/test";

const base = process.argv[2] ?? "http://127.0.0.1:3000";
const out = process.argv[3] ?? "../docs/screenshots";
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const sizes = { mobile: { width: 390, height: 844 }, desktop: { width: 1280, height: 860 } };

async function shoot(name, size, steps, lang = "en-GB", javaScriptEnabled = true, fullPage = size === "mobile") {
  const context = await browser.newContext({ viewport: sizes[size], deviceScaleFactor: 1, locale: lang, javaScriptEnabled });
  const page = await context.newPage();
  await steps(page);
  await page.locator("body[data-hydrated], body[data-server-only]").waitFor({ timeout: 15000 });
  await page.screenshot({ path: `${out}/${name}-${size}.png`, fullPage });
  await context.close();
}

async function signIn(page, user) {
  await page.goto(`${base}/login`);
  await page.getByLabel(/Username|用户名|Имя/).fill(user);
  await page.getByLabel(/Password|密码|Пароль/).fill("servscope-demo");
  await page.getByRole("button", { name: /Sign in|登录|Войти/ }).click();
  await page.waitForURL(/\/(stores|shopper|self|reviews)/);
}

// Setting up the chain: the stores and regions, a store's form refused, an import's preview.
async function setupScreens() {
  await shoot("setup", "desktop", async (p) => { await signIn(p, "admin"); await p.goto(`${base}/admin/stores`); });
  await shoot("store-form", "mobile", async (p) => {
    await signIn(p, "admin");
    await p.goto(`${base}/admin/stores/SH-001/edit`);
    await p.getByLabel("Time zone *").fill("Shanghai");
    await p.getByRole("button", { name: "Save" }).click();
    await p.getByRole("alert").first().waitFor();
  });
  await shoot("store-import", "desktop", async (p) => {
    await signIn(p, "admin");
    await p.goto(`${base}/admin/stores/import`);
    await p.getByLabel("Or paste or correct the text").fill(
      "code,name,name_zh_cn,region,timezone,address,opening_hours\n" +
      "SH-003,Xintiandi,新天地店,East China,Asia/Shanghai,181 Taicang Road,Mon-Sun 10:00-22:00\n" +
      "SH-004,Lujiazui,陆家嘴店,East China,Asia/Shangai,8 Century Avenue,Mon-Fri 09:00-21:00; Sat-Sun 10:00-22:00\n" +
      "SH-001,Nanjing Road,南京路店,East China,Asia/Shanghai,300 Nanjing Road East,Mon-Sun 09:00-22:00\n");
    await p.getByRole("button", { name: "Check" }).click();
    await p.getByRole("heading", { name: "What this file would do" }).waitFor();
  });
  // People: the list, a new store manager's link to pass on, and the link on their phone.
  await shoot("people", "desktop", async (p) => { await signIn(p, "admin"); await p.goto(`${base}/admin/users`); });
  let link = "";
  await shoot("person-invited", "desktop", async (p) => {
    await signIn(p, "admin");
    await p.goto(`${base}/admin/users`);
    const form = p.getByRole("form", { name: "Add a person" });
    await form.getByLabel("Username").fill(`li.na.${Date.now() % 100000}`);
    await form.getByLabel("Name", { exact: true }).fill("Li Na");
    await form.getByLabel("Role").selectOption("store_manager");
    await form.getByLabel(/^Stores/).selectOption("SH-002");
    await form.getByRole("button", { name: "Add and make an invitation link" }).click();
    link = (await p.locator("code.secret").textContent()).trim();
  });
  await shoot("invite", "mobile", (p) => p.goto(link), "ru-RU");
  await shoot("settings", "desktop", async (p) => { await signIn(p, "admin"); await p.goto(`${base}/admin/settings`); });
}

// The checklist designer: the list, a draft with a problem and the phone preview filled in,
// the designer on a phone, and what changed between two versions.
async function designerScreens() {
  await shoot("checklists", "desktop", async (p) => { await signIn(p, "admin"); await p.goto(`${base}/admin/templates`); });
  await shoot("designer", "desktop", async (p) => {
    await signIn(p, "admin");
    await p.goto(`${base}/admin/templates/instore-visit/draft`);
    await p.locator("body[data-hydrated]").waitFor({ timeout: 30000 });
    await p.locator("#f-s0-q0-weight").fill("heavy");
    await p.locator("#f-s0-q0-text-ru").fill("");
    const phone = p.getByTestId("phone-preview");
    await phone.locator('[data-question="entrance_clean"]').getByRole("button", { name: "Yes", exact: true }).click();
    await phone.locator('[data-question="floor_tidy"]').getByRole("button", { name: "No", exact: true }).click();
    await phone.locator('[data-question="prices_visible"]').getByRole("button", { name: "Yes", exact: true }).click();
    await p.locator("#f-s0-q0-text-ru").focus();
  });
  // On a phone: the form, and the preview opened as a panel along the bottom.
  await shoot("designer", "mobile", async (p) => {
    await signIn(p, "admin");
    await p.goto(`${base}/admin/templates/customer-expectations/draft`);
    await p.locator("body[data-hydrated]").waitFor({ timeout: 30000 });
    await p.locator("#s0-q0").scrollIntoViewIfNeeded();
    await p.locator("[data-preview-panel] summary").click();
    await p.getByTestId("phone-preview").locator("button.choice").first().click();
  }, "ru-RU", true, false);
  await shoot("checklist-changes", "desktop", async (p) => {
    await signIn(p, "admin");
    await p.goto(`${base}/admin/templates/instore-visit/draft`);
    await p.locator("#f-s0-q0-weight").fill("3");
    await p.locator("#f-s1-q0-text-en").fill("An employee smiled and made eye contact when you were about 15 feet away.");
    await p.locator("#f-s2-q6-critical").uncheck();
    await p.getByRole("button", { name: "Save draft" }).click();
    await p.getByText("Draft saved.").waitFor();
    await p.goto(`${base}/admin/templates/instore-visit/changes?to=draft`);
  });
}
// The scorecard's gap view: customers' perception minus expectation beside the three views.
async function gapScreen() {
  await shoot("scorecard-gap", "desktop", async (p) => {
    await signIn(p, "manager.sh001");
    await p.goto(`${base}/stores/SH-001/scorecard`);
    await p.locator("[data-gap]").first().scrollIntoViewIfNeeded();
    await p.evaluate(() => window.scrollBy(0, 200));
  }, "en-GB", true, false);
}
// Review before release: the queue, a waiting visit's evidence, a return the shopper's phone
// shows, and a store manager's appeal.
async function reviewScreens() {
  await shoot("review-queue", "desktop", async (p) => { await signIn(p, "reviewer.kim"); await p.goto(`${base}/reviews`); });
  await shoot("review-report", "desktop", async (p) => {
    await signIn(p, "reviewer.kim");
    await p.goto(`${base}/reviews?store=LDN-001`);
    await p.locator("table.review-queue tbody tr a").first().click();
    await p.locator(".evidence-card").scrollIntoViewIfNeeded();
    await p.evaluate(() => window.scrollBy(0, -120));
  }, "en-GB", true, false);
  await shoot("review-decide", "desktop", async (p) => {
    await signIn(p, "reviewer.kim");
    await p.goto(`${base}/reviews?store=MSK-001`);
    await p.locator("table.review-queue tbody tr a").first().click();
    await p.getByLabel(/^Comment for the shopper on: An employee made eye contact/).fill("Please check: was there eye contact at the door?");
    await p.getByLabel(/^Return to the shopper/).check();
    await p.getByLabel("Reason").fill("One item to check before this counts.");
    await p.locator("#decide-title").scrollIntoViewIfNeeded();
    await p.evaluate(() => window.scrollBy(0, -80));
  }, "en-GB", true, false);
  // Send the return, then the shopper's phone shows it.
  const context = await browser.newContext({ viewport: sizes.desktop, locale: "en-GB" });
  const reviewer = await context.newPage();
  await signIn(reviewer, "reviewer.kim");
  await reviewer.goto(`${base}/reviews?store=MSK-001`);
  await reviewer.locator("table.review-queue tbody tr a").first().click();
  await reviewer.getByLabel(/^Comment for the shopper on: An employee made eye contact/).fill("Please check: was there eye contact at the door?");
  await reviewer.getByLabel(/^Return to the shopper/).check();
  await reviewer.getByLabel("Reason").fill("One item to check before this counts.");
  await reviewer.getByRole("button", { name: "Save the decision" }).click();
  await reviewer.waitForURL(/decided=/);
  await context.close();
  await shoot("shopper-returned", "mobile", async (p) => {
    await signIn(p, "shopper.ivan");
    await p.locator("[data-returned]").first().waitFor({ timeout: 20000 });
  });
  await shoot("review-appeal", "desktop", async (p) => {
    await signIn(p, "manager.ldn001");
    await p.goto(`${base}/stores/LDN-001/scorecard`);
    await p.locator("table[data-test='latest-reports'] a").first().click();
    await p.locator("textarea[name^='appeal.']").first().fill("The floor had just been mopped after a spill.");
    await p.getByRole("button", { name: "Send the appeal" }).click();
    await p.getByText("Appeal sent").waitFor();
    // The appeal and the visit's decisions are at the end of the report.
    await p.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  }, "en-GB", true, false);
}

if (process.argv[4] === "review") {
  await reviewScreens();
  await browser.close();
  process.exit(0);
}
if (process.argv[4] === "designer") {
  await gapScreen();
  await designerScreens();
  await browser.close();
  process.exit(0);
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
await setupScreens();
await designerScreens();
await gapScreen();
await reviewScreens();
for (const size of ["mobile", "desktop"]) {
  await shoot("shopper", size, async (p) => { await signIn(p, "shopper.anna"); await p.getByRole("heading", { name: "Due now" }).waitFor(); });
  await shoot("assign", size, async (p) => { await signIn(p, "regional.east"); await p.goto(`${base}/assign`); });
}
await shoot("shopper-form", "mobile", shopperForm);
await shoot("survey-qr", "mobile", async (p) => { await signIn(p, "regional.east"); await p.goto(`${base}/stores/SH-001/qr?lang=zh-CN&ch=till`); });
await shoot("survey-qr", "desktop", async (p) => { await signIn(p, "regional.east"); await p.goto(`${base}/stores/SH-001/qr`); });
await shoot("poster-a4", "desktop", async (p) => { await signIn(p, "regional.east"); await p.goto(`${base}/stores/SH-001/poster?size=a4&lang=ru`); });
await shoot("shopper-zh", "mobile", async (p) => { await signIn(p, "shopper.anna"); await p.getByRole("heading", { name: "今日可做" }).waitFor(); }, "zh-CN");
// The customer survey: the link as its regional manager's page shows it.
async function surveyLink(user, store) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, user);
  await page.goto(`${base}/stores/${store}/qr`);
  const link = await page.locator("figure code.link").innerText();
  await context.close();
  return link.replace(/^https?:\/\/[^/]+/, base);
}
const moscow = await surveyLink("regional.russia", "MSK-001");
await shoot("survey-ru", "mobile", (p) => p.goto(`${moscow}?lang=ru&ch=till`), "ru-RU");
await shoot("survey-errors", "mobile", async (p) => {
  await p.goto(`${moscow}?lang=en`);
  await p.locator("fieldset.survey-q").first().getByRole("radio", { name: "6", exact: true }).check();
  await p.getByRole("button", { name: "Send my answers" }).click();
  await p.getByRole("alert").waitFor();
}, "en-GB", false);
// One answer with a call-back request, then the store manager's view of customer answers.
const shanghai = await surveyLink("manager.sh001", "SH-001");
{
  const context = await browser.newContext({ locale: "zh-CN" });
  const p = await context.newPage();
  await p.goto(shanghai);
  const groups = p.locator("fieldset.survey-q:not(.contact)");
  await groups.nth(0).getByRole("radio", { name: "4", exact: true }).check();
  for (const i of [1, 2, 3, 4, 5]) await groups.nth(i).getByRole("radio", { name: "2", exact: true }).check();
  await p.locator("textarea").fill("排队等了二十分钟，只有一个收银台开着。");
  await p.locator("input[name=contact]").check();
  await p.locator("#contact-name").fill("王先生");
  await p.locator("#contact-phone").fill("138 0013 8000");
  await p.locator("form[data-survey] button[type=submit]").click();
  await p.waitForURL(/thanks/);
  await context.close();
}
await shoot("customer-answers", "mobile", async (p) => { await signIn(p, "manager.sh001"); await p.goto(`${base}/stores/SH-001/customers`); });
// Employee self-assessment: on the employee's own login, and the store's staff link once its
// manager has set a PIN.
await shoot("self", "mobile", async (p) => { await signIn(p, "staff.sh001"); await p.goto(`${base}/self`); });
{
  const context = await browser.newContext();
  const p = await context.newPage();
  await signIn(p, "manager.sh001");
  await p.goto(`${base}/stores/SH-001/qr`);
  await p.locator("#staff-pin-new").fill("2468");
  await p.getByRole("button", { name: "Save the PIN" }).click();
  await p.waitForURL(/pin=set/);
  await context.close();
}
await shoot("staff-pin", "mobile", (p) => p.goto(`${base}/staff/SH-001`));
// A store's scorecard, as its manager opens it every week.
for (const size of ["mobile", "desktop"]) {
  await shoot("scorecard", size, async (p) => { await signIn(p, "manager.sh001"); await p.goto(`${base}/stores/SH-001/scorecard`); });
}
// Issue 5: the league with its rollups, and a mystery visit's full report.
for (const size of ["mobile", "desktop"]) {
  await shoot("league", size, async (p) => { await signIn(p, "admin"); await p.goto(`${base}/league`); });
  await shoot("report", size, async (p) => {
    await signIn(p, "manager.sh001");
    await p.goto(`${base}/stores/SH-001/scorecard`);
    await p.locator("table[data-test='latest-reports'] a").first().click();
    await p.waitForURL(/\/responses\//);
  });
}
await browser.close();

// The mystery shopper's phone: offline from cold, drafts in IndexedDB, the outbox and its
// sync, photos in resumable chunks, and a new deployment in the middle of it all.
//
// These tests run their own server (own port, own SQLite file, own copy of the site) because
// they stop it and start a new "deployment" on the same origin.
import { test, expect, Page, BrowserContext, APIRequestContext, request as pwRequest } from "@playwright/test";
import { spawn, ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as os from "node:os";
import { DEMO_PASSWORD } from "./helpers";

const PORT = Number(process.env.E2E_SHOPPER_PORT ?? 3198);
const BASE = `http://127.0.0.1:${PORT}`;
const mobile = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: "en-GB" };

let server: ChildProcess | undefined;
let work: string;

function siteRoot() {
  return path.join(work, "site");
}

async function startServer() {
  server = spawn("../target/debug/server", ["--demo", "true"], {
    env: {
      ...process.env,
      SERVSCOPE_BIND: `127.0.0.1:${PORT}`,
      SERVSCOPE_DATA_DIR: path.join(work, "data"),
      SERVSCOPE_SITE_ROOT: siteRoot(),
      SERVSCOPE_LOGIN_RATE: "1000",
      SERVSCOPE_LOG: "warn",
    },
    stdio: "inherit",
  });
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${BASE}/healthz`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("the server did not start");
}

async function stopServer() {
  if (!server) return;
  const exited = new Promise((r) => server!.once("exit", r));
  server.kill("SIGTERM");
  await exited;
  server = undefined;
}

/** A "new deployment": the same app under a new content hash, as a rebuild would give. */
function deployNewBundle(): string {
  const pkg = path.join(siteRoot(), "pkg");
  const current = fs.readFileSync(path.join(pkg, "CURRENT"), "utf8").trim();
  const next = (BigInt("0x" + current) ^ 0xfn).toString(16).padStart(current.length, "0");
  fs.cpSync(path.join(pkg, current), path.join(pkg, next), { recursive: true });
  for (const ext of [".br", ".gz"]) fs.rmSync(path.join(pkg, next, "servscope.js" + ext), { force: true });
  fs.appendFileSync(path.join(pkg, next, "servscope.js"), "\n// redeployed\n");
  fs.writeFileSync(path.join(pkg, "CURRENT"), next + "\n");
  return next;
}

test.beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "servscope-shopper-e2e-"));
  fs.cpSync("../target/site", siteRoot(), { recursive: true });
  await startServer();
});

test.afterAll(async () => {
  await stopServer();
  fs.rmSync(work, { recursive: true, force: true });
});

test.describe.configure({ mode: "serial" });

/** The admin's API session, to look at what the server holds. */
async function admin(): Promise<APIRequestContext> {
  const ctx = await pwRequest.newContext({ baseURL: BASE });
  const r = await ctx.post("/auth/login", { form: { username: "admin", password: DEMO_PASSWORD, next: "/" }, maxRedirects: 0 });
  expect(r.status()).toBe(303);
  return ctx;
}

async function visitsAt(api: APIRequestContext, store: string) {
  const r = await api.get(`/api/v1/stores/${store}/responses?limit=500`);
  expect(r.ok()).toBeTruthy();
  const list = (await r.json()) as { id: string; template: string }[];
  return list.filter((x) => x.template === "instore-visit");
}

/** Anna's visits wait for a reviewer (she is a new shopper); the admin releases the one waiting
 * at `store`, so it counts, and returns its id. Exactly one must be waiting there. */
async function releaseWaiting(api: APIRequestContext, store: string): Promise<string> {
  const r = await api.get(`/api/v1/reviews?status=waiting&store=${store}&shopper=shopper.anna`);
  expect(r.ok()).toBeTruthy();
  const waiting = (await r.json()).items as { id: string }[];
  expect(waiting.length).toBe(1);
  const released = await api.post(`/api/v1/responses/${waiting[0].id}/decision`, { data: { decision: "release", reason: "" } });
  expect(released.status()).toBe(200);
  return waiting[0].id;
}

async function openShopperApp(context: BrowserContext, username = "shopper.anna", existing?: Page): Promise<Page> {
  const page = existing ?? (await context.newPage());
  await page.goto(`${BASE}/login?next=/shopper`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${BASE}/shopper`);
  await hydrated(page);
  // Ready for offline: the worker controls the page and keeps the shell.
  await expect.poll(() => page.evaluate(async () => !!(await caches.match("/shopper"))), { timeout: 20_000 }).toBe(true);
  return page;
}

async function hydrated(page: Page) {
  // Generous: compiling the wasm module on a loaded 2-core machine has taken over 20 s.
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true", { timeout: 40_000 });
}

/** A real JPEG with noise, so it stays large after the phone's compression. */
async function noisyJpeg(page: Page, width: number, height: number): Promise<Buffer> {
  const b64 = await page.evaluate(([w, h]) => {
    const c = document.createElement("canvas");
    c.width = w;
    c.height = h;
    const ctx = c.getContext("2d")!;
    const img = ctx.createImageData(w, h);
    for (let i = 0; i < img.data.length; i++) img.data[i] = (i * 2654435761) % 251;
    ctx.putImageData(img, 0, 0);
    return c.toDataURL("image/jpeg", 0.95).split(",")[1];
  }, [width, height]);
  return Buffer.from(b64, "base64");
}

/** Answer every shown question of the current section with a passing answer. */
async function answerSection(page: Page, photo: Buffer) {
  const questions = page.locator("fieldset.question");
  for (let i = 0; i < (await questions.count()); i++) {
    const q = questions.nth(i);
    const pressed = q.locator('button.choice[aria-pressed="true"]');
    if ((await q.getByRole("button", { name: "Yes", exact: true }).count()) > 0) {
      await q.getByRole("button", { name: "Yes", exact: true }).click();
    } else if ((await q.getByRole("button", { name: "Start stopwatch" }).count()) > 0) {
      await q.getByRole("button", { name: "Start stopwatch" }).click();
      await page.waitForTimeout(1200);
      await q.getByRole("button", { name: "Stop" }).click();
      await expect(q.getByLabel("Seconds")).not.toHaveValue("");
      // The measured time stays editable: the box's number becomes the answer.
      await q.getByLabel("Seconds").fill("75");
      await q.getByLabel("Seconds").press("Enter");
      await expect(q.locator("output.watch")).toHaveText("1:15");
    } else if ((await q.getByRole("button", { name: "Add one" }).count()) > 0) {
      await q.getByRole("button", { name: "Add one" }).click();
    } else if ((await q.getByText("Take or choose a photo").count()) > 0) {
      await q.locator('input[type="file"]').setInputFiles({ name: "shelf.jpg", mimeType: "image/jpeg", buffer: photo });
      await expect(q.getByRole("img", { name: "The photo kept for this item" })).toBeVisible({ timeout: 15_000 });
    } else if ((await q.getByRole("button", { name: "5", exact: true }).count()) > 0) {
      await q.getByRole("button", { name: "5", exact: true }).click();
    } else if ((await q.getByRole("textbox").count()) > 0) {
      await q.getByRole("textbox").fill("Friendly and quick.");
    } else if ((await q.locator("button.choice:not(.na)").count()) > 0 && (await pressed.count()) === 0) {
      await q.locator("button.choice:not(.na)").first().click();
    }
  }
}

async function completeVisit(page: Page, store: string, photo: Buffer) {
  await page.getByRole("link", { name: new RegExp(`(Start|Continue) ${store}`) }).click();
  await expect(page.getByTestId("progress")).toContainText("Section 1 of");
  for (let s = 0; s < 20; s++) {
    await answerSection(page, photo);
    const next = page.getByRole("button", { name: /^(Next|Review)$/ });
    if ((await next.count()) === 0) break;
    await next.click();
  }
  await expect(page.getByText("Everything required is answered")).toBeVisible();
  await expect(page.getByTestId("score-preview")).toContainText("Score so far");
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page.getByRole("heading", { name: "My visits and calls" })).toBeVisible();
}

test("a visit done offline from a cold start is sent once, with its photo, when the phone is back online @hydrated", async ({ browser }, info) => {
  test.skip(info.project.name !== "hydrated-mobile", "one phone is enough");
  test.setTimeout(180_000);
  const api = await admin();
  const before = (await visitsAt(api, "SH-001")).length;
  const context = await browser.newContext(mobile);
  const page = await openShopperApp(context);
  await expect(page.getByRole("heading", { name: "Due now" })).toBeVisible();
  const photo = await noisyJpeg(page, 800, 600);

  await context.setOffline(true);
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("sync-status")).toContainText("Offline");
  await completeVisit(page, "Nanjing Road", photo);
  await expect(page.getByTestId("unsent")).toContainText("1 waiting to send");
  await expect(page.locator('.outbox [data-state="queued"]')).toContainText("Waiting to send");
  expect((await visitsAt(api, "SH-001")).length).toBe(before);

  await context.setOffline(false);
  await expect(page.locator('.outbox [data-state="sent"]')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("unsent")).toContainText("Nothing waiting to send");
  // It arrives waiting for review and counts once released.
  expect((await visitsAt(api, "SH-001")).length).toBe(before);
  const released = await releaseWaiting(api, "SH-001");
  const after = await visitsAt(api, "SH-001");
  expect(after.length).toBe(before + 1);
  expect(after[0].id).toBe(released);
  const newest = await (await api.get(`/api/v1/responses/${after[0].id}`)).json();
  const photoAnswer = newest.answers.find((a: { question: string }) => a.question === "receipt_photo");
  expect(photoAnswer?.value).toMatch(/^[0-9a-f]{64}$/);
  const stored = await api.get(`/api/v1/photos/${photoAnswer.value}`);
  expect(stored.status()).toBe(200);
  expect(stored.headers()["content-type"]).toBe("image/jpeg");

  // "Sync now" again changes nothing on the server: the PUT is idempotent.
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(page.getByRole("button", { name: "Sync now" })).toBeEnabled();
  expect((await visitsAt(api, "SH-001")).length).toBe(before + 1);

  // The sent job opened again by its address: read-only, with the receipt, never a blank
  // checklist; and on a phone that has no copy of it, a plain "already sent".
  const feed = await (await page.request.get(`${BASE}/api/v1/shopper/assignments`)).json();
  const done = feed.assignments.find((a: { store_code: string; submitted: boolean }) => a.store_code === "SH-001" && a.submitted);
  await page.goto(`${BASE}/shopper?a=${done.id}`);
  await hydrated(page);
  await expect(page.getByTestId("settled")).toHaveAttribute("data-state", "sent");
  await expect(page.getByTestId("receipt")).toContainText(/Received .* %/);
  await expect(page.locator("fieldset.question")).toHaveCount(0);
  const other = await browser.newContext(mobile);
  const fresh = await openShopperApp(other);
  await fresh.goto(`${BASE}/shopper?a=${done.id}`);
  await hydrated(fresh);
  await expect(fresh.getByTestId("job-closed")).toContainText("already sent");
  await expect(fresh.locator("fieldset.question")).toHaveCount(0);
  await other.close();
  await context.close();
});

test("a connection that drops in the middle of a photo upload resumes and stores one response and one photo @hydrated", async ({ browser }, info) => {
  test.skip(info.project.name !== "hydrated-mobile", "one phone is enough");
  test.setTimeout(180_000);
  const api = await admin();
  const before = (await visitsAt(api, "SH-002")).length;
  const context = await browser.newContext(mobile);
  const page = await openShopperApp(context);
  const photo = await noisyJpeg(page, 2000, 1500);

  // The first chunk gets through, then the connection drops.
  const chunkOffsets: string[] = [];
  let dropped = false;
  await context.route("**/api/v1/photos/*/upload?*", async (route) => {
    const offset = new URL(route.request().url()).searchParams.get("offset")!;
    chunkOffsets.push(offset);
    if (offset !== "0" && !dropped) {
      dropped = true;
      await route.abort("connectionreset");
    } else {
      await route.continue();
    }
  });
  await completeVisit(page, "Xujiahui", photo);
  await expect(page.getByTestId("sync-status")).toContainText("Last problem", { timeout: 30_000 });
  await expect(page.getByTestId("unsent")).toContainText("1 waiting to send");
  expect((await visitsAt(api, "SH-002")).length).toBe(before);

  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(page.locator('.outbox [data-state="sent"]')).toBeVisible({ timeout: 30_000 });
  // The upload resumed where it broke instead of starting again.
  expect(chunkOffsets.filter((o) => o === "0").length).toBe(1);
  expect(chunkOffsets.length).toBeGreaterThanOrEqual(3);
  const released = await releaseWaiting(api, "SH-002");
  const after = await visitsAt(api, "SH-002");
  expect(after.length).toBe(before + 1);
  expect(after[0].id).toBe(released);
  const detail = await (await api.get(`/api/v1/responses/${after[0].id}`)).json();
  const hash = detail.answers.find((a: { question: string }) => a.question === "receipt_photo").value;
  const stored = await api.get(`/api/v1/photos/${hash}`);
  expect(stored.status()).toBe(200);
  const bytes = await stored.body();
  const digest = await page.evaluate(async (b64) => {
    const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const d = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
    return Array.from(d, (x) => x.toString(16).padStart(2, "0")).join("");
  }, bytes.toString("base64"));
  expect(digest).toBe(hash);
  await context.close();
});

test("a draft survives a reload and a new deployment of the bundle, and the new shell works offline @hydrated", async ({ browser }, info) => {
  test.skip(info.project.name !== "hydrated-mobile", "one phone is enough");
  test.setTimeout(180_000);
  const context = await browser.newContext(mobile);
  const page = await openShopperApp(context);
  await page.getByRole("link", { name: /Start Hubin/ }).click();
  const greeted = () => page.getByRole("group", { name: /answered with a greeting and the store's name/ });
  await greeted().getByRole("button", { name: "Yes", exact: true }).click();
  await page.getByRole("group", { name: /How many rings/ }).getByRole("button", { name: "Add one" }).click();
  await page.reload();
  await hydrated(page);
  await expect(greeted().getByRole("button", { name: "Yes", exact: true })).toHaveAttribute("aria-pressed", "true");

  const oldBundle = await page.evaluate(() => document.querySelector('link[rel="modulepreload"]')?.getAttribute("href"));
  await stopServer();
  const next = deployNewBundle();
  await startServer();
  await page.reload();
  await hydrated(page);
  const newBundle = await page.evaluate(() => document.querySelector('link[rel="modulepreload"]')?.getAttribute("href"));
  expect(newBundle).toContain(next);
  expect(newBundle).not.toBe(oldBundle);
  await expect(greeted().getByRole("button", { name: "Yes", exact: true })).toHaveAttribute("aria-pressed", "true");

  // The worker now keeps the new shell with the new bundle: offline from cold still works.
  await expect.poll(() => page.evaluate(async (hash) => {
    const shell = await caches.match("/shopper");
    return !!shell && (await shell.text()).includes(hash);
  }, next), { timeout: 20_000 }).toBe(true);
  await context.setOffline(true);
  await page.reload();
  await hydrated(page);
  await expect(greeted().getByRole("button", { name: "Yes", exact: true })).toHaveAttribute("aria-pressed", "true");
  await context.close();
});

test("one shopper's drafts stay hidden from the next user, sign-out warns about unsent work, and a refused response stays on the phone with the reason @hydrated", async ({ browser }, info) => {
  test.skip(info.project.name !== "hydrated-mobile", "one phone is enough");
  test.setTimeout(180_000);
  const api = await admin();
  const before = (await visitsAt(api, "LDN-001")).length;
  const context = await browser.newContext(mobile);

  // Anna starts a visit on this phone and signs out: the phone asks first (the visit is not
  // on the server), keeps the draft hidden for her, and forgets the rest.
  const page = await openShopperApp(context);
  await page.getByRole("link", { name: /Start MSK-001|Start Xujiahui|Start Nanjing Road|Start Hubin/ }).first().click();
  await page.locator("fieldset.question button.choice:not(.na)").first().click();
  await page.getByRole("link", { name: /All my visits/ }).click();
  let warned = "";
  page.once("dialog", async (d) => {
    warned = d.message();
    await d.accept();
  });
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect.poll(() => warned).toContain("not on the server yet");
  await page.waitForURL((u) => u.pathname !== "/shopper");
  await expect.poll(() => page.evaluate(async () => !!(await caches.match("/shopper")))).toBe(false);
  const leftOnPhone = await page.evaluate(() => new Promise<string[]>((resolve) => {
    const open = indexedDB.open("servscope");
    open.onsuccess = () => {
      const tx = open.result.transaction(["feed"], "readonly");
      const keys = tx.objectStore("feed").getAllKeys();
      keys.onsuccess = () => resolve(keys.result.map(String));
    };
  }));
  expect(leftOnPhone).not.toContain("shopper.anna");
  // Back does not bring her jobs on screen either.
  await page.goBack();
  await expect(page.getByRole("heading", { name: /Nanjing Road|Xujiahui|Hubin|Tverskaya/ })).toHaveCount(0);

  // Chen, on the same phone, sees only his own work.
  await openShopperApp(context, "shopper.chen", page);
  await expect(page.getByRole("link", { name: /Continue/ })).toHaveCount(0);
  await expect(page.getByRole("heading", { name: /Nanjing Road|Xujiahui|Hubin/ })).toHaveCount(0);
  await expect(page.getByRole("heading", { name: /Oxford Street/ })).toBeVisible();

  // Chen completes his visit offline; meanwhile the manager cancels the assignment.
  const feed = await (await page.request.get(`${BASE}/api/v1/shopper/assignments`)).json();
  const assignment = feed.assignments.find((a: { store_code: string }) => a.store_code === "LDN-001");
  const photo = await noisyJpeg(page, 640, 480);
  await context.setOffline(true);
  await completeVisit(page, "Oxford Street", photo);
  await expect(page.getByTestId("unsent")).toContainText("1 waiting to send");

  // Signing out now asks first; declining keeps the user signed in.
  let asked = "";
  page.once("dialog", async (d) => {
    asked = d.message();
    await d.dismiss();
  });
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect.poll(() => asked).toContain("not on the server yet");
  await expect(page.getByTestId("unsent")).toContainText("1 waiting to send");

  const cancelled = await api.post(`/api/v1/assignments/${assignment.id}/cancel`, { headers: { "Content-Type": "application/json" }, data: {} });
  expect(cancelled.status()).toBe(204);
  await context.setOffline(false);
  // The work is never lost: it is received and kept, but held out of the scores for an admin.
  const held = page.locator(".outbox [data-held]");
  await expect(held).toBeVisible({ timeout: 30_000 });
  await expect(held).toContainText("assignment was cancelled");
  await expect(page.getByTestId("unsent")).toContainText("Nothing waiting to send");
  expect((await visitsAt(api, "LDN-001")).length).toBe(before);
  const heldList = await (await api.get("/api/v1/responses?status=held")).json();
  expect(heldList.map((r: { store: string }) => r.store)).toContain("LDN-001");
  await context.close();
});

test("a number typed into a box is kept when the next tap follows at once, and both survive a reload @hydrated", async ({ browser }, info) => {
  test.skip(info.project.name !== "hydrated-mobile", "one phone is enough");
  test.setTimeout(120_000);
  const context = await browser.newContext(mobile);
  const page = await openShopperApp(context, "shopper.anna");
  // Whatever job is due (a visit or a call): both have a timed item among other answers.
  await page.getByRole("link", { name: /^(Start|Continue) / }).first().click();
  await expect(page.getByTestId("progress")).toContainText("Section 1 of");
  for (let s = 0; s < 6 && (await page.getByLabel("Seconds").count()) === 0; s++) {
    await page.getByRole("button", { name: /^Next$/ }).click();
  }
  const timed = page.locator("fieldset.question").filter({ has: page.getByLabel("Seconds") }).first();
  const box = timed.getByLabel("Seconds");
  await box.tap();
  await page.keyboard.type("75");
  // No blur, no Enter: the thumb goes straight to another question's answer.
  const other = page.locator("fieldset.question").filter({ hasNot: page.getByLabel("Seconds") }).first();
  const answer = other.locator("button.choice:not(.na)").first();
  await answer.tap();
  await expect(answer).toHaveAttribute("aria-pressed", "true");
  await expect(box).toHaveValue("75");
  await expect(timed.locator("output.watch")).toHaveText("1:15");
  // Both were kept on the phone, not only drawn.
  await page.reload();
  await hydrated(page);
  await expect(timed.getByLabel("Seconds")).toHaveValue("75", { timeout: 15_000 });
  await expect(answer).toHaveAttribute("aria-pressed", "true");

  // Above the checklist: the store, how to find it, and the scenario, offline too.
  await context.setOffline(true);
  await page.reload();
  await hydrated(page);
  const facts = page.getByTestId("store-facts").first();
  await expect(facts.getByRole("link", { name: "Map" })).toHaveAttribute("href", /openstreetmap\.org\/search\?query=/);
  await expect(facts.getByTestId("store-phone")).toHaveAttribute("href", /^tel:\+\d+$/);

  // Any other address offline: the kept offline page, in the phone's language, not an error.
  await page.goto(`${BASE}/stores`);
  await expect(page.getByRole("heading", { name: "No connection" })).toBeVisible();
  await expect(page.getByRole("link", { name: "My visits and calls" })).toHaveAttribute("href", "/shopper");
  await context.setOffline(false);
  await context.close();
});

test("the shopper app moves between its list and a job without a page load, and a link elsewhere opens that page @hydrated", async ({ browser }, info) => {
  test.skip(info.project.name !== "hydrated-mobile", "one phone is enough");
  const context = await browser.newContext(mobile);
  const page = await openShopperApp(context, "shopper.anna");
  // A mark on the window survives client-side navigation only.
  await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
  await page.getByRole("link", { name: /^(Start|Continue) / }).first().click();
  await expect(page).toHaveURL(/\/shopper\?a=\d+$/);
  await expect(page.getByTestId("progress")).toContainText("Section 1 of");
  await page.getByRole("link", { name: "← All my visits" }).click();
  await expect(page).toHaveURL(/\/shopper$/);
  expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  // The header's "Home" is rendered by the server: the router hands it over to a page load.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Home" }).click();
  await expect(page).toHaveURL(`${BASE}/`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("every store");
  await expect(page.locator("body")).toHaveAttribute("data-server-only", "true");
  await context.close();
});

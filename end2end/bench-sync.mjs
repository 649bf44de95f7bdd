// Sync benchmark: N responses, each with one ~300 KB photo, queued on a phone (Chromium,
// offline-first app) are sent to a server on loopback by the app's own sync loop.
// Prints the wall time, throughput, and the server's CPU time and memory.
//
//   node bench-sync.mjs [server-binary] [count]      (./dev bench runs it)
import { chromium } from "@playwright/test";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const binary = process.argv[2] ?? "../target/release/server";
const COUNT = Number(process.argv[3] ?? 1000);
const PHOTO_BYTES = 300 * 1024;
const PORT = 3197;
const BASE = `http://127.0.0.1:${PORT}`;
const work = fs.mkdtempSync(path.join(os.tmpdir(), "servscope-sync-bench-"));
const ticks = 100; // USER_HZ on Linux

const server = spawn(binary, ["--demo", "true"], {
  env: {
    ...process.env,
    SERVSCOPE_BIND: `127.0.0.1:${PORT}`,
    SERVSCOPE_DATA_DIR: path.join(work, "data"),
    SERVSCOPE_SITE_ROOT: process.env.SERVSCOPE_SITE_ROOT ?? "../target/site",
    SERVSCOPE_LOG: "warn",
  },
  stdio: ["ignore", "ignore", "inherit"],
});

function procStats(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  const cpu = (Number(stat[11]) + Number(stat[12])) / ticks; // utime + stime
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (k) => Number((status.match(new RegExp(`${k}:\\s+(\\d+)`)) ?? [0, 0])[1]);
  return { cpu, rssMb: kb("VmRSS") / 1024, peakMb: kb("VmHWM") / 1024 };
}

async function waitForServer() {
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(`${BASE}/healthz`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("server did not start");
}

async function storeCount(api) {
  const r = await api.get("/api/v1/stores/SH-001");
  return (await r.json()).recent_responses;
}

try {
  await waitForServer();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const admin = await browser.newContext({ baseURL: BASE });
  await admin.request.post("/auth/login", { form: { username: "admin", password: "servscope-demo", next: "/" } });
  const before = await storeCount(admin.request);

  const context = await browser.newContext({ baseURL: BASE, viewport: { width: 390, height: 844 }, isMobile: true });
  const page = await context.newPage();
  await page.goto("/login?next=/shopper");
  await page.getByLabel("Username").fill("shopper.anna");
  await page.getByLabel("Password").fill("servscope-demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${BASE}/shopper`);
  await page.waitForSelector('body[data-hydrated="true"]');
  await page.waitForFunction(async () => !!(await caches.match("/shopper")), null, { timeout: 30_000 });

  // Queue COUNT finished visits with one photo each, straight into the phone's store, in
  // the on-device format (docs/offline.md). Done offline so nothing is sent early.
  await context.setOffline(true);
  const seeded = await page.evaluate(async ([count, photoBytes]) => {
    const db = await new Promise((ok, err) => {
      const r = indexedDB.open("servscope");
      r.onsuccess = () => ok(r.result);
      r.onerror = () => err(r.error);
    });
    const get = (store, key) => new Promise((ok) => {
      const r = db.transaction(store).objectStore(store).get(key);
      r.onsuccess = () => ok(r.result);
    });
    const t = JSON.parse((await get("templates", "instore-visit@1")).body).template;
    const value = (q, photo) => ({
      yes_no: true, scale_1_5: 4, likelihood_0_10: 9, single_choice: q.options?.[0]?.id,
      multiple_choice: [q.options?.[0]?.id], number: q.min ?? 0, duration_seconds: 20, count: 1,
      free_text: "Benchmark visit.", photo,
    })[q.type];
    let bytes = 0;
    for (let i = 0; i < count; i++) {
      const data = new Uint8Array(photoBytes);
      for (let o = 0; o < data.length; o += 65536) crypto.getRandomValues(data.subarray(o, o + 65536));
      data.set([0xff, 0xd8, 0xff, 0xe0]);
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
      const hash = Array.from(digest, (x) => x.toString(16).padStart(2, "0")).join("");
      const blob = new Blob([data], { type: "image/jpeg" });
      const answers = [];
      for (const s of t.sections) for (const q of s.questions) {
        answers.push({ question: q.id, value: value(q, hash) });
      }
      const now = new Date(Date.now() - (count - i) * 1000).toISOString();
      const item = {
        id: crypto.randomUUID(), owner: "shopper.anna", assignment: null, store: "SH-001", store_name: "Nanjing Road",
        channel: "mystery_visit", template: "instore-visit", template_version: 1, started_at: now, finished_at: now,
        answers, state: "queued", updated_at: now, photo_bytes: photoBytes,
      };
      const tx = db.transaction(["responses", "photos"], "readwrite");
      tx.objectStore("photos").put({ owner: "shopper.anna", blob }, hash);
      tx.objectStore("responses").put({ owner: "shopper.anna", body: JSON.stringify(item) }, item.id);
      await new Promise((ok, err) => { tx.oncomplete = ok; tx.onerror = () => err(tx.error); });
      bytes += photoBytes;
    }
    return bytes;
  }, [COUNT, PHOTO_BYTES]);
  await page.goto("/shopper", { waitUntil: "domcontentloaded" });
  await page.waitForSelector('body[data-hydrated="true"]');
  await page.getByTestId("unsent").filter({ hasText: `${COUNT} waiting` }).waitFor();

  const cpu0 = procStats(server.pid);
  const t0 = performance.now();
  // Coming online starts the sync (the app listens for the browser's "online" event).
  await context.setOffline(false);
  await page.getByTestId("unsent").filter({ hasText: "Nothing waiting to send" }).waitFor({ timeout: 30 * 60_000 });
  const seconds = (performance.now() - t0) / 1000;
  const cpu1 = procStats(server.pid);
  const rejected = await page.locator('.outbox [data-state="rejected"]').count();
  if (rejected > 0) {
    console.error(`${rejected} refused, e.g.: ${await page.locator('.outbox [data-state="rejected"] .reason').first().textContent()}`);
  }
  const after = await storeCount(admin.request);
  await browser.close();

  const mb = seeded / 1024 / 1024;
  console.log(`sync of ${COUNT} queued responses with one ${PHOTO_BYTES / 1024} KB photo each (${mb.toFixed(0)} MB), Chromium -> server on loopback (SQLite)`);
  console.log(`  stored on the server:  ${after - before} new responses`);
  console.log(`  wall time:             ${seconds.toFixed(1)} s (${(COUNT / seconds).toFixed(1)} responses/s, ${(mb / seconds).toFixed(1)} MB/s)`);
  console.log(`  server CPU time:       ${(cpu1.cpu - cpu0.cpu).toFixed(1)} s (${(((cpu1.cpu - cpu0.cpu) / seconds) * 100).toFixed(0)}% of one core on average)`);
  console.log(`  server memory:         ${cpu1.rssMb.toFixed(0)} MB resident at the end, ${cpu1.peakMb.toFixed(0)} MB peak`);
  if (after - before !== COUNT) {
    console.error(`expected ${COUNT} new responses, found ${after - before}`);
    process.exitCode = 1;
  }
} finally {
  server.kill("SIGTERM");
  fs.rmSync(work, { recursive: true, force: true });
}

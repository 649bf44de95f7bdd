// Customer survey on a cheap phone's slow network: opens the survey link in Chromium with the
// DevTools "Slow 3G" profile (2 s round trip, 400 kbit/s down and up), empty cache, mobile
// viewport, and prints the bytes transferred and the time until the form is usable (its
// "Send" button painted), with JavaScript on and off. The budget: under 60 KB to a usable form.
//
//   node bench-survey.mjs [server-binary]      (./dev bench runs it)
import { chromium, request as pwRequest } from "@playwright/test";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const binary = process.argv[2] ?? "../target/release/server";
const PORT = 3196;
const BASE = `http://127.0.0.1:${PORT}`;
const work = fs.mkdtempSync(path.join(os.tmpdir(), "servscope-survey-bench-"));
const SLOW_3G = { offline: false, latency: 2000, downloadThroughput: (500 * 1000 / 8) * 0.8, uploadThroughput: (500 * 1000 / 8) * 0.8 };
const RUNS = 3;

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

async function waitForServer() {
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(`${BASE}/healthz`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("server did not start");
}

async function surveyLink() {
  const api = await pwRequest.newContext({ baseURL: BASE });
  await api.post("/auth/login", { form: { username: "manager.sh001", password: "servscope-demo", next: "/" }, maxRedirects: 0 });
  const html = await (await api.get("/stores/SH-001/qr")).text();
  const key = html.match(/\/s\/SH-001\/([0-9a-f]{12})/)[1];
  return `${BASE}/s/SH-001/${key}?ch=till`;
}

async function measure(browser, url, javaScriptEnabled) {
  const context = await browser.newContext({
    javaScriptEnabled, viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, locale: "zh-CN",
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Network.emulateNetworkConditions", SLOW_3G);
  let bytes = 0;
  const files = new Map();
  const urls = new Map();
  cdp.on("Network.requestWillBeSent", (e) => urls.set(e.requestId, e.request.url));
  cdp.on("Network.loadingFinished", (e) => {
    bytes += e.encodedDataLength;
    const name = new URL(urls.get(e.requestId)).pathname.replace(/\/pkg\/[0-9a-f]+\//, "/pkg/");
    files.set(name, (files.get(name) ?? 0) + e.encodedDataLength);
  });
  const start = Date.now();
  await page.goto(url, { waitUntil: "commit" });
  // Usable: the form is on screen with the page's styles applied (the big send button).
  await page.locator("form[data-survey] button[type=submit]").waitFor({ state: "visible" });
  // Polled from here: with JavaScript off the page runs no polling of its own.
  const styled = () => page.evaluate(() => getComputedStyle(document.querySelector("form[data-survey] button")).minHeight === "52px");
  while (!(await styled())) await new Promise((r) => setTimeout(r, 25));
  const usableMs = Date.now() - start;
  await page.waitForLoadState("load");
  await page.waitForTimeout(500); // late requests (icons) count too
  const loadedMs = Date.now() - start;
  await context.close();
  return { usableMs, loadedMs, bytes, files };
}

try {
  await waitForServer();
  const url = await surveyLink();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  console.log(`Survey page on Slow 3G (2 s RTT, 400 kbit/s), empty cache, 360 px phone, median of ${RUNS} runs`);
  for (const js of [true, false]) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await measure(browser, url, js));
    runs.sort((a, b) => a.usableMs - b.usableMs);
    const m = runs[Math.floor(RUNS / 2)];
    console.log(`JavaScript ${js ? "on " : "off"}: usable form after ${(m.usableMs / 1000).toFixed(1)} s, all loaded ${(m.loadedMs / 1000).toFixed(1)} s, ${(m.bytes / 1024).toFixed(1)} KB transferred (${(m.bytes / 1024 / 60 * 100).toFixed(0)} % of the 60 KB budget)`);
    for (const [name, b] of [...m.files].sort((a, b) => b[1] - a[1])) {
      console.log(`    ${(b / 1024).toFixed(1).padStart(6)} KB  ${name}`);
    }
  }
  await browser.close();
} finally {
  server.kill();
  fs.rmSync(work, { recursive: true, force: true });
}

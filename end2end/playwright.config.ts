import { defineConfig, devices } from "@playwright/test";

// Debian's Chromium, never a downloaded browser (design.md section 2).
const launchOptions = {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
};
const PORT = Number(process.env.E2E_PORT ?? 3199);
const mobile = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const desktop = { viewport: { width: 1280, height: 800 } };

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  workers: 2,
  reporter: [["list"]],
  // A step that hangs fails on its own line (not as a bare test timeout that names no step).
  use: { baseURL: `http://127.0.0.1:${PORT}`, launchOptions, locale: "en-GB", actionTimeout: 10_000, navigationTimeout: 15_000 },
  projects: [
    // Tests tagged @hydrated need the wasm bundle; @js-off ones check the no-JavaScript path.
    { name: "js-off-mobile", grepInvert: /@hydrated/, use: { ...mobile, javaScriptEnabled: false } },
    { name: "js-off-desktop", grepInvert: /@hydrated/, use: { ...desktop, javaScriptEnabled: false } },
    { name: "hydrated-mobile", grepInvert: /@js-off/, use: { ...mobile } },
    { name: "hydrated-desktop", grepInvert: /@js-off/, use: { ...desktop } },
  ],
  webServer: {
    // A fresh SQLite database with the demo data for every run.
    command: `rm -rf ../target/e2e-data && ../target/debug/server --demo true`,
    url: `http://127.0.0.1:${PORT}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: {
      SERVSCOPE_BIND: `127.0.0.1:${PORT}`,
      SERVSCOPE_DATA_DIR: "../target/e2e-data",
      SERVSCOPE_SITE_ROOT: "../target/site",
      // Many sign-ins from one address in a short run.
      SERVSCOPE_LOGIN_RATE: "1000",
      // Many survey answers from one address (every test phone is 127.0.0.1).
      SERVSCOPE_SURVEY_RATE_ADDRESS: "1000",
      // Every test phone enters the staff PIN from the same address.
      SERVSCOPE_STAFF_PIN_RATE: "100",
      SERVSCOPE_LOG: "warn",
    },
  },
});

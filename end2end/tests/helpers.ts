import { expect, Page, TestInfo } from "@playwright/test";

export const DEMO_PASSWORD = "servscope-demo";

export function isHydrated(info: TestInfo): boolean {
  return info.project.name.startsWith("hydrated");
}

/** With JavaScript on, wait until the wasm bundle has hydrated the page before interacting;
 * form-only pages never load it and say so (`data-server-only`). */
export async function ready(page: Page, info: TestInfo) {
  if (isHydrated(info)) {
    await expect(page.locator('body[data-hydrated="true"], body[data-server-only="true"]')).toHaveCount(1, { timeout: 15_000 });
  }
}

export async function signIn(page: Page, info: TestInfo, username: string, password = DEMO_PASSWORD) {
  await page.goto("/login");
  await ready(page, info);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

import { expect, Page, TestInfo } from "@playwright/test";

export const DEMO_PASSWORD = "servscope-demo";

export function isHydrated(info: TestInfo): boolean {
  return info.project.name.startsWith("hydrated");
}

/** With JavaScript on, wait until the wasm bundle has hydrated the page before interacting;
 * form-only pages never load it and say so (`data-server-only`). */
export async function ready(page: Page, info: TestInfo) {
  if (isHydrated(info)) {
    // Generous: compiling the wasm module on a loaded 2-core machine has taken over 15 s.
    await expect(page.locator('body[data-hydrated="true"], body[data-server-only="true"]')).toHaveCount(1, { timeout: 30_000 });
  }
}

export async function signIn(page: Page, info: TestInfo, username: string, password = DEMO_PASSWORD) {
  await page.goto("/login");
  await ready(page, info);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Answer every required question of a customer or self-assessment form (likelihood to
 * recommend, then the five dimensions); the comment makes this answer recognisable. */
export async function answer(page: Page, comment: string) {
  const groups = page.locator("fieldset.survey-q:not(.contact)");
  await groups.nth(0).getByRole("radio", { name: "9", exact: true }).check();
  for (const i of [1, 2, 3, 4, 5]) {
    await groups.nth(i).getByRole("radio", { name: "4", exact: true }).check();
  }
  await page.locator("textarea").fill(comment);
}

import { expect, test } from "@playwright/test";
import { ready, signIn } from "./helpers";

// A store manager of this project's own (usernames per project: the projects run side by side).
test("an admin invites a store manager, who sets a password with the link, signs in and sees only their store", async ({ page, browser }, info) => {
  // Letters only; a repeat (--repeat-each) gets its own person.
  const p = info.project.name.replace(/[^a-z]/g, "") + "abcdefghij"[info.repeatEachIndex % 10];
  await signIn(page, info, "admin");
  await page.goto("/admin/users");
  await ready(page, info);
  const form = page.getByRole("form", { name: "Add a person" });
  await form.getByLabel("Username").fill(`sm.${p}`);
  await form.getByLabel("Name", { exact: true }).fill(`Sam ${p}`);
  await form.getByLabel("Role").selectOption("store_manager");
  await form.getByLabel(/^Stores/).selectOption("LDN-001");
  await form.getByRole("button", { name: "Add and make an invitation link" }).click();
  await expect(page.getByRole("heading", { name: `Sam ${p} (sm.${p})` })).toBeVisible();
  const link = (await page.locator("code.secret").textContent())?.trim() ?? "";
  expect(link).toMatch(/\/invite\/[0-9a-f]{64}$/);

  // On their own phone: the link, a password, then sign in with it.
  const theirs = await browser.newContext({ javaScriptEnabled: !info.project.name.startsWith("js-off") });
  const phone = await theirs.newPage();
  await phone.goto(link);
  await expect(phone.getByRole("heading", { name: `Welcome, Sam ${p}` })).toBeVisible();
  await phone.getByLabel("New password").fill("lantern orchard river");
  await phone.getByLabel("The same password again").fill("lantern orchard river");
  await phone.getByRole("button", { name: "Set my password" }).click();
  await expect(phone.getByRole("status")).toContainText("Your password is set");
  await expect(phone.getByLabel("Username")).toHaveValue(`sm.${p}`);
  await phone.getByLabel("Password").fill("lantern orchard river");
  await phone.getByRole("button", { name: "Sign in" }).click();
  await expect(phone).toHaveURL(/\/stores$/);
  await expect(phone.getByText("1 of 1 stores")).toBeVisible();
  await expect(phone.getByRole("heading", { name: "Oxford Street" })).toBeVisible();

  // Their own account: the language they choose stays with them; sign out everywhere.
  await phone.getByRole("link", { name: `Sam ${p}` }).click();
  await expect(phone.getByRole("heading", { name: "Your account" })).toBeVisible();
  await expect(phone.getByText(/· this one$/)).toBeVisible();
  await phone.getByLabel("The language of the app, on every device you sign in on").selectOption("ru");
  await phone.getByRole("button", { name: "Save" }).click();
  await expect(phone.getByRole("heading", { name: "Ваша учётная запись" })).toBeVisible();
  await phone.getByRole("button", { name: "Выйти на всех устройствах" }).click();
  await expect(phone).toHaveURL(/\/login\?signed_out=1$/);

  // The link worked once.
  await phone.goto(link);
  await expect(phone.getByRole("heading", { name: "Ссылка больше не действует" })).toBeVisible();
  await theirs.close();

  // The admin sees them active, with a last sign-in.
  await page.goto(`/admin/users?q=sm.${p}`);
  await expect(page.getByRole("row").filter({ hasText: `sm.${p}` })).toContainText("Active");
  await expect(page.getByRole("row").filter({ hasText: `sm.${p}` })).not.toContainText("never");
});

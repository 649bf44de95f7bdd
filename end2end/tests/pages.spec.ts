import { expect, test } from "@playwright/test";
import { ready, signIn } from "./helpers";

test("the home page says what the app is and leads each role to its place", async ({ page }, info) => {
  await page.goto("/");
  await ready(page, info);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("every store");
  for (const role of ["Store and regional managers", "Mystery shoppers", "Customers", "Employees"]) {
    await expect(page.getByRole("heading", { name: role, exact: true })).toBeVisible();
  }
  for (const dimension of ["Tangibles", "Reliability", "Responsiveness", "Assurance", "Empathy"]) {
    await expect(page.getByText(dimension, { exact: true })).toBeVisible();
  }
});

test("a store manager signs in, sees only their store, and signs out", async ({ page }, info) => {
  await signIn(page, info, "manager.sh001");
  await expect(page).toHaveURL(/\/stores$/);
  await ready(page, info);
  await expect(page.getByRole("heading", { name: "Nanjing Road" })).toBeVisible();
  await expect(page.getByText("Oxford Street")).toHaveCount(0);
  await expect(page.getByText("1 of 1 stores")).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login\?signed_out=1$/);
  await expect(page.getByRole("status")).toHaveText("You have signed out.");
  await page.goto("/stores");
  await expect(page.getByText("Please sign in to see this page.")).toBeVisible();
});

test("a wrong password is refused with a message and no session", async ({ page, context }, info) => {
  await signIn(page, info, "admin", "not-the-password");
  await expect(page.getByRole("alert")).toHaveText("That username and password do not match.");
  const cookies = await context.cookies();
  expect(cookies.find((c) => c.name === "servscope_session")).toBeUndefined();
});

test("the language can be switched and the choice is remembered", async ({ page }, info) => {
  await page.goto("/");
  await ready(page, info);
  await page.getByRole("link", { name: "简体中文" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("看清每家门店如何真正服务顾客");
  await page.goto("/login");
  await expect(page.getByLabel("用户名")).toBeVisible();
  await page.getByRole("link", { name: "Русский" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("heading", { name: "Вход" })).toBeVisible();
});

test("the store search works as a plain form without JavaScript @js-off", async ({ page }, info) => {
  await signIn(page, info, "regional.russia");
  await expect(page.getByText("4 of 4 stores")).toBeVisible();
  await page.getByLabel("Search by code, name or address").fill("MSK");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/\/stores\?q=MSK$/);
  await expect(page.getByText("2 of 2 stores")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Tverskaya" })).toBeVisible();
});

test("the store list narrows as you type, without a page load @hydrated", async ({ page }, info) => {
  await signIn(page, info, "regional.russia");
  await ready(page, info);
  await expect(page.getByText("4 of 4 stores")).toBeVisible();
  await page.getByLabel("Search by code, name or address").pressSequentially("kaz");
  await expect(page.getByText("1 of 4 stores")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Bauman" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Arbat" })).toHaveCount(0);
  await expect(page).toHaveURL(/\/stores$/);
});

test("an admin creates an API token, sees it once, and revokes it", async ({ page, request }, info) => {
  await signIn(page, info, "admin");
  await page.goto("/admin/tokens");
  await ready(page, info);
  const name = `Till export ${info.project.name}`;
  await page.getByLabel("Name (what uses it)").fill(name);
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.locator("code.secret").textContent())?.trim() ?? "";
  expect(token).toMatch(/^sst_[0-9a-f]{64}$/);

  const ok = await request.get("/api/v1/stores", { headers: { Authorization: `Bearer ${token}` } });
  expect(ok.status()).toBe(200);
  // The demo's stores (others may have been added by the store set-up tests running beside).
  const codes = (await ok.json()).map((s: { code: string }) => s.code);
  expect(codes).toEqual(expect.arrayContaining(["SH-001", "MSK-001", "LDN-001"]));

  await page.reload();
  await expect(page.locator("code.secret")).toHaveCount(0);
  await page.getByRole("button", { name: `Revoke ${name}` }).click();
  const refused = await request.get("/api/v1/stores", { headers: { Authorization: `Bearer ${token}` } });
  expect(refused.status()).toBe(401);
});

test("links from the store list open the other pages, which load no bundle either", async ({ page }, info) => {
  await signIn(page, info, "regional.east");
  await expect(page).toHaveURL(/\/stores$/);
  await ready(page, info);
  await page.getByRole("link", { name: "Assignments" }).click();
  await expect(page).toHaveURL(/\/assign$/);
  await expect(page.getByRole("heading", { name: "Assign visits and calls" })).toBeVisible();
  await expect(page.locator("body")).toHaveAttribute("data-server-only", "true");

  await page.goto("/stores");
  await ready(page, info);
  await page.getByRole("link", { name: "Customer survey QR code of Nanjing Road" }).click();
  await expect(page).toHaveURL(/\/stores\/SH-001\/qr$/);
  await expect(page.getByRole("heading", { name: "Customer survey link · Nanjing Road" })).toBeVisible();
  const qr = await page.request.get("/stores/SH-001/qr.png");
  expect(qr.status()).toBe(200);
  expect(qr.headers()["content-type"]).toBe("image/png");
});

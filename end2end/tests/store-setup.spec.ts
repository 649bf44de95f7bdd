import { expect, test } from "@playwright/test";
import { ready, signIn } from "./helpers";

// Stores and a region of this project's own, so the two projects running side by side never
// see each other's; closed at the end, so the demo's store lists stay as the other tests expect.
test("an admin imports stores from a CSV file: a bad row is shown, corrected in place, and the file stored", async ({ page }, info) => {
  const p = info.project.name.replace(/[^a-z]/g, "");
  const region = `Imported ${p}`;
  await signIn(page, info, "admin");
  await page.goto("/admin/stores");
  await ready(page, info);
  await page.getByRole("link", { name: "Import from CSV" }).click();
  await expect(page.getByRole("heading", { name: "Import stores from a CSV file" })).toBeVisible();

  const csv =
    "code,name,region,timezone,opening_hours\n" +
    `T${p}-1,Quay ${p},${region},Europe/London,Mon-Fri 09:00-21:00\n` +
    `T${p}-2,Dock ${p},${region},Europe/Londn,\n`;
  await page.getByLabel("CSV file").setInputFiles({ name: "stores.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Check" }).click();
  await expect(page.getByRole("alert")).toContainText("Nothing can be stored yet");
  await expect(page.getByRole("row").filter({ hasText: `T${p}-2` })).toContainText("Time zone");
  await expect(page.getByRole("button", { name: /Store it/ })).toHaveCount(0);

  // Corrected in the text box and checked again: now it can be stored.
  const text = page.getByLabel("Or paste or correct the text");
  await text.fill((await text.inputValue()).replace("Europe/Londn", "Europe/London"));
  await page.getByRole("button", { name: "Check" }).click();
  await expect(page.getByRole("status")).toContainText("2 new, 0 changed");
  await expect(page.getByText(`New regions to be created: ${region}`)).toBeVisible();
  await page.getByRole("button", { name: /Store it/ }).click();
  await expect(page).toHaveURL(/\/admin\/stores\?imported=2$/);
  await expect(page.getByRole("status")).toContainText("2 stores created or changed");

  // The store opens with what the file said; closing it is one click and says so.
  await page.getByRole("link", { name: `T${p}-1` }).click();
  await expect(page.getByLabel("Opening hours")).toHaveValue("Mon-Fri 09:00-21:00; Sat-Sun closed");
  await expect(page.getByLabel("Region *")).toHaveValue(region);
  await page.getByRole("button", { name: "Close this store" }).click();
  await expect(page.getByRole("status")).toContainText(`Store T${p}-1 is closed`);
  await page.getByRole("link", { name: `T${p}-2` }).click();
  await page.getByRole("button", { name: "Close this store" }).click();
  await expect(page.getByRole("row").filter({ hasText: `T${p}-2` })).toContainText("Closed");

  // Every step is in the audit log.
  await page.goto(`/admin/audit?kind=store&subject=T${p}-1`);
  await expect(page.getByRole("row").filter({ hasText: "status" })).toContainText("closed");
  await expect(page.getByRole("row").filter({ hasText: "created" })).toContainText(`Quay ${p}`);
});

test("a wrong store form comes back with the field marked and what was typed kept", async ({ page }, info) => {
  const p = info.project.name.replace(/[^a-z]/g, "");
  await signIn(page, info, "admin");
  await page.goto("/admin/stores/new");
  await ready(page, info);
  await page.getByLabel("Code *").fill(`F${p}-1`);
  await page.getByLabel("Name *").fill(`Form ${p}`);
  await page.getByLabel("Time zone *").fill("Moscow");
  await page.getByLabel("Address").fill("1 Tverskaya");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByLabel("Time zone *")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("This is not an IANA time zone")).toBeVisible();
  await expect(page.getByLabel("Address")).toHaveValue("1 Tverskaya");
  await page.getByLabel("Time zone *").fill("Europe/Moscow");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status")).toContainText(`Store F${p}-1 created`);
  await page.getByRole("link", { name: `F${p}-1` }).click();
  await page.getByRole("button", { name: "Close this store" }).click();
  await expect(page.getByRole("status")).toContainText(`Store F${p}-1 is closed`);
});

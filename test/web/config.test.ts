import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken, verifyToken } from "../../src/auth/jwt.ts";
import { testKeys } from "../helpers/app.ts";
import { artifactsDir, launchBrowser } from "../helpers/browser.ts";
import { startDemoApp, type DemoApp } from "../helpers/demo-app.ts";
import { tempDir } from "../helpers/tmp.ts";

let app: DemoApp;
let browser: Browser;
const problems: string[] = [];

async function loggedIn(who: "admin" | "user"): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on("console", (message) => message.type() === "error" && problems.push(`${who} ${page.url()}: ${message.text()}`));
  page.on("pageerror", (error) => problems.push(`${who} ${page.url()}: ${error.message}`));
  page.on("dialog", (dialog) => {
    problems.push(`dialog opened: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await app.login(page, who);
  return page;
}

beforeAll(async () => {
  app = await startDemoApp(tempDir(), { jobs: 10 });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe("config view", () => {
  it("admin: creates a user, changes roles and projects, generates a JWT, deletes the user", async () => {
    const page = await loggedIn("admin");
    await page.goto(`${app.url}/config`);
    await page.getByRole("heading", { name: "User administration" }).waitFor();
    const table = page.getByTestId("users-table");
    await table.waitFor();
    expect(await table.locator('tr[data-username="demo-admin"]').count()).toBe(1);

    // Create: the server's answer is shown in the form.
    const create = page.getByTestId("create-user");
    await create.getByLabel("Username", { exact: true }).fill("carol");
    await create.getByLabel("Password", { exact: true }).fill("carol-secret-pw");
    await create.getByLabel("Name", { exact: true }).fill("Carol <i>Tester</i>");
    await create.getByLabel("Email", { exact: true }).fill("carol@example.org");
    await create.getByRole("radio", { name: /^User/ }).check();
    await create.getByRole("button", { name: "Create user" }).click();
    expect(await page.getByTestId("create-user-message").textContent()).toContain("User carol successfully created!");
    const row = table.locator('tr[data-username="carol"]');
    await row.waitFor();
    expect(await row.locator("td").nth(1).textContent()).toBe("Carol <i>Tester</i>");
    expect(await row.locator("td").nth(1).locator("i").count()).toBe(0);
    expect(await row.locator("td").nth(3).textContent()).toBe("user");
    // The form was emptied.
    expect(await create.getByLabel("Username", { exact: true }).inputValue()).toBe("");

    // The server's errors appear in the form: an existing name, a missing password.
    await create.getByLabel("Username", { exact: true }).fill("carol");
    await create.getByLabel("Password", { exact: true }).fill("x");
    await create.getByRole("button", { name: "Create user" }).click();
    await expect.poll(() => page.getByTestId("create-user-message").getAttribute("role")).toBe("alert");
    expect(await page.getByTestId("create-user-message").textContent()).toMatch(/carol/);
    await create.getByLabel("Username", { exact: true }).fill("dave");
    await create.getByLabel("Password", { exact: true }).fill("");
    await create.getByRole("button", { name: "Create user" }).click();
    await expect.poll(() => page.getByTestId("create-user-message").textContent()).toContain("Only API users are allowed to have a blank password");

    // A manager needs a project: the field appears with the role.
    await create.getByRole("radio", { name: /^Manager/ }).check();
    await create.getByLabel("Project", { exact: true }).waitFor();

    // Roles: add one, then the error of adding it twice.
    const roles = page.getByTestId("edit-role");
    await roles.getByLabel("User", { exact: true }).fill("carol");
    await roles.getByLabel("Role", { exact: true }).selectOption("manager");
    await roles.getByRole("button", { name: "Add" }).click();
    expect(await page.getByTestId("edit-role-message").textContent()).toContain("carol: Add Role Success");
    await expect.poll(() => row.locator("td").nth(3).textContent()).toBe("usermanager");
    await roles.getByRole("button", { name: "Add" }).click();
    await expect.poll(() => page.getByTestId("edit-role-message").textContent()).toContain("already has role manager");

    // Projects for the manager.
    const projects = page.getByTestId("edit-project");
    await projects.getByLabel("User", { exact: true }).fill("carol");
    await projects.getByLabel("Project", { exact: true }).fill("proj-x");
    await projects.getByRole("button", { name: "Add" }).click();
    expect(await page.getByTestId("edit-project-message").textContent()).toContain("carol:");
    await expect.poll(() => row.locator("td").nth(4).textContent()).toBe("proj-x");
    await projects.getByRole("button", { name: "Remove" }).click();
    await expect.poll(() => row.locator("td").nth(4).textContent()).toBe("");
    await roles.getByRole("button", { name: "Remove" }).click();
    await expect.poll(() => row.locator("td").nth(3).textContent()).toBe("user");

    // JWT: shown in a read-only field, signed for carol.
    await row.getByRole("button", { name: "Generate a JWT for carol" }).click();
    const jwt = row.getByTestId("jwt");
    await jwt.waitFor();
    const token = await jwt.inputValue();
    expect(token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    expect((await verifyToken(testKeys, token)).username).toBe("carol");
    expect(await row.getByRole("button", { name: "Copy the JWT of carol" }).count()).toBe(1);
    await page.screenshot({ path: path.join(artifactsDir, "config.png"), fullPage: true });

    // Delete, with an inline confirmation (keyboard: Enter on the focused buttons).
    await row.getByRole("button", { name: "Delete carol" }).focus();
    await page.keyboard.press("Enter");
    await row.getByText("Delete carol?").waitFor();
    await row.getByRole("button", { name: "Delete", exact: true }).click();
    await expect.poll(() => table.locator('tr[data-username="carol"]').count()).toBe(0);
    const users = (await (await fetch(`${app.url}/api/users/`, { headers: { Authorization: `Bearer ${await adminToken()}` } })).json()) as { username: string }[];
    expect(users.map((u) => u.username)).not.toContain("carol");
    await page.context().close();
  });

  it("plain user: only the plot options; a saved option persists after reload", async () => {
    const page = await loggedIn("user");
    await page.goto(`${app.url}/config`);
    await page.getByRole("heading", { name: "Plotting options" }).waitFor();
    expect(await page.getByRole("heading", { name: "User administration" }).count()).toBe(0);
    expect(await page.getByTestId("users-table").count()).toBe(0);
    expect(await page.getByTestId("create-user").count()).toBe(0);

    // Defaults from ui-defaults.
    expect(await page.getByRole("spinbutton", { name: "Plots per row" }).inputValue()).toBe("3");
    expect(await page.getByRole("combobox", { name: "Jobs per page" }).inputValue()).toBe("50");
    expect(await page.getByRole("radio", { name: "Default" }).isChecked()).toBe(true);

    await page.getByRole("spinbutton", { name: "Plots per row" }).fill("2");
    await page.getByTestId("setting-plot_view_plotsPerRow").getByRole("button", { name: "Save" }).click();
    await page.getByTestId("setting-plot_view_plotsPerRow").getByText("Saved").waitFor();
    await page.getByRole("combobox", { name: "Jobs per page" }).selectOption("25");
    await page.getByTestId("setting-plot_list_jobsPerPage").getByRole("button", { name: "Save" }).click();
    await page.getByTestId("setting-plot_list_jobsPerPage").getByText("Saved").waitFor();
    await page.getByRole("radio", { name: "Viridis" }).check();
    await page.getByTestId("setting-plot_general_colorscheme").getByRole("button", { name: "Save" }).click();
    await page.getByTestId("setting-plot_general_colorscheme").getByText("Saved").waitFor();
    await page.getByRole("radio", { name: "No", exact: true }).check();
    await page.getByTestId("setting-plot_general_colorBackground").getByRole("button", { name: "Save" }).click();
    await page.getByTestId("setting-plot_general_colorBackground").getByText("Saved").waitFor();

    await page.reload();
    await page.getByRole("heading", { name: "Plotting options" }).waitFor();
    expect(await page.getByRole("spinbutton", { name: "Plots per row" }).inputValue()).toBe("2");
    expect(await page.getByRole("combobox", { name: "Jobs per page" }).inputValue()).toBe("25");
    expect(await page.getByRole("radio", { name: "Viridis" }).isChecked()).toBe(true);
    expect(await page.getByRole("radio", { name: "No", exact: true }).isChecked()).toBe(true);

    // The user's REST calls for administration are refused by the server, too.
    expect((await page.request.get(`${app.url}/api/users/`)).status()).toBe(403);
    await page.context().close();
  });

  it("shows the server's error when a setting cannot be saved", async () => {
    const page = await loggedIn("user");
    await page.route(
      (url) => url.pathname === "/query",
      async (route) => {
        if (!(route.request().postData() ?? "").includes("updateConfiguration")) return route.continue();
        await route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({ errors: [{ message: "disk full" }] }) });
      },
    );
    await page.goto(`${app.url}/config`);
    await page.getByRole("spinbutton", { name: "Line width" }).fill("4");
    await page.getByTestId("setting-plot_general_lineWidth").getByRole("button", { name: "Save" }).click();
    expect(await page.getByTestId("setting-plot_general_lineWidth").getByRole("alert").textContent()).toBe("disk full");
    await page.context().close();
  });

  it("logged no console errors (besides Chromium's notes on the three refused requests the admin test provokes)", () => {
    const refused = /^admin .*: Failed to load resource: the server responded with a status of (400|422) /;
    expect(problems.filter((p) => !refused.test(p))).toEqual([]);
    expect(problems.filter((p) => refused.test(p))).toHaveLength(3);
  });
});

function adminToken(): Promise<string> {
  return issueToken(testKeys, { username: "demo-admin", roles: ["admin"] });
}

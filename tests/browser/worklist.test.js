// worklist.test.js: "Patients to act on" in a real browser (Debian chromium
// driven by playwright-core). Run by tests/e2e/browser_worklist.sh with HG_URL
// (a running server with the users of tests/e2e/lib/server.sh and the HYPWL
// worklist), WL_DIR (where cli-PRACTICE.csv hold what `healthgap worklist`
// lists for each practice) and SHOTS (where the screenshots go). Exits
// non-zero with a message on the first failure.
"use strict";
const { chromium } = require("playwright-core");
const fs = require("fs");
const path = require("path");

const base = process.env.HG_URL;
const shots = process.env.SHOTS;
const dir = process.env.WL_DIR;
const problems = [];

function check(cond, msg) {
	if (!cond) throw new Error(msg);
}

// The pseudonyms (4th column) of a worklist CSV.
function ids(file) {
	return fs.readFileSync(file, "utf8").trim().split("\n").slice(1).map((l) => l.split(",")[3]);
}

async function login(page, user, password) {
	await page.goto(base + "/");
	check(page.url().endsWith("/login"), "a page without a session must go to /login, got " + page.url());
	await page.fill("#username", user);
	await page.fill("#password", password);
	await Promise.all([page.waitForURL(base + "/"), page.click("button[type=submit]")]);
}

async function shot(page, name) {
	await page.screenshot({ path: path.join(shots, name + ".png"), fullPage: true });
}

async function marked(page, what) {
	for (const where of [".hg-marking-top", ".hg-marking-foot"]) {
		const t = await page.locator(where).textContent();
		check(t.includes("SYNTHETIC DATA") && t.includes("NHS Test ICB"), `${what}: no marking at ${where}`);
	}
}

async function practice(browser, width) {
	const ctx = await browser.newContext({ viewport: { width, height: 844 }, acceptDownloads: true });
	const page = await ctx.newPage();
	page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
	page.on("pageerror", (e) => problems.push(String(e)));
	await login(page, "pat", "practice-password-1");
	const own = ids(path.join(dir, "cli-A81001.csv"));
	const others = new Set([...ids(path.join(dir, "cli-A81002.csv")), ...ids(path.join(dir, "cli-A81003.csv"))]);
	check(own.length > 20 && others.size > 40, "the test lists are too short");

	await Promise.all([page.waitForURL(base + "/worklists"), page.click("nav a[href='/worklists']")]);
	check((await page.textContent("h1")) === "Patients to act on", "the worklists page's heading");
	check((await page.textContent(".hg-wl-total")).includes(String(own.length)), "the list's count on the index");
	check(await page.locator(".hg-wl-groups li").count() === 3, "three priority groups on the index");
	await marked(page, "worklists index");
	await shot(page, `20-worklists-${width}`);

	await Promise.all([page.waitForURL(base + "/worklists/HYPWL"), page.click(".hg-wl-card h2 a")]);
	check((await page.textContent("#wl-total")) === String(own.length), "the list's total");
	const shown = await page.locator("table.hg-wl-table tbody th").allTextContents();
	check(shown.length === own.length, `the page lists ${shown.length} patients, the practice has ${own.length}`);
	check(shown.slice().sort().join() === own.slice().sort().join(), "the page's patients are not the practice's");
	check(!shown.some((p) => others.has(p)), "another practice's patient is on the page");
	const html = await page.content();
	check(![...others].some((p) => html.includes(p)), "another practice's pseudonym is in the page");
	check(!html.includes("A81002") && !html.includes("A81003"), "another practice's code is in the page");
	check((await page.textContent("#g1")).includes("Aged 80 or over: review frailty and targets"), "the reasons are not shown");
	await marked(page, "worklist page");
	const w = await page.evaluate(() => document.documentElement.scrollWidth);
	check(w <= width + 1, `the worklist page at ${width} px is ${w} px wide`);
	if (width < 700) {
		// a card per patient: each value with its heading, nothing wider than the screen
		const label = await page.locator("table.hg-wl-table tbody td").first()
			.evaluate((e) => getComputedStyle(e, "::before").content);
		check(label.includes("Age"), "the cards do not label their values: " + label);
		const wide = await page.evaluate(() => Math.max(...[...document.querySelectorAll("table.hg-wl-table")]
			.map((t) => t.scrollWidth - t.clientWidth)));
		check(wide <= 1, `a worklist table scrolls sideways at ${width} px (${wide} px)`);
	}
	await shot(page, `21-worklist-${width}`);
	check(await page.locator("#g1 button").count() === 0, "a list of patients has a Copy table button");
	await page.locator("#g1").screenshot({ path: path.join(shots, `22-worklist-group-${width}.png`) });

	const [dl] = await Promise.all([page.waitForEvent("download"), page.click("#wl-csv")]);
	const got = fs.readFileSync(await dl.path(), "utf8");
	check(got === fs.readFileSync(path.join(dir, "cli-A81001.csv"), "utf8"), "the CSV is not the CLI's");
	await ctx.close();
}

async function analyst(browser) {
	const ctx = await browser.newContext({ viewport: { width: 1366, height: 800 } });
	const page = await ctx.newPage();
	await login(page, "ana", "analyst-password-1");
	check(await page.locator("nav a[href='/worklists']").count() === 0, "an analyst sees 'Patients to act on'");
	const r = await page.goto(base + "/worklists/HYPWL");
	check(r.status() === 403, "analyst worklist page: " + r.status());
	check((await page.textContent("h1")) === "Not available to your role", "the 403 page's heading");
	check(!/T0\d{4}/.test(await page.content()), "a pseudonym on the analyst's 403 page");
	await shot(page, "23-worklist-analyst-403");
	await ctx.close();
}

async function segments(browser, width) {
	const ctx = await browser.newContext({ viewport: { width, height: 844 } });
	const page = await ctx.newPage();
	page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
	page.on("pageerror", (e) => problems.push(String(e)));
	await login(page, "ana", "analyst-password-1");
	await Promise.all([page.waitForURL(base + "/segments"), page.click("nav a[href='/segments']")]);
	check(await page.locator("svg.hg-chart").count() >= 4, "the segments page lacks its stacked charts");
	check(await page.locator("table.hg-flow tbody tr").count() === 4, "the flow matrix should have 4 rows");
	await marked(page, "segments page");
	const w = await page.evaluate(() => document.documentElement.scrollWidth);
	check(w <= width + 1, `the segments page at ${width} px is ${w} px wide`);
	await shot(page, `24-segments-${width}`);
	await page.locator("section.hg-card").first().screenshot({ path: path.join(shots, `25-segments-chart-${width}.png`) });
	await Promise.all([page.waitForURL(/segment=0/), page.click(".hg-seg-drill a >> nth=0")]);
	check(await page.locator("[id^='practices-'] tbody tr").count() === 3, "the drill should list 3 practices");
	await page.locator("[id^='practices-']").screenshot({ path: path.join(shots, `26-segments-drill-${width}.png`) });
	await ctx.close();
}

(async () => {
	fs.mkdirSync(shots, { recursive: true });
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
		args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
	});
	try {
		await practice(browser, 1366);
		await practice(browser, 390);
		await analyst(browser);
		await segments(browser, 1366);
		await segments(browser, 390);
		check(problems.length === 0, "browser console errors (CSP?): " + problems.join(" | "));
	} finally {
		await browser.close();
	}
	console.log("browser worklist tests passed; screenshots in " + shots);
})().catch((e) => {
	console.error("FAIL: " + e.message);
	process.exit(1);
});

// dashboard.test.js: the dashboard in a real browser (Debian chromium driven
// by playwright-core). Run by tests/e2e/browser.sh with HG_URL (a running
// server with the users of tests/e2e/lib/server.sh, synthetic reference data,
// HYP lower-is-better, area "NHS Test ICB") and SHOTS (where the screenshots
// go). Every page is read as a person would: no raw identifier in its text,
// its aria-labels or its charts' titles, and the status marking at its top
// and bottom; every page of every role is also checked at 360, 390, 414 and 1366 px for sideways
// scrolling and legible chart text. Exits non-zero with a message
// on the first failure.
"use strict";
const { chromium } = require("playwright-core");
const fs = require("fs");
const path = require("path");

const base = process.env.HG_URL;
const shots = process.env.SHOTS;
const problems = [];

function check(cond, msg) {
	if (!cond) throw new Error(msg);
}

// Codes that must never reach a person (issue 9): SPC and assurance codes, breakdown and
// value-type codes, polarity codes, the pack's source markers.
const RAW = [/common_cause/, /special_cause/, /consistent_(fail|pass)/, /\binconsistent\b/,
	/(improvement|concern|neutral)_(high|low)/, /imd_quintile/, /imd_decile/, /age_band/,
	/proportion_percent/, /crude_rate_per/, /dsr_per_/, /life_expectancy_years/,
	/(higher|lower)_is_better/, /not_compared/, /\[M\]/, /High \(0\.0/, /Low \(0\.0/];
const MARKING = process.env.MARKING || "SYNTHETIC DATA";
const AREA = process.env.AREA || "NHS Test ICB";

// Everything a person reads or hears on the page: its text, every aria-label, and the titles
// and descriptions of its charts and icons; the audit table (a verbatim record of requests,
// for administrators) is left out.
async function readable(page) {
	return page.evaluate(() => {
		const skip = document.querySelector("#audit");
		const out = [document.title];
		const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
		for (let n = walk.nextNode(); n; n = walk.nextNode())
			if (!(skip && skip.contains(n)) && n.parentElement.closest("style,script") === null)
				out.push(n.textContent);
		document.querySelectorAll("[aria-label]").forEach((e) => out.push(e.getAttribute("aria-label")));
		return out.join("\n");
	});
}

async function readAsPerson(page, what) {
	const text = await readable(page);
	for (const re of RAW) {
		const m = text.match(re);
		check(!m, `${what}: a raw identifier reaches a person: "${m && text.substr(Math.max(0, m.index - 60), 140)}"`);
	}
	for (const where of [".hg-marking-top", ".hg-marking-foot"]) {
		const t = await page.locator(where).textContent().catch(() => "");
		check(t.includes(MARKING) && t.includes(AREA), `${what}: no "${MARKING}" marking with the area at ${where}: "${t}"`);
	}
}

// Every page a role can open, at phone and laptop widths: the page itself never scrolls sideways
// (a wide table or chart scrolls in its own box), and chart text stays legible: the smallest text
// of every chart as drawn (its font size times the chart's scale) is at least MIN_TEXT_PX.
const MIN_TEXT_PX = 9;
// the place filter (issue 15): tests/e2e/browser.sh gives HYP breakdowns by PCN and sub-ICB
const PLACE = "pcn:Test PCN One (U00001)";
const PLACE_Q = "place=" + encodeURIComponent(PLACE);
const ROLES = {
	ana: ["analyst-password-1", ["/", "/?sort=gap", "/indicators/HYP", "/population", "/methods",
		"/?" + PLACE_Q, "/indicators/HYP?" + PLACE_Q]],
	vic: ["viewer-password-1", ["/", "/indicators/HYP", "/population", "/methods", "/?" + PLACE_Q]],
	pat: ["practice-password-1", ["/", "/indicators/HYP", "/population", "/methods"]],
	adm: ["admin-password-123", ["/", "/indicators/HYP", "/population", "/methods", "/admin"]],
};

async function layout(page) {
	return page.evaluate(() => {
		const width = document.documentElement.scrollWidth;
		let minText = Infinity, where = "";
		document.querySelectorAll("svg.hg-chart").forEach((svg) => {
			const vb = svg.viewBox.baseVal;
			const r = svg.getBoundingClientRect();
			if (!vb || !vb.width || !r.width) return;
			const scale = r.width / vb.width;
			svg.querySelectorAll("text").forEach((t) => {
				const px = parseFloat(getComputedStyle(t).fontSize) * scale;
				if (px < minText) { minText = px; where = svg.getAttribute("aria-labelledby") + ": " + t.textContent; }
			});
		});
		return { width, minText, where };
	});
}

// One context per role, resized between widths (a login costs an Argon2id hash); screenshots of
// every page at 390 and 1366 px go to SHOTS as wWIDTH-USER-PAGE.png.
async function everyPage(browser) {
	for (const [user, [pw, urls]] of Object.entries(ROLES)) {
		const ctx = await browser.newContext({ viewport: { width: 1366, height: 800 } });
		const page = await ctx.newPage();
		await login(page, user, pw);
		for (const w of [1366, 414, 390, 360]) {
			await page.setViewportSize({ width: w, height: 800 });
			for (const url of urls) {
				await page.goto(base + url);
				const l = await layout(page);
				check(l.width <= w, `${user} ${url} at ${w} px scrolls sideways: ${l.width} px wide`);
				check(l.minText >= MIN_TEXT_PX,
					`${user} ${url} at ${w} px: chart text ${l.minText.toFixed(1)} px (${l.where})`);
				if (w !== 390 && w !== 1366)
					continue;
				await readAsPerson(page, `${user} ${url} at ${w} px`);
				const name = url === "/" ? "overview" : url.replace(/[^a-z]+/gi, "-").replace(/^-|-$/g, "");
				// a page looks the same to every role but the practice's and the admin's own: one
				// shot each unless SHOTS_ALL is set (full-page shots are the slow part)
				if (process.env.SHOTS_ALL || user === "ana" || user === "pat" || url === "/admin")
					await shot(page, `w${w}-${user}-${name}`);
			}
		}
		await ctx.close();
	}
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

async function analyst(browser) {
	const ctx = await browser.newContext({ viewport: { width: 1366, height: 800 }, acceptDownloads: true });
	const page = await ctx.newPage();
	page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
	page.on("pageerror", (e) => problems.push(String(e)));
	await login(page, "ana", "analyst-password-1");

	await shot(page, "01-overview");
	await readAsPerson(page, "overview");
	// keyboard: the first Tab reaches the skip link
	await page.keyboard.press("Tab");
	const focused = await page.evaluate(() => document.activeElement.textContent);
	check(focused === "Skip to main content", "first Tab should focus the skip link, got " + focused);

	check(await page.locator("#overview tbody tr").count() === 1, "overview should list 1 indicator");
	// the board report's executive summary, ranked, in plain words (issue 12)
	const brief = await page.locator("#brief ol.hg-brief > li").allTextContents();
	check(brief.length >= 4 && brief[0].startsWith("The largest gaps") && brief.some((t) => t.includes("stands out")),
		"the overview lacks the executive summary: " + brief.join(" | "));
	// Making Data Count icons: the value's and the gap's trend
	check(await page.locator("#overview svg.hg-icons").count() === 2, "overview lacks the SPC icons");
	check((await page.textContent("#overview")).includes("HYP"), "overview lacks HYP");
	// words beside numbers: the polarity, the gap in words, the direction judged by the polarity
	const ov = await page.textContent("#overview");
	check(ov.includes("Lower is better"), "the overview does not show the polarity");
	check(/\d points (lower|higher)|about the same/.test(await page.textContent("#overview td.hg-gap")),
		"the gap is not in words: " + (await page.textContent("#overview td.hg-gap")));
	check(await page.locator("#overview .hg-trend[class*='hg-judge-']").count() === 1, "no judged direction badge");
	// sortable by gap size, from the keyboard
	await page.focus("#sort-gap");
	await Promise.all([page.waitForURL(base + "/?sort=gap"), page.keyboard.press("Enter")]);
	check(await page.getAttribute("#gap-col", "aria-sort") === "descending", "the gap column is not marked sorted");
	await readAsPerson(page, "overview sorted by gap");
	await page.goto(base + "/");

	await page.click("#overview a[href='/indicators/HYP']");
	await page.waitForURL(base + "/indicators/HYP");
	for (const id of ["chart-trend", "chart-imd_quintile", "chart-imd_decile", "chart-ethnicity",
		"chart-sex", "chart-age_band", "chart-practice"]) {
		const svg = page.locator("svg[aria-labelledby='" + id + "-t " + id + "-d']");
		check(await svg.count() === 1, "indicator page lacks chart " + id);
		check(await svg.isVisible(), "chart " + id + " is not visible");
	}
	check(await page.locator("svg.hg-chart rect").count() > 20, "charts have no bars");
	// issue 6: SII chart, SPC charts with icons, funnel plot, gap table
	for (const id of ["chart-sii", "chart-spc-value", "chart-spc-sii", "chart-funnel"]) {
		const svg = page.locator("svg[aria-labelledby='" + id + "-t " + id + "-d']");
		check(await svg.count() === 1, "indicator page lacks chart " + id);
		check(await svg.isVisible(), "chart " + id + " is not visible");
	}
	check(await page.locator("#chart-sii-t, svg[aria-labelledby^='chart-sii'] path").count() > 0,
		"the SII chart has no fitted line");
	check(/Slope index of inequality[\s\S]*\d/.test(await page.textContent("#sii-figures")),
		"the SII figures are not given as text");
	check(await page.locator("section[aria-labelledby='h-spc'] svg.hg-icons").count() === 2,
		"the SPC charts lack their icons");
	check(await page.locator("svg[aria-labelledby^='chart-funnel'] .hg-funnel-pt").count() === 3,
		"the funnel plot should show the 3 practices to an analyst");
	const gaps = await page.textContent("#gap-table");
	check(gaps.includes("Gap: most deprived fifth minus least deprived") && gaps.includes("Gap to the best-off group"),
		"the gap table lacks the Q1-Q5 gap or the gaps to the best-off group");
	check(/percentage points (lower|higher)|about the same/.test(gaps), "the gaps are not in words");
	check(/most deprived fifth|about the same/.test(await page.textContent("#headline-gap")) ||
		/points (lower|higher)/.test(await page.textContent("#headline-gap")), "the headline gap is not in words");
	check(/most deprived end of the gradient|no gradient|not available/.test(await page.textContent("#sii-figures")),
		"the SII is not in words");
	await readAsPerson(page, "indicator page");
	check(await page.locator("#gap-table tbody tr").count() >= 3, "the gap table is nearly empty");
	check((await page.textContent("#data-quality")).includes("ethnicity not stated"), "no data quality line");
	await shot(page, "02-indicator");
	for (const id of ["h-sii", "h-gaps", "h-spc", "h-funnel"])
		await page.locator("section[aria-labelledby='" + id + "']").screenshot({ path: path.join(shots, "08-" + id + ".png") });
	for (const id of ["h-trend", "h-imd_quintile", "h-age_band"])
		await page.locator("section[aria-labelledby='" + id + "']").screenshot({ path: path.join(shots, "02-" + id + ".png") });

	// the CSV download holds exactly the table's rows
	const [dl] = await Promise.all([page.waitForEvent("download"), page.click("#download-csv")]);
	const file = await dl.path();
	const csv = fs.readFileSync(file, "utf8").trim().split("\n");
	check(csv[0].startsWith("Indicator,Indicator ID,Period start,Period end,Breakdown,Group,Numerator") &&
		csv[0].endsWith(",Data status"), "CSV header: " + csv[0]);
	check(csv.slice(1).every((l) => l.endsWith("," + MARKING + " - " + AREA + " - a synthetic population: no real people")),
		"a CSV row lacks the status marking: " + csv[1]);
	check(!RAW.some((re) => re.test(csv.join("\n"))), "a raw identifier is in the CSV for people");
	await page.click("#h-table + details summary");
	check(await page.locator("#data-table").isVisible(), "the table does not open");
	const rows = await page.locator("#data-table tbody tr").count();
	check(csv.length - 1 === rows, `CSV has ${csv.length - 1} rows, the table ${rows}`);
	check(csv.slice(1).every((l) => /^"?Hypertension: prevalence, aged 18 and over"?,HYP,/.test(l)), "CSV rows are not all HYP");
	// rows with nobody in the denominator (ages under 18) say so, never "suppressed" or a number
	const young = await page.locator("#data-table tbody tr", { hasText: "0-4" }).first().textContent();
	check(young.includes("not applicable") && !young.includes("suppressed"), "age 0-4 row: " + young);
	fs.copyFileSync(file, path.join(shots, "HYP.csv"));

	await page.click("nav a[href='/population']");
	await page.waitForURL(base + "/population");
	check(await page.locator("svg.hg-chart").count() >= 7, "population charts missing");
	await readAsPerson(page, "population");
	await shot(page, "03-population");
	await page.click("nav a[href='/methods']");
	await readAsPerson(page, "methods");
	await shot(page, "04-methods");

	await Promise.all([page.waitForURL(base + "/login"), page.click("text=Log out")]);
	await page.goto(base + "/");
	check(page.url().endsWith("/login"), "still logged in after logout");
	await shot(page, "05-login");
	await ctx.close();
}

// The place filter on the overview and indicator pages: the place's published rows only.
async function places(browser) {
	const ctx = await browser.newContext({ viewport: { width: 1366, height: 800 } });
	const page = await ctx.newPage();
	page.on("pageerror", (e) => problems.push(String(e)));
	await login(page, "ana", "analyst-password-1");
	const opts = await page.locator("#place option").allTextContents();
	check(opts[0] === "Whole area" && opts.includes("Test PCN One (U00001)") && opts.includes("Test PCN Two (U00002)") &&
		opts.includes("NHS Test Shire Long Valley and Estuary Towns ICB - 99Z9Z (E38000001)"), "the place filter lists: " + opts.join(" | "));
	check(await page.locator("#place optgroup[label='Primary care network']").count() === 1, "no PCN group");
	await Promise.all([page.waitForURL(/place=/), page.selectOption("#place", PLACE)]);
	check((await page.textContent("#place-note")).includes("Test PCN One (U00001)"), "the overview does not say which place");
	check(await page.locator("#brief").count() === 0, "the whole area's summary is shown for a place");
	const shown = (await page.textContent("#overview tbody td[data-label='Value (95% CI)']")).trim();
	await readAsPerson(page, "overview for a place");
	for (const w of [1366, 390]) {
		await page.setViewportSize({ width: w, height: 800 });
		await shot(page, `09-place-overview-${w}`);
	}
	await page.setViewportSize({ width: 1366, height: 800 });
	// the indicator page keeps the place: its own row and its two-way rows only
	await Promise.all([page.waitForURL(/\/indicators\/HYP\?place=/), page.click("#overview tbody a")]);
	check(await page.locator("#place option[selected]").textContent() === "Test PCN One (U00001)",
		"the indicator page lost the place");
	check((await page.textContent(".hg-headline")).includes("Test PCN One (U00001), latest"), "headline is not the place's");
	await page.click("#h-table + details summary");
	const groups = await page.locator("#data-table tbody th").allTextContents();
	check(groups.length >= 6 && groups.every((g) => g.startsWith("Test PCN One (U00001)")),
		"the table holds other rows than the place's: " + groups.slice(0, 8).join(" | "));
	// the overview's value is the place's own published row of the latest period
	const own = page.locator("#data-table tbody tr", { hasText: "Primary care network" }).filter({
		hasNotText: "Deprivation" }).last();
	const ownValue = (await own.locator("td").nth(3).textContent()).trim();
	check(shown.startsWith(ownValue), `overview shows ${shown}, the place's row ${ownValue}`);
	check(await page.locator("svg[aria-labelledby='chart-trend-t chart-trend-d']").count() === 1,
		"no trend chart for the place");
	check(await page.locator("#chart-sii-t").count() === 0, "the area's SII is shown for a place");
	await readAsPerson(page, "indicator page for a place");
	for (const w of [1366, 390]) {
		await page.setViewportSize({ width: w, height: 800 });
		await shot(page, `09-place-indicator-${w}`);
	}
	await Promise.all([page.waitForURL(base + "/indicators/HYP?period=2025-03-31&place="),
		page.selectOption("#place", "")]);
	check(await page.locator("#chart-sii-t, svg[aria-labelledby='chart-sii-t chart-sii-d']").count() >= 1,
		"back to the whole area, the SII chart is missing");
	await ctx.close();
}

async function viewer(browser) {
	const ctx = await browser.newContext({ viewport: { width: 1366, height: 800 } });
	const page = await ctx.newPage();
	await login(page, "vic", "viewer-password-1");
	await page.goto(base + "/indicators/HYP");
	check(await page.locator("svg[aria-labelledby^='chart-practice']").count() === 0,
		"a viewer sees a practice chart");
	check(await page.locator("svg[aria-labelledby^='chart-funnel']").count() === 0, "a viewer sees the funnel plot");
	check(await page.locator("svg[aria-labelledby^='chart-sii']").count() === 1, "a viewer lacks the SII chart");
	check(await page.locator("#gap-table").count() === 1, "a viewer lacks the gap table");
	check(!(await page.content()).includes("A8100"), "a practice code reached a viewer's page");
	check(!(await page.textContent("#data-table")).includes("practice"), "a viewer sees practice rows");
	check(await page.locator("#download-csv").count() === 0, "a viewer sees a download link");
	let r = await page.request.get(base + "/api/indicators/HYP?breakdown=practice");
	check(r.status() === 403, "viewer API practice breakdown: " + r.status());
	r = await page.request.get(base + "/indicators/HYP?breakdown=practice");
	check(r.status() === 403, "viewer page practice breakdown: " + r.status());
	r = await page.request.get(base + "/download/HYP.csv");
	check(r.status() === 403, "viewer download: " + r.status());
	check(await page.locator("nav a[href='/admin']").count() === 0, "a viewer sees the admin link");
	await readAsPerson(page, "viewer's indicator page");
	r = await page.request.get(base + "/admin");
	check(r.status() === 403, "viewer admin page: " + r.status());
	await shot(page, "06-viewer-indicator");
	await ctx.close();
}

async function practice(browser) {
	const ctx = await browser.newContext({ viewport: { width: 1366, height: 800 } });
	const page = await ctx.newPage();
	await login(page, "pat", "practice-password-1");
	// its own view (issue 12): its name from practices.csv, its indicators against the area, the
	// PCN and similar practices (fewer than 3 other practices here: not available, never one
	// other practice's figure), and the way to its patients to act on
	check((await page.textContent("#h-practice")).includes("Riverside Surgery (A81001)"),
		"the practice view lacks the practice's name: " + (await page.textContent("#h-practice")));
	const prow = page.locator("#practice-table tbody tr");
	check(await prow.count() === 1, "the practice table should list HYP, its one indicator");
	const cells = await prow.first().locator("td").allTextContents();
	check(/^\d+\.\d/.test(cells[0].trim()) && cells[1].includes("not available") &&
		cells[2].includes("not available") && /^\d+\.\d/.test(cells[3].trim()),
		"practice row: own value, PCN and similar not available (too few practices), area value: " + cells);
	check((await page.textContent("#worklists")).includes("no worklists"),
		"the practice view does not say where its patients to act on are (this pack has no worklists)");
	check(await page.locator("#brief").count() === 0, "a practice user sees the area's executive summary");
	const own = await page.content();
	check(!own.includes("A81002") && !own.includes("Hill Street") && !own.includes("Park Medical"),
		"another practice reached a practice user's overview");
	await readAsPerson(page, "practice user's overview");
	await shot(page, "12-practice-overview");
	await page.goto(base + "/indicators/HYP");
	check(await page.locator("svg[aria-labelledby^='chart-funnel'] .hg-funnel-pt").count() === 1,
		"a practice user should see its own point on the funnel plot, and only it");
	const html = await page.content();
	check(!html.includes("A81002") && !html.includes("A81003"), "another practice reached a practice user");
	check(await page.locator("svg[aria-labelledby^='chart-sii']").count() === 0,
		"a practice user sees the area's deprivation gradient");
	check(await page.locator("svg[aria-labelledby^='chart-spc-value']").count() === 1, "a practice user lacks the SPC chart");
	await readAsPerson(page, "practice user's indicator page");
	await page.locator("section[aria-labelledby='h-funnel']").screenshot({ path: path.join(shots, "09-practice-funnel.png") });
	await ctx.close();
}

async function admin(browser) {
	const ctx = await browser.newContext({ viewport: { width: 1366, height: 800 } });
	const page = await ctx.newPage();
	await login(page, "adm", "admin-password-123");
	await page.click("nav a[href='/admin']");
	await page.waitForURL(base + "/admin");
	const audit = await page.textContent("#audit");
	check(audit.includes("login") && audit.includes("download"), "the audit table lacks logins or downloads");
	await readAsPerson(page, "admin");
	await shot(page, "07-admin");
	await ctx.close();
}

(async () => {
	fs.mkdirSync(shots, { recursive: true });
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
		args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
	});
	try {
		await analyst(browser);
		await places(browser);
		await viewer(browser);
		await practice(browser);
		await admin(browser);
		await everyPage(browser);
		check(problems.length === 0, "browser console errors (CSP?): " + problems.join(" | "));
	} finally {
		await browser.close();
	}
	console.log("browser tests passed; screenshots in " + shots);
})().catch((e) => {
	console.error("FAIL: " + e.message);
	process.exit(1);
});

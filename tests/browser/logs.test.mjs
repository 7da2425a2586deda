// The HTML report of `httpstatus logs --html` in headless Chromium: it loads nothing from anywhere, runs no
// script, draws the chart of codes over time with the incident of a generated log marked, and shows the
// codes, their meanings and who produced them, with the log's own values escaped.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, launchBrowser, screenshotPath, watch } from "./server.mjs";

const BIN = process.env.HTTPSTATUS_BIN || join(ROOT, "target", "debug", "httpstatus");
let browser;
let dir;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "httpstatus-logs-"));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

function htmlReport(name, args) {
  const out = join(dir, `${name}.html`);
  execFileSync(BIN, ["logs", "--html", out, ...args], { stdio: ["ignore", "ignore", "inherit"] });
  return out;
}

async function open(file) {
  const page = await browser.context.newPage();
  // Only the report itself may be read: anything else, here or elsewhere, is reported by `watch`.
  const seen = watch(page, pathToFileURL(file).href + "#");
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  seen.outside = seen.outside.filter((url) => url !== pathToFileURL(file).href);
  return { page, seen };
}

test("the report of a generated log shows the incident on the chart and in the spikes table", async () => {
  const log = join(dir, "gen.log");
  execFileSync("python3", [join(ROOT, "bench", "logs_gen.py"), "--lines", "30000", "--rate", "5", "--incident-at", "50", "--out", log], { stdio: "ignore" });
  const { page, seen } = await open(htmlReport("generated", [log]));
  assert.deepEqual(seen.errors, []);
  assert.deepEqual(seen.outside, [], "the page requested something");
  assert.equal(await page.locator("script").count(), 0);
  const chart = page.locator("svg#chart");
  assert.ok((await chart.boundingBox()).width > 300, "the chart is drawn at a readable size");
  assert.ok((await page.locator("svg#chart rect.bar").count()) > 20);
  assert.ok((await page.locator("svg#chart rect.spike-band").count()) >= 1, "the spike is shaded on the chart");
  const spikes = await page.locator("#spikes").innerText();
  assert.match(spikes, /502\s+2024-05-01T10:50:00Z/);
  assert.match(spikes, /499\s+2024-05-01T10:50:00Z/);
  await page.locator("a[href='#code-502']").click();
  assert.match(await page.locator("#code-502").innerText(), /What to check first/);
  await page.screenshot({ path: screenshotPath("logs-report"), fullPage: false });
  await page.close();
});

test("an ALB report names the vendor meaning and who produced each code, and escapes the log's text", async () => {
  const { page, seen } = await open(htmlReport("alb", [join(ROOT, "tests", "logs", "fixtures", "aws-alb.log")]));
  assert.deepEqual(seen.errors, []);
  assert.deepEqual(seen.outside, []);
  const c460 = await page.locator("#code-460").innerText();
  assert.match(c460, /AWS Application Load Balancer/);
  const c502 = await page.locator("#code-502").innerText();
  assert.match(c502, /the target never answered/);
  assert.match(c502, /Target\.ConnectionError/);
  const bad = await page.locator("#bad").innerText();
  assert.match(bad, /https 2024-05-01T10:00:07/);
  await page.close();
});

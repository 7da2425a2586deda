// The examples of a code page in headless Chromium: one tab per language and framework, the reader's choice
// kept across pages, and every example visible without JavaScript.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSite, stopSite, launchBrowser, screenshotPath, watch } from "./server.mjs";

let server;
let browser;
let codes;

before(async () => {
  ({ server, browser } = await startSite());
  codes = await Promise.all(
    (await (await fetch(`${server.url}/api/v1/codes`)).json()).map(async ({ code }) =>
      (await fetch(`${server.url}/api/v1/codes/${String(code).padStart(3, "0")}`)).json(),
    ),
  );
});

after(() => stopSite({ server, browser }));

const path = (code) => "/" + String(code).padStart(3, "0");
const isProgram = (x) => x.language === "javascript" || x.language === "python";
const flavour = (x) => (x.framework ? `${x.language}/${x.framework}` : x.language);
const ORDER = ["javascript", "javascript/express", "javascript/fastify", "javascript/axios",
  "python", "python/fastapi", "python/flask", "python/django", "python/requests", "python/httpx"];
/** The groups a code page shows, in page order: Node.js, Express, Fastify, axios, Python, FastAPI, ... */
const flavours = (entry) =>
  [...new Set(entry.examples.filter(isProgram).map(flavour))].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
const withFlavour = (f) => codes.filter((e) => flavours(e).includes(f) && flavours(e).length >= 2);

async function tabsOf(page) {
  return page.$$eval('[role="tablist"] [role="tab"]', (tabs) =>
    tabs.map((t) => {
      const panel = document.getElementById(t.getAttribute("aria-controls"));
      return {
        flavour: t.dataset.flavour,
        label: t.textContent,
        selected: t.getAttribute("aria-selected") === "true",
        tabindex: t.tabIndex,
        panelVisible: !!panel && !panel.hidden && panel.getBoundingClientRect().height > 0,
        labelledBy: panel?.getAttribute("aria-labelledby") === t.id,
      };
    }),
  );
}

function assertOnly(tabs, wanted, where) {
  const selected = tabs.filter((t) => t.selected).map((t) => t.flavour);
  assert.deepEqual(selected, [wanted], `${where}: selected tabs`);
  for (const t of tabs) {
    assert.equal(t.panelVisible, t.flavour === wanted, `${where}: the ${t.label} panel's visibility`);
    assert.equal(t.tabindex, t.flavour === wanted ? 0 : -1, `${where}: the ${t.label} tab's tabindex`);
    assert.ok(t.labelledBy, `${where}: the ${t.label} panel is labelled by its tab`);
  }
}

test("the examples' tabs switch, and the choice holds on the next page", async () => {
  // A flavour that is not a page's first group, present on at least two pages.
  const candidates = ["python/flask", "python/fastapi", "javascript/express", "python/django", "javascript/fastify"];
  const choice = candidates.find((f) => withFlavour(f).length >= 2);
  assert.ok(choice, "two code pages with framework examples");
  const [first, second] = withFlavour(choice);
  const page = await browser.context.newPage();
  const seen = watch(page, server.url);
  await page.goto(server.url + path(first.code));
  await page.evaluate(() => localStorage.clear());
  await page.reload();

  let tabs = await tabsOf(page);
  assert.deepEqual(tabs.map((t) => t.flavour), flavours(first), "one tab per language and framework, in order");
  assertOnly(tabs, flavours(first)[0], `${path(first.code)} before any choice`);
  const label = tabs.find((t) => t.flavour === choice).label;
  assert.match(label, /^(Express|Fastify|FastAPI|Flask|Django)$/);

  await page.getByRole("tab", { name: label, exact: true }).click();
  tabs = await tabsOf(page);
  assertOnly(tabs, choice, `${path(first.code)} after clicking ${label}`);
  const visibleFigures = await page.$$eval("figure.example", (figs) =>
    figs.filter((f) => f.getBoundingClientRect().height > 0).map((f) => f.dataset.framework || f.dataset.language),
  );
  assert.ok(visibleFigures.includes(choice.split("/")[1]), visibleFigures.join(", "));
  await page.locator('[role="tablist"]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshotPath("example-tabs") });

  // Another page: the same framework is selected without a click.
  await page.goto(server.url + path(second.code));
  assertOnly(await tabsOf(page), choice, `${path(second.code)} after choosing ${label} on ${path(first.code)}`);
  assert.equal(await page.evaluate(() => localStorage.getItem("httpstatus.examples")), choice);

  // A page without that framework shows the same language's standard-library examples.
  const language = choice.split("/")[0];
  const without = codes.find((e) => !flavours(e).includes(choice) && flavours(e)[0] !== language && flavours(e).includes(language));
  if (without) {
    await page.goto(server.url + path(without.code));
    assertOnly(await tabsOf(page), language, `${path(without.code)}, which has no ${label} example`);
  }

  // The keyboard: the arrows move the selection and the focus, and the new choice is kept.
  await page.goto(server.url + path(first.code));
  await page.getByRole("tab", { name: label, exact: true }).focus();
  await page.keyboard.press("ArrowRight");
  tabs = await tabsOf(page);
  const index = flavours(first).indexOf(choice);
  const next = flavours(first)[(index + 1) % flavours(first).length];
  assertOnly(tabs, next, `${path(first.code)} after ArrowRight`);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.flavour), next);
  await page.keyboard.press("Home");
  assertOnly(await tabsOf(page), flavours(first)[0], "after Home");
  await page.reload();
  assertOnly(await tabsOf(page), flavours(first)[0], "after a reload");

  await page.evaluate(() => localStorage.clear());
  assert.deepEqual(seen.errors, []);
  assert.deepEqual(seen.outside, []);
  await page.close();
});

test("without JavaScript every example is visible, under a heading per language and framework", async () => {
  const plain = await launchBrowser({ javaScriptEnabled: false });
  try {
    const entry = codes.find((e) => flavours(e).length >= 3) ?? codes.find((e) => flavours(e).length >= 2);
    const page = await plain.context.newPage();
    await page.goto(server.url + path(entry.code));
    assert.equal(await page.locator('[role="tablist"]').count(), 0, "no tabs without JavaScript");
    const headings = await page.$$eval(".example-group h3", (hs) =>
      hs.filter((h) => h.getBoundingClientRect().height > 1).map((h) => h.textContent),
    );
    assert.equal(headings.length, flavours(entry).length, headings.join(", "));
    const visible = await page.$$eval("figure.example", (figs) => figs.filter((f) => f.getBoundingClientRect().height > 0).length);
    assert.equal(visible, entry.examples.length, `every example of ${path(entry.code)} is visible`);
    await page.screenshot({ path: screenshotPath("example-groups-no-js"), fullPage: true });
    await page.close();
  } finally {
    await plain.close();
  }
});

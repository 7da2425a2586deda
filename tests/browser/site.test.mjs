// The httpstatus web site in headless Chromium, against the real server: search as you type, keyboard use,
// copy buttons, the dark theme, "Try it", a phone-sized screen, contrast and focus.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSite, stopSite, screenshotPath, watch } from "./server.mjs";

let server;
let browser;

before(async () => {
  ({ server, browser } = await startSite());
});

after(() => stopSite({ server, browser }));

async function open(path, setup) {
  const page = await browser.context.newPage();
  if (setup) await setup(page);
  const seen = watch(page, server.url);
  const response = await page.goto(server.url + path, { waitUntil: "load" });
  return { page, seen, response };
}

function assertClean(seen, path) {
  assert.deepEqual(seen.errors, [], `console errors on ${path}`);
  assert.deepEqual(seen.outside, [], `requests leaving the site from ${path}`);
  assert.deepEqual(seen.failed, [], `failed requests on ${path}`);
}

test("the home page and a code page load with no console error and nothing from elsewhere", async () => {
  for (const path of ["/", "/429", "/unofficial", "/class/5xx", "/guides/how-status-codes-work", "/search?q=gateway", "/no/such/page"]) {
    const { page, seen, response } = await open(path);
    assert.equal(response.status(), path === "/no/such/page" ? 404 : 200, path);
    await page.waitForLoadState("networkidle");
    if (path === "/no/such/page") {
      // Chromium logs the page's own 404 status; that one message is the page working as intended.
      const own = seen.errors.filter((e) => /status of 404/.test(e));
      assert.equal(own.length, 1, seen.errors.join("\n"));
      seen.errors = seen.errors.filter((e) => !own.includes(e));
    }
    assertClean(seen, path);
    await page.close();
  }
  const { page } = await open("/");
  await page.screenshot({ path: screenshotPath("home-light"), fullPage: true });
  await page.close();
});

test('typing "too many" shows 429 first and Enter opens /429', async () => {
  const { page, seen } = await open("/");
  const box = page.locator("#q");
  await box.click();
  await box.pressSequentially("too many", { delay: 20 });
  const first = page.locator("#suggest li").first();
  await first.waitFor({ state: "visible" });
  assert.match(await first.innerText(), /^429\b/);
  assert.equal(await first.getAttribute("aria-selected"), "true");
  assert.equal(await box.getAttribute("aria-expanded"), "true");
  await page.screenshot({ path: screenshotPath("search-suggestions") });
  await Promise.all([page.waitForURL(server.url + "/429"), box.press("Enter")]);
  assert.match(await page.locator("h1").innerText(), /^429\s+Too Many Requests/);
  assertClean(seen, "/ then /429");
  await page.close();
});

test('"/" focuses the search box and the arrow keys move the selection', async () => {
  const { page } = await open("/429");
  await page.locator("body").click({ position: { x: 5, y: 300 } });
  await page.keyboard.press("/");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "q");
  await page.keyboard.type("gateway", { delay: 20 });
  const items = page.locator("#suggest li");
  await items.first().waitFor({ state: "visible" });
  assert.ok((await items.count()) >= 2, "needs at least two suggestions");
  const selected = () => page.locator('#suggest li[aria-selected="true"]').getAttribute("id");
  assert.equal(await selected(), "sg0");
  await page.keyboard.press("ArrowDown");
  assert.equal(await selected(), "sg1");
  assert.equal(await page.locator("#q").getAttribute("aria-activedescendant"), "sg1");
  await page.keyboard.press("ArrowUp");
  assert.equal(await selected(), "sg0");
  await page.keyboard.press("ArrowUp");
  assert.equal(await selected(), `sg${(await items.count()) - 1}`, "ArrowUp from the first wraps to the last");
  await page.keyboard.press("Escape");
  await page.locator("#suggest").waitFor({ state: "hidden" });
  await page.close();
});

test("the copy button copies the Node.js example", async () => {
  await browser.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
  const { page, seen } = await open("/429");
  const entry = await (await fetch(`${server.url}/api/v1/codes/429`)).json();
  const node = entry.examples.find((x) => x.language === "javascript" && x.framework === null);
  const figure = page.locator('figure[data-language="javascript"]:not([data-framework])').first();
  const button = figure.locator("button.copy");
  await button.click();
  await page.waitForFunction((b) => b.textContent === "Copied", await button.elementHandle());
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied.trimEnd(), node.code.trimEnd());
  assert.match(copied, /require\(|import /);
  assertClean(seen, "/429");
  await page.close();
});

function luminance([r, g, b]) {
  const c = [r, g, b].map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

const rgb = (text) => text.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);

test("the dark theme follows the system setting", async () => {
  for (const scheme of ["light", "dark"]) {
    const { page } = await open("/429", (p) => p.emulateMedia({ colorScheme: scheme }));
    const [background, color] = await page.evaluate(() => {
      const style = getComputedStyle(document.body);
      return [style.backgroundColor, style.color];
    });
    const bg = luminance(rgb(background));
    const fg = luminance(rgb(color));
    if (scheme === "dark") assert.ok(bg < 0.05 && fg > 0.5, `dark theme: background ${background}, text ${color}`);
    else assert.ok(bg > 0.9 && fg < 0.1, `light theme: background ${background}, text ${color}`);
    await page.screenshot({ path: screenshotPath(`code-page-${scheme}`), fullPage: true });
    await page.close();
  }
});

test('"Try it" shows a live response', async () => {
  const { page, seen } = await open("/418");
  const button = page.locator("button.try-button");
  await button.click();
  const output = page.locator(".try-output");
  await page.waitForFunction((o) => /^HTTP 418\b/.test(o.textContent), await output.elementHandle());
  const text = await output.innerText();
  assert.match(text, /content-type: /i);
  await output.scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshotPath("try-it") });
  // The live 418 is an error status: the browser logs it, which is the point of the demonstration.
  assert.deepEqual(seen.outside, []);
  assert.deepEqual(seen.errors.filter((e) => !/status of 418/.test(e)), []);
  await page.close();
});

test("a phone-sized screen has no horizontal scroll", async () => {
  for (const path of ["/", "/429", "/502", "/103", "/299", "/unofficial", "/class/4xx", "/guides/how-status-codes-work", "/guides/why-the-right-code-matters", "/search?q=too+many", "/no/such/page", "/guides", "/choose", "/choose/client"]) {
    for (const scheme of ["light", "dark"]) {
      const { page } = await open(path, async (p) => {
        await p.setViewportSize({ width: 360, height: 740 });
        await p.emulateMedia({ colorScheme: scheme });
      });
      const { scroll, client } = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
      }));
      assert.ok(scroll <= client, `${path} (${scheme}) is ${scroll}px wide on a ${client}px screen`);
      if (path === "/429" || path === "/") {
        const name = path === "/" ? "home" : "429";
        await page.screenshot({ path: screenshotPath(`phone-${name}-${scheme}`), fullPage: true });
      }
      await page.close();
    }
  }
});

test("no code page scrolls sideways on a phone", async () => {
  const codes = await (await fetch(`${server.url}/api/v1/codes`)).json();
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 360, height: 740 });
  const wide = [];
  for (const { code } of codes) {
    const path = "/" + String(code).padStart(3, "0");
    await page.goto(server.url + path);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    if (width > 360) wide.push(`${path}: ${width}px`);
  }
  assert.ok(codes.length > 50);
  assert.deepEqual(wide, []);
  await page.close();
});

// WCAG 2.x contrast of every piece of visible text against the background it is drawn on.
function contrastFailures() {
  const parse = (text) => {
    const m = text.match(/[\d.]+/g)?.map(Number) ?? [0, 0, 0, 0];
    return { r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1 };
  };
  const lum = ({ r, g, b }) => {
    const f = (v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const backgroundOf = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const bg = parse(getComputedStyle(node).backgroundColor);
      if (bg.a > 0.5) return bg;
    }
    return parse(getComputedStyle(document.documentElement).backgroundColor || "rgb(255,255,255)");
  };
  const failures = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const checked = new Set();
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    const el = text.parentElement;
    if (!text.textContent.trim() || checked.has(el)) continue;
    checked.add(el);
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (style.visibility === "hidden" || box.width === 0 || el.closest("[hidden], .vh, .skip")) continue;
    const fg = parse(style.color);
    const bg = backgroundOf(el);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) {
      failures.push(`${el.tagName.toLowerCase()}.${el.className} "${text.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}`);
    }
  }
  return failures;
}

test("text contrast is at least WCAG AA in both themes", async () => {
  for (const path of ["/", "/429", "/103", "/unofficial", "/class/3xx", "/guides/how-status-codes-work", "/search?q=timeout"]) {
    for (const scheme of ["light", "dark"]) {
      const { page } = await open(path, (p) => p.emulateMedia({ colorScheme: scheme }));
      const failures = await page.evaluate(contrastFailures);
      assert.deepEqual([...new Set(failures)].slice(0, 15), [], `${path} in the ${scheme} theme`);
      await page.close();
    }
  }
});

test("keyboard focus is visible", async () => {
  for (const scheme of ["light", "dark"]) {
    const { page } = await open("/429", (p) => p.emulateMedia({ colorScheme: scheme }));
    const seen = [];
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press("Tab");
      seen.push(await page.evaluate(() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        return {
          tag: el.tagName,
          text: (el.textContent || el.id).trim().slice(0, 20),
          outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
          visible: el.getBoundingClientRect().left >= 0,
        };
      }));
    }
    assert.equal(seen[0].text, "Skip to content", "the first stop is the skip link");
    for (const stop of seen) assert.ok(stop.outline && stop.visible, `${scheme}: no visible focus on ${JSON.stringify(stop)}`);
    await page.close();
  }
});

test("a browser's EventSource reads the long operation's progress from /long/events", async () => {
  const { page, seen } = await open("/102");
  const events = await page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const got = [];
        const source = new EventSource("/long/events?seconds=2");
        const timer = setTimeout(() => {
          source.close();
          reject(new Error("no final event within 15 s: " + JSON.stringify(got)));
        }, 15000);
        const keep = (type) => (e) => {
          got.push({ type, id: e.lastEventId, data: e.data });
          if (type === "done") {
            clearTimeout(timer);
            source.close();
            resolve(got);
          }
        };
        for (const type of ["message", "progress", "done"]) source.addEventListener(type, keep(type));
        source.onerror = () => {
          if (!got.some((e) => e.type === "done")) {
            clearTimeout(timer);
            source.close();
            reject(new Error("the stream failed: " + JSON.stringify(got)));
          }
        };
      }),
  );
  const progress = events.filter((e) => e.type !== "done");
  assert.ok(progress.length >= 2, JSON.stringify(events));
  assert.ok(progress.every((e) => e.id !== ""), "every event carries an id: " + JSON.stringify(events));
  assert.equal(events.at(-1).type, "done", JSON.stringify(events));
  assertClean(seen, "/102 with EventSource");
  await page.close();
});

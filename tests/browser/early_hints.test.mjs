// 103 Early Hints in a real browser: headless Chromium loads `/early-hints?wait=1000` from `httpstatus serve --tls`,
// with the local CA trusted through an NSS database as a user would trust it. The server's own access log says
// when each request completed, so it shows whether the browser fetched the hinted stylesheet and script during
// the one-second wait (it acted on the 103) or only after the page arrived (it did not).
//
// Over HTTP/2 the preloads must complete well inside the wait. Over HTTP/1.1 (Chromium with --disable-http2 on
// the same HTTPS port, and cleartext http://127.0.0.1) the test measures what Chromium does, asserts that the
// measurement is clear-cut, and prints it; Chromium is documented to ignore 103 there.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { tempDir, startTlsServer, trustInNss, launchChromium, waitFor } from "./early_hints/harness.mjs";

const WAIT_MS = 1000;
// An asset "came before" the page when its request completed at least this long before the page was sent.
const MARGIN_MS = 300;
const NAVIGATION_TIMEOUT_MS = 20_000;
const STYLE = "/early-hints/style.css";
const SCRIPT = "/early-hints/app.js";
const UNRUN = "The script has not run.";

let server;
let dataDir;
let home;
const browsers = [];

before(async () => {
  dataDir = tempDir("eh-data");
  home = tempDir("eh-home");
  server = await startTlsServer(dataDir);
  const listed = trustInNss(home, server.caPem);
  assert.match(listed, /httpstatus local CA\s+C,,/, `certutil -L did not list the CA as trusted:\n${listed}`);
});

after(async () => {
  for (const browser of browsers) await browser.close();
  await server?.stop();
  for (const dir of [dataDir, home]) if (dir) rmSync(dir, { recursive: true, force: true });
});

async function browser(homeDir, extraArgs = []) {
  const launched = await launchChromium(homeDir, extraArgs);
  browsers.push(launched);
  return launched;
}

/**
 * Loads `base + /early-hints?wait=WAIT_MS` in a new page and gathers what happened: the server's access log
 * lines for the page and its two assets, what the page did with them, and what Chromium reports about them.
 */
async function measure(context, base) {
  const from = server.log.length;
  const page = await context.newPage();
  const events = [];
  const started = Date.now();
  page.on("request", (r) => events.push({ at: Date.now() - started, event: "request", url: r.url(), type: r.resourceType() }));
  page.on("response", (r) => events.push({ at: Date.now() - started, event: "response", url: r.url(), status: r.status(), fromServiceWorker: r.fromServiceWorker() }));
  page.on("requestfinished", (r) => events.push({ at: Date.now() - started, event: "finished", url: r.url() }));
  const consoleMessages = [];
  page.on("console", (m) => consoleMessages.push(`${m.type()}: ${m.text()}`));
  try {
    const response = await page.goto(`${base}/early-hints?wait=${WAIT_MS}`, { waitUntil: "load", timeout: NAVIGATION_TIMEOUT_MS });
    assert.equal(response.status(), 200);
    const seenByPage = await page.evaluate(() => {
      const status = document.getElementById("status");
      const style = getComputedStyle(status);
      const nav = performance.getEntriesByType("navigation")[0];
      return {
        statusText: status.textContent,
        borderLeftWidth: style.borderLeftWidth,
        borderLeftColor: style.borderLeftColor,
        navigation: nav && {
          nextHopProtocol: nav.nextHopProtocol,
          responseStart: nav.responseStart,
          firstInterimResponseStart: nav.firstInterimResponseStart,
          finalResponseHeadersStart: nav.finalResponseHeadersStart,
          responseEnd: nav.responseEnd,
        },
        resources: performance.getEntriesByType("resource").map((e) => ({
          path: new URL(e.name).pathname,
          initiatorType: e.initiatorType,
          nextHopProtocol: e.nextHopProtocol,
          startTime: Math.round(e.startTime),
          responseEnd: Math.round(e.responseEnd),
          transferSize: e.transferSize,
        })),
      };
    });
    // The page's line is written when its final response has been sent, the assets' when theirs have; give
    // the log a moment to reach us.
    const lines = () => server.log.slice(from);
    const find = (target) => lines().find((e) => e.target === target);
    const complete = await waitFor(() => find(`/early-hints?wait=${WAIT_MS}`) && find(STYLE) && find(SCRIPT), 5_000);
    assert.ok(complete, `the access log lacks the page or an asset:\n${lines().map((e) => JSON.stringify(e)).join("\n")}`);
    const pageLine = find(`/early-hints?wait=${WAIT_MS}`);
    const assets = [STYLE, SCRIPT].map((target) => {
      const all = lines().filter((e) => e.target === target);
      // lead > 0: the asset's request completed that many ms before the page's final response was sent.
      return { target, line: all[0], count: all.length, leadMs: pageLine.time - all[0].time };
    });
    return { pageLine, assets, seenByPage, events, consoleMessages };
  } finally {
    await page.close();
  }
}

/** "before" (every asset well inside the wait), "after" (every asset once the page was sent), else "unclear". */
function classify(assets) {
  if (assets.every((a) => a.leadMs >= MARGIN_MS)) return "before";
  if (assets.every((a) => a.leadMs <= 0)) return "after";
  return "unclear";
}

function report(t, label, m) {
  t.diagnostic(`${label}: /early-hints final response sent at ${m.pageLine.iso} (${m.pageLine.protocol}, took ${m.pageLine.durationMs} ms)`);
  for (const a of m.assets) {
    const when = a.leadMs > 0 ? `${a.leadMs} ms before the page was sent` : `${-a.leadMs} ms after the page was sent`;
    t.diagnostic(`${label}: ${a.target} completed at ${a.line.iso} (${a.line.protocol}), ${when}; requested ${a.count} time(s)`);
  }
  for (const r of m.seenByPage.resources) {
    t.diagnostic(`${label}: resource timing ${r.path}: initiatorType=${JSON.stringify(r.initiatorType)} nextHopProtocol=${r.nextHopProtocol} startTime=${r.startTime} ms responseEnd=${r.responseEnd} ms`);
  }
  t.diagnostic(`${label}: navigation timing ${JSON.stringify(m.seenByPage.navigation)}`);
  const assetEvents = m.events.filter((e) => /\/early-hints\/(style\.css|app\.js)$/.test(e.url));
  // Playwright (CDP) reports a preload from a hint only when the page takes it up, after the page arrived.
  t.diagnostic(`${label}: Playwright events for the assets, ms after goto: ${JSON.stringify(assetEvents.map((e) => `${e.event} ${new URL(e.url).pathname} +${e.at}ms`))}`);
  if (m.consoleMessages.length) t.diagnostic(`${label}: console: ${JSON.stringify(m.consoleMessages)}`);
}

/**
 * Chromium's Navigation Timing says when the 103 and the final headers arrived: the browser received the 103
 * about WAIT_MS before the page, whatever it then did with it. (Skipped where Chromium lacks these fields.)
 */
function assertInterimReceived(m, label) {
  const nav = m.seenByPage.navigation;
  if (nav.firstInterimResponseStart === undefined) return;
  assert.ok(nav.firstInterimResponseStart > 0, `${label}: Chromium reports no interim response`);
  const gap = nav.finalResponseHeadersStart - nav.firstInterimResponseStart;
  assert.ok(gap >= WAIT_MS - MARGIN_MS, `${label}: the 103 arrived only ${Math.round(gap)} ms before the final headers`);
}

function assertPageUsedAssets(m, label) {
  assert.notEqual(m.seenByPage.statusText, UNRUN, `${label}: the script did not run`);
  assert.match(m.seenByPage.statusText, /preloaded script ran/, `${label}: unexpected #status text`);
  assert.equal(m.seenByPage.borderLeftWidth, "4px", `${label}: the stylesheet was not applied`);
  assert.equal(m.seenByPage.borderLeftColor, "rgb(34, 170, 119)", `${label}: the stylesheet was not applied`);
  assert.equal(m.pageLine.status, 200);
  assert.ok(m.pageLine.durationMs >= WAIT_MS, `${label}: the page took ${m.pageLine.durationMs} ms, less than the ${WAIT_MS} ms wait`);
  for (const a of m.assets) assert.equal(a.line.status, 200, `${label}: ${a.target}`);
}

test("without the local CA in its NSS database, Chromium refuses the server's certificate", { timeout: 60_000 }, async () => {
  // The control for the tests below: an empty HOME, so no $HOME/.pki/nssdb. If this navigation succeeded, the
  // trust would come from somewhere other than the NSS database.
  const bare = await browser(tempDir("eh-bare-home"));
  const page = await bare.context.newPage();
  await assert.rejects(
    page.goto(`${server.https}/early-hints?wait=0`, { timeout: NAVIGATION_TIMEOUT_MS }),
    /ERR_CERT_AUTHORITY_INVALID/,
  );
  await page.close();
});

test("over HTTP/2, Chromium fetches the hinted stylesheet and script during the wait, before the page is sent", { timeout: 90_000 }, async (t) => {
  const chromium = await browser(home);
  t.diagnostic(`Chromium ${chromium.version}, CA trusted through certutil in $HOME/.pki/nssdb`);
  const m = await measure(chromium.context, server.https);
  report(t, "h2", m);
  assert.equal(m.seenByPage.navigation.nextHopProtocol, "h2", "the page did not load over HTTP/2");
  assert.equal(m.pageLine.protocol, "HTTP/2");
  assertInterimReceived(m, "h2");
  assertPageUsedAssets(m, "h2");
  for (const a of m.assets) {
    assert.equal(a.line.protocol, "HTTP/2", `${a.target} did not come over HTTP/2`);
    assert.ok(
      a.leadMs >= MARGIN_MS,
      `${a.target} completed ${a.leadMs} ms before the page was sent; Chromium should have fetched it during the ${WAIT_MS} ms wait after the 103`,
    );
    // The preloaded copy is the one the page used: no second request.
    assert.equal(a.count, 1, `${a.target} was requested ${a.count} times`);
  }
  assert.equal(classify(m.assets), "before");
  for (const path of [STYLE, SCRIPT]) {
    const entry = m.seenByPage.resources.find((r) => r.path === path);
    assert.ok(entry, `no resource timing entry for ${path}`);
    assert.equal(entry.initiatorType, "early-hints", `${path}: Chromium reports initiatorType ${entry.initiatorType}`);
  }
});

/** Measures an HTTP/1.1 load and asserts what it shows, whichever way Chromium went; returns the verdict. */
async function http11(t, label, context, base) {
  const m = await measure(context, base);
  report(t, label, m);
  assert.equal(m.seenByPage.navigation.nextHopProtocol, "http/1.1", `${label}: the page did not load over HTTP/1.1`);
  assert.equal(m.pageLine.protocol, "HTTP/1.1");
  for (const a of m.assets) assert.equal(a.line.protocol, "HTTP/1.1", `${label}: ${a.target}`);
  assertInterimReceived(m, label);
  assertPageUsedAssets(m, label);
  const verdict = classify(m.assets);
  assert.notEqual(verdict, "unclear", `${label}: the assets were neither all fetched during the wait nor all after the page`);
  const initiators = [STYLE, SCRIPT].map((path) => m.seenByPage.resources.find((r) => r.path === path)?.initiatorType);
  if (verdict === "after") {
    t.diagnostic(`${label}: as expected, Chromium ignored the 103: it requested the assets only after the page arrived`);
    assert.ok(!initiators.includes("early-hints"), `${label}: assets fetched after the page but reported as early-hints`);
  } else {
    t.diagnostic(`${label}: NOT AS EXPECTED: Chromium acted on the 103 over HTTP/1.1 (the assets came during the wait)`);
  }
  return verdict;
}

test("over HTTP/1.1 on the HTTPS port (Chromium with --disable-http2), the test records what Chromium does with the 103", { timeout: 90_000 }, async (t) => {
  const chromium = await browser(home, ["--disable-http2"]);
  t.diagnostic(`Chromium ${chromium.version} with --disable-http2`);
  await http11(t, "https HTTP/1.1", chromium.context, server.https);
});

test("over cleartext HTTP/1.1, the test records what Chromium does with the 103", { timeout: 90_000 }, async (t) => {
  const chromium = await browser(home);
  t.diagnostic(`Chromium ${chromium.version}`);
  await http11(t, "http HTTP/1.1", chromium.context, server.http);
});

// Long run in the browser (run by `make bench-long`, not by `make test`).
//
// Opens the release build (dist/) in headless Chromium with a 100 requests/s scenario
// (redundant-behind-lb, overridden through the share link), fast-forwards with the app's own
// "Run to" control to 1 simulated minute, then to 24 simulated hours, and prints the wasm
// linear memory (WebAssembly.Memory buffer byteLength: what the tab holds for the
// simulation; it only grows) after each, with the ratio (target: ≤ 1.2×). The JS heap
// (CDP Runtime.getHeapUsage) is printed alongside.
//
// The memory is read from the instance the page creates: an init script wraps
// WebAssembly.instantiate / instantiateStreaming and keeps the exported memory, so the app
// exposes nothing new.
//
// Usage: node tests/e2e/long_run.mjs [--rate 100] [--hours 24] [--timeout-min 60]
import { DIST_DIR, launchBrowser, startServer } from './support.mjs';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const RATE = arg('rate', 100);
const HOURS = arg('hours', 24);
const TIMEOUT_MS = arg('timeout-min', 60) * 60_000;
const PRESET = 'redundant-behind-lb';
const DIST = process.env.FAILOVER_LAB_DIST || DIST_DIR;
const MiB = 1024 * 1024;

const server = await startServer({ root: DIST });
const browser = await launchBrowser();
let failed = false;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.addInitScript(() => {
    const keep = (result) => {
      const instance = result instanceof WebAssembly.Instance ? result : result?.instance;
      const memory = instance?.exports?.memory;
      if (memory instanceof WebAssembly.Memory) window.__wasmMemory = memory;
      return result;
    };
    const instantiate = WebAssembly.instantiate.bind(WebAssembly);
    WebAssembly.instantiate = (...args) => instantiate(...args).then(keep);
    if (WebAssembly.instantiateStreaming) {
      const streaming = WebAssembly.instantiateStreaming.bind(WebAssembly);
      WebAssembly.instantiateStreaming = (...args) => streaming(...args).then(keep);
    }
  });
  const cdp = await context.newCDPSession(page);
  const url = `${server.url}#v=2&p=${PRESET}&seed=1&o=clients:rate_rps:${RATE}`;
  await page.goto(url);
  await page.waitForSelector('[data-app-ready="1"]');
  await page.waitForSelector('[data-control="run-to-input"]');
  await page.waitForFunction(() => window.__wasmMemory !== undefined, null, { timeout: 30_000 });

  const memory = async () => {
    const wasm = await page.evaluate(() => window.__wasmMemory.buffer.byteLength);
    const heap = await cdp.send('Runtime.getHeapUsage');
    return { wasm, js: heap.usedSize };
  };
  const clock = () => page.$eval('[data-clock]', (el) => el.textContent.trim());

  // Fast-forward with the app's "Run to" form and wait until it has arrived (the note
  // "fast-forwarding to …" is gone and the clock shows the target).
  const runTo = async (seconds, want) => {
    const started = Date.now();
    await page.fill('[data-control="run-to-input"]', String(seconds));
    await page.click('[data-control="run-to"]');
    await page.waitForFunction(
      (w) => {
        const note = document.querySelector('.run-to-note');
        const c = document.querySelector('[data-clock]');
        return note && note.textContent.trim() === '' && c && c.textContent.trim() === w;
      },
      want,
      { timeout: TIMEOUT_MS, polling: 1000 },
    );
    return (Date.now() - started) / 1000;
  };

  const fmt = (b) => `${(b / MiB).toFixed(1)} MiB`;
  const t1 = await runTo(60, '1:00.0');
  const m1 = await memory();
  console.log(`after 1 simulated minute (${t1.toFixed(1)} s wall, clock ${await clock()}): wasm memory ${fmt(m1.wasm)}, JS heap ${fmt(m1.js)}`);
  const target = HOURS * 3600;
  const want = `${HOURS}:00:00.0`;
  const t2 = await runTo(target, want);
  const m2 = await memory();
  console.log(`after ${HOURS} simulated hours (${t2.toFixed(1)} s wall, clock ${await clock()}): wasm memory ${fmt(m2.wasm)}, JS heap ${fmt(m2.js)}`);
  const ratio = m2.wasm / m1.wasm;
  const verdict = ratio <= 1.2 ? 'ok' : 'OVER';
  console.log(`wasm memory ratio ${HOURS} h / 1 min: ${ratio.toFixed(3)}× (target ≤ 1.2×): ${verdict}`);
  const events = await page.$eval('.clock-events', (el) => el.textContent.trim());
  console.log(`${events} at ${RATE} requests/s`);
  if (errors.length) {
    console.log(`console errors:\n  ${errors.join('\n  ')}`);
    failed = true;
  }
  if (verdict !== 'ok') failed = true;
} finally {
  await browser.close();
  await server.close();
}
process.exit(failed ? 1 : 0);

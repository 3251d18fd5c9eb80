// Frame-time benchmark of the visualizer (run by `make bench-ui`, not by `make test`).
//
// Runs the busiest preset (redundant-behind-lb: the most events per simulated second) at
// 1,000 requests/s (overridden through the share link) at 100× speed for 20 s of wall time
// in headless Chromium, on the release build in dist/, and prints:
//   - script time per animation frame, p50 / p95 / max (target: p95 ≤ 8 ms). Measured by
//     wrapping requestAnimationFrame: from the start of the app's frame callback to the end
//     of the microtasks it queued (Yew renders the panels in a microtask);
//   - CDP Performance.ScriptDuration per frame, as a cross-check of the above;
//   - dropped frames: intervals between frames longer than 16.7 ms (and than 33.4 ms);
//   - the simulated speed actually achieved, and whether the app said "running slower";
//   - the gzipped size of the release wasm + js (target ≤ 120 KB).
//
// Usage: node tests/e2e/bench_frames.mjs [--seconds 20] [--speed 100] [--rate 1000]
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DIST_DIR, launchBrowser, startServer } from './support.mjs';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const SECONDS = arg('seconds', 20);
const SPEED = arg('speed', 100);
const RATE = arg('rate', 1000);
const PRESET = 'redundant-behind-lb';
// FAILOVER_LAB_DIST benchmarks another build directory (default dist/).
const DIST = process.env.FAILOVER_LAB_DIST || DIST_DIR;

function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const fmt = (ms) => `${ms.toFixed(2)} ms`;

async function bundleSize() {
  const files = (await readdir(DIST)).filter((f) => f.endsWith('.wasm') || f.endsWith('.js'));
  let raw = 0;
  let gz = 0;
  const rows = [];
  for (const f of files) {
    const bytes = await readFile(join(DIST, f));
    const z = gzipSync(bytes, { level: 9 }).length;
    raw += bytes.length;
    gz += z;
    rows.push(`  ${f.padEnd(48)} ${(bytes.length / 1024).toFixed(1).padStart(8)} KiB  gzip ${(z / 1024).toFixed(1).padStart(7)} KiB`);
  }
  return { raw, gz, rows };
}

const server = await startServer({ root: DIST });
const browser = await launchBrowser();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.addInitScript(() => {
    // Time every animation-frame callback, including the microtasks it queues.
    window.__bench = { script: [], callback: [], stamps: [], on: false };
    const raf = window.requestAnimationFrame.bind(window);
    window.requestAnimationFrame = (cb) =>
      raf((ts) => {
        const t0 = performance.now();
        cb(ts);
        const t1 = performance.now();
        queueMicrotask(() => {
          if (window.__bench.on) {
            window.__bench.script.push(performance.now() - t0);
            window.__bench.callback.push(t1 - t0);
            window.__bench.stamps.push(ts);
          }
        });
      });
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const url = `${server.url}#v=3&p=${PRESET}&seed=1&o=clients:rate_rps:${RATE}`;
  await page.goto(url);
  await page.waitForSelector('[data-lab][data-sim-time-us]');
  await page.evaluate((speed) => {
    // Set the speed through the app's own slider (log scale, 0..400 for 0.1×..1000×).
    const slider = document.querySelector('[data-control="speed"]');
    const v = Math.round(((Math.log10(speed) + 1) / 4) * 400);
    slider.value = String(v);
    slider.dispatchEvent(new Event('input', { bubbles: true }));
  }, SPEED);
  await page.waitForTimeout(2_000); // warm-up: JIT, budget estimate, chart history

  const metric = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
  };
  const m0 = await metric();
  const sim0 = Number(await page.getAttribute('[data-lab]', 'data-sim-time-us'));
  await page.evaluate(() => {
    window.__bench.on = true;
  });
  const wall0 = Date.now();
  let slowSeen = false;
  while (Date.now() - wall0 < SECONDS * 1000) {
    await page.waitForTimeout(500);
    slowSeen ||= (await page.locator('[data-slow="1"]').count()) > 0;
  }
  const result = await page.evaluate(() => {
    window.__bench.on = false;
    return window.__bench;
  });
  const wall = (Date.now() - wall0) / 1000;
  const m1 = await metric();
  const sim1 = Number(await page.getAttribute('[data-lab]', 'data-sim-time-us'));
  const sampling = await page.locator('.overlay-note').first().textContent().catch(() => '');

  const script = [...result.script].sort((a, b) => a - b);
  const callback = [...result.callback].sort((a, b) => a - b);
  const render = result.script.map((t, i) => t - result.callback[i]).sort((a, b) => a - b);
  const gaps = result.stamps.slice(1).map((t, i) => t - result.stamps[i]);
  const frames = script.length;
  const dropped = gaps.filter((g) => g > 1000 / 60 + 0.5).length;
  const missed = gaps.filter((g) => g > 2000 / 60).length;
  const cdpScript = ((m1.ScriptDuration - m0.ScriptDuration) * 1000) / Math.max(1, frames);
  const cdpTask = ((m1.TaskDuration - m0.TaskDuration) * 1000) / Math.max(1, frames);
  const achieved = (sim1 - sim0) / 1e6 / wall;

  console.log(`Failover Lab frame benchmark: ${PRESET}, ${RATE} req/s, ${SPEED}× for ${wall.toFixed(1)} s wall`);
  console.log(`frames:                   ${frames} (${(frames / wall).toFixed(1)} per second)`);
  console.log(`script time per frame:    p50 ${fmt(quantile(script, 0.5))}, p95 ${fmt(quantile(script, 0.95))}, max ${fmt(script[frames - 1] ?? NaN)}  (target p95 ≤ 8 ms)`);
  console.log(`  of which frame callback: p50 ${fmt(quantile(callback, 0.5))}, p95 ${fmt(quantile(callback, 0.95))} (simulation, overlay); panel render: p95 ${fmt(quantile(render, 0.95))}, max ${fmt(render[frames - 1] ?? NaN)}`);
  console.log(`CDP ScriptDuration/frame: ${fmt(cdpScript)} (TaskDuration/frame ${fmt(cdpTask)})`);
  console.log(`dropped frames:           ${dropped} intervals > 16.7 ms (${((100 * dropped) / Math.max(1, gaps.length)).toFixed(1)} %), ${missed} > 33.3 ms`);
  console.log(`simulated speed achieved: ${achieved.toFixed(1)}× of ${SPEED}× requested${slowSeen ? ' ("running slower than requested" shown)' : ''}`);
  console.log(`animation:                ${sampling?.trim() || 'every request drawn'}`);
  const size = await bundleSize();
  console.log(`release bundle (dist/):   ${(size.gz / 1024).toFixed(1)} KiB gzipped, ${(size.raw / 1024).toFixed(1)} KiB raw  (target ≤ 120 KB gzipped)`);
  for (const row of size.rows) console.log(row);
  await context.close();
} finally {
  await browser.close();
  await server.close();
}

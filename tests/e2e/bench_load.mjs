// First-load and fast-forward benchmark (run by `make bench-ui`, not by `make test`: it prints
// figures, it does not pass or fail on them).
//
// 1. Bundle: raw, gzip -9 and brotli (q 11) sizes of what dist/ serves, with the wasm + js
//    total (target ≤ 300 KB gzipped).
// 2. First load in headless Chromium, cache disabled, served gzipped by the tests' static
//    server, under Chrome DevTools' network and CPU throttling, median of --runs (3) per
//    profile:
//      - "Slow 4G": 562.5 ms latency, 180,000 B/s down, 84,375 B/s up, CPU 4× slower
//        (Lighthouse's mobile profile);
//      - "Fast 4G": 165 ms latency, 1,012,500 B/s down, 168,750 B/s up, CPU 1×;
//    first contentful paint, largest contentful paint (and its element), diagram visible (the
//    first frame painted with a node of the diagram in it: the poster, or the app), app mounted
//    (data-app-ready), and first click on a node answered (a click on an instance the moment
//    the app is mounted, until its fault menu is painted). Also what went over the network.
// 3. "Run to" 1 h at 1,000 requests/s (redundant-behind-lb, seed 1) in Chromium without
//    throttling against the same run natively (`failover-lab run … --json`, wall_ms), their
//    ratio (target ≤ 1.4×) and trace hashes (must be equal), plus how fast the page answered
//    input meanwhile (clicks on a node, Escape), as Interaction to Next Paint measures it
//    (target < 100 ms).
//
// Usage: node tests/e2e/bench_load.mjs [--runs 3] [--only size|load|run-to] [--profile slow|fast]
//        FAILOVER_LAB_DIST=dir benchmarks another build (e.g. one of the main branch) and
//        FAILOVER_LAB_CLI=path another native binary (default target/release/failover-lab).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import { DIST_DIR, REPO_ROOT, launchBrowser, startServer } from './support.mjs';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const RUNS = Number(arg('runs', 3));
const ONLY = arg('only', null);
const PROFILE = arg('profile', null);
const DIST = process.env.FAILOVER_LAB_DIST || DIST_DIR;
const CLI = process.env.FAILOVER_LAB_CLI || join(REPO_ROOT, 'target', 'release', 'failover-lab');

export const PROFILES = {
  slow: {
    name: 'Slow 4G + 4× CPU',
    network: { latency: 562.5, downloadThroughput: 180_000, uploadThroughput: 84_375 },
    cpu: 4,
    targets: { lcp: 2000, click: 3500 },
  },
  fast: {
    name: 'Fast 4G + 1× CPU',
    network: { latency: 165, downloadThroughput: 1_012_500, uploadThroughput: 168_750 },
    cpu: 1,
    targets: { lcp: 800 },
  },
};

const RUN_TO = { preset: 'redundant-behind-lb', seed: 1, rate: 1000, seconds: 3600 };
const RUN_TO_ARGS = ['run', RUN_TO.preset, '--seed', String(RUN_TO.seed), '--duration', String(RUN_TO.seconds), '--set', `clients.rate_rps=${RUN_TO.rate}`, '--json'];

const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`;
const ms = (v) => (Number.isFinite(v) ? `${Math.round(v)} ms` : '–');
const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// ----- 1. bundle --------------------------------------------------------------------------

async function bundle() {
  const files = (await readdir(DIST)).filter((f) => /\.(wasm|js|mjs|html|css)$/.test(f)).sort();
  const rows = [];
  for (const f of files) {
    const bytes = await readFile(join(DIST, f));
    rows.push({
      file: f,
      raw: bytes.length,
      gzip: gzipSync(bytes, { level: 9 }).length,
      brotli: brotliCompressSync(bytes, {
        params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
      }).length,
    });
  }
  const app = rows.filter((r) => /\.(wasm|js|mjs)$/.test(r.file));
  const sum = (rs, k) => rs.reduce((a, r) => a + r[k], 0);
  console.log(`\n== Bundle (${DIST}) ==`);
  console.log(`${'file'.padEnd(44)} ${'raw'.padStart(10)} ${'gzip -9'.padStart(10)} ${'brotli'.padStart(10)}`);
  for (const r of rows) {
    console.log(`${r.file.padEnd(44)} ${kb(r.raw).padStart(10)} ${kb(r.gzip).padStart(10)} ${kb(r.brotli).padStart(10)}`);
  }
  const gz = sum(app, 'gzip');
  console.log(
    `${'wasm + js'.padEnd(44)} ${kb(sum(app, 'raw')).padStart(10)} ${kb(gz).padStart(10)} ${kb(sum(app, 'brotli')).padStart(10)}` +
      `   (${(gz / 1024).toFixed(1)} KiB gzip; target ≤ 300 KB)`,
  );
  console.log(`${'everything'.padEnd(44)} ${kb(sum(rows, 'raw')).padStart(10)} ${kb(sum(rows, 'gzip')).padStart(10)} ${kb(sum(rows, 'brotli')).padStart(10)}`);
}

// ----- 2. first load ----------------------------------------------------------------------

/** Installed before the page's own scripts: records paint, LCP, diagram, mount and click. */
function recorder() {
  const load = (window.__load = { lcp: [], marks: {}, compile: [] });
  // Which compile path the wasm-bindgen loader takes: streaming compiles while downloading.
  for (const name of ['instantiateStreaming', 'instantiate', 'compileStreaming', 'compile']) {
    const original = WebAssembly[name];
    if (typeof original !== 'function') continue;
    WebAssembly[name] = function (...args) {
      load.compile.push(name);
      return original.apply(this, args);
    };
  }
  const describe = (el) => {
    if (!el) return '?';
    const cls = typeof el.className === 'string' ? el.className : el.className?.baseVal;
    return `${el.tagName.toLowerCase()}${cls ? '.' + cls.trim().split(/\s+/).join('.') : ''}`;
  };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') load.fcp = e.startTime;
  }).observe({ type: 'paint', buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) load.lcp.push({ t: e.startTime, el: describe(e.element), size: e.size });
  }).observe({ type: 'largest-contentful-paint', buffered: true });
  // The first animation frame after the DOM has something: the frame that paints it (no frame
  // runs while render-blocking stylesheets are loading).
  const painted = (name) => {
    if (load.marks[name + 'Dom'] !== undefined) return;
    load.marks[name + 'Dom'] = performance.now();
    requestAnimationFrame(() => {
      load.marks[name] = performance.now();
    });
  };
  const clickFirstNode = () => {
    const node = document.querySelector('[data-app-ready] [data-node-id][aria-haspopup="menu"]');
    if (!node) return false;
    load.marks.clickAt = performance.now();
    node.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
    return true;
  };
  const observer = new MutationObserver(() => {
    if (document.querySelector('[data-node-id]')) painted('diagram');
    if (load.marks.readyDom === undefined && document.querySelector('[data-app-ready]')) {
      painted('ready');
      // The user clicks an instance the moment the live diagram is there.
      if (!clickFirstNode()) load.marks.clickError = 'no node to click';
    }
    if (load.marks.clickAt !== undefined && document.querySelector('.node-menu')) {
      painted('click');
      observer.disconnect();
    }
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-app-ready'] });
}

async function loadOnce(browser, url, profile) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, ...profile.network });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpu });
  // Bytes on the wire per request (headers included), from the throttled network's view.
  const wire = new Map();
  cdp.on('Network.dataReceived', (e) => wire.set(e.requestId, (wire.get(e.requestId) ?? 0) + e.encodedDataLength));
  cdp.on('Network.loadingFinished', (e) => wire.set(e.requestId, Math.max(wire.get(e.requestId) ?? 0, e.encodedDataLength)));
  await page.addInitScript(recorder);
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(() => window.__load?.marks.click !== undefined || window.__load?.marks.clickError, null, {
    timeout: 120_000,
    polling: 100,
  });
  // LCP entries are delivered after their paint: give the last ones time to arrive.
  await page.waitForTimeout(1000);
  const result = await page.evaluate(() => {
    const r = window.__load;
    const resources = performance.getEntriesByType('resource').map((e) => ({
      name: e.name.split('/').pop(),
      bytes: e.encodedBodySize,
      end: e.responseEnd,
    }));
    return { fcp: r.fcp, lcp: r.lcp, marks: r.marks, resources, compile: r.compile };
  });
  await context.close();
  // A real click ends LCP; this one is synthetic (it does not), so entries painted after it
  // was answered (the menu) are left out.
  const before = result.lcp.filter((e) => e.t <= (result.marks.click ?? Infinity));
  const lcp = before[before.length - 1] ?? {};
  const wasm = result.resources.filter((r) => r.name.endsWith('.wasm'));
  return {
    fcp: result.fcp,
    lcp: lcp.t,
    lcpElement: lcp.el,
    // Nothing is painted before the first contentful paint, whatever the frame callbacks say.
    diagram: Math.max(result.marks.diagram, result.fcp),
    compile: [...new Set(result.compile)].join('+') || '?',
    ready: result.marks.ready,
    click: result.marks.click,
    clickError: result.marks.clickError,
    wasmEnd: wasm[0]?.end,
    wasmFetches: wasm.length,
    bytes: [...wire.values()].reduce((a, b) => a + b, 0),
    requests: wire.size,
    errors,
  };
}

async function load(browser, server) {
  const url = server.url;
  for (const [key, profile] of Object.entries(PROFILES)) {
    if (PROFILE && PROFILE !== key) continue;
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await loadOnce(browser, url, profile));
    const m = (k) => median(runs.map((r) => r[k]));
    console.log(`\n== First load: ${profile.name} (median of ${RUNS}; load average ${loadavg()[0].toFixed(1)}) ==`);
    const t = profile.targets;
    console.log(`first contentful paint      ${ms(m('fcp')).padStart(8)}`);
    console.log(
      `largest contentful paint    ${ms(m('lcp')).padStart(8)}${t.lcp ? `   (target ≤ ${t.lcp} ms)` : ''}   element: ${[...new Set(runs.map((r) => r.lcpElement))].join(' / ')}`,
    );
    console.log(`diagram visible             ${ms(m('diagram')).padStart(8)}`);
    console.log(`wasm downloaded             ${ms(m('wasmEnd')).padStart(8)}`);
    console.log(`app mounted (interactive)   ${ms(m('ready')).padStart(8)}`);
    console.log(`first click on a node answ. ${ms(m('click')).padStart(8)}${t.click ? `   (target ≤ ${t.click} ms)` : ''}`);
    console.log(
      `network                     ${kb(m('bytes'))} in ${m('requests')} responses; .wasm fetched ${[...new Set(runs.map((r) => r.wasmFetches))].join('/')}×, compiled with ${[...new Set(runs.map((r) => r.compile))].join(' / ')}`,
    );
    console.log(`runs (fcp/lcp/diagram/ready/click ms): ${runs.map((r) => [r.fcp, r.lcp, r.diagram, r.ready, r.click].map((v) => Math.round(v)).join('/')).join('  ')}`);
    const problems = runs.flatMap((r) => [...r.errors, ...(r.clickError ? [r.clickError] : [])]);
    if (problems.length) console.log(`problems: ${[...new Set(problems)].join('; ')}`);
  }
}

// ----- 3. run-to --------------------------------------------------------------------------

function nativeRunTo() {
  if (!existsSync(CLI)) return { error: `${CLI} not found (cargo build --release --bin failover-lab)` };
  const out = execFileSync(CLI, RUN_TO_ARGS, { encoding: 'utf8', maxBuffer: 64 << 20 });
  const report = JSON.parse(out);
  return { wallMs: report.wall_ms, hash: report.trace_hash, events: report.events };
}

/** The CPU time of the same run (user + system, the whole process), from bash's `time`. */
function nativeRunToWithCpu() {
  const r = spawnSync('bash', ['-c', 'TIMEFORMAT="cpu %U %S"; time "$@" > /dev/null', 'time', CLI, ...RUN_TO_ARGS], { encoding: 'utf8' });
  const m = /cpu ([0-9.]+) ([0-9.]+)/.exec(r.stderr ?? '');
  return m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN;
}

async function browserRunTo(browser, server) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  // CPU time of the renderer processes (ms), whatever else runs on the machine.
  const system = await browser.newBrowserCDPSession();
  const rendererCpu = async () => {
    const { processInfo } = await system.send('SystemInfo.getProcessInfo');
    return processInfo.filter((p) => p.type === 'renderer').reduce((a, p) => a + p.cpuTime, 0) * 1000;
  };
  const url = `${server.url}#v=2&p=${RUN_TO.preset}&seed=${RUN_TO.seed}&o=clients:rate_rps:${RUN_TO.rate}`;
  await page.goto(url);
  await page.waitForSelector('[data-app-ready] [data-lab][data-sim-time-us]');
  // Pause first, so the run-to starts from a still page.
  if ((await page.getAttribute('[data-lab]', 'data-playing')) === '1') await page.click('[data-control="play"]');
  await page.waitForSelector('[data-lab][data-playing="0"]');
  await page.fill('[data-control="run-to-input"]', String(RUN_TO.seconds));
  const cpu0 = await rendererCpu();
  // In-page timing: from the submit to the attribute that says the target is reached; and the
  // time from each click on a node to its menu being painted.
  const done = page.evaluate((target) => {
    const lab = document.querySelector('[data-lab]');
    // Input latency as Interaction to Next Paint measures it (Event Timing API): from the
    // input's timestamp to the paint after its handlers ran, per interaction.
    const interactions = (window.__interactions = new Map());
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (!e.interactionId) continue;
        interactions.set(e.interactionId, Math.max(interactions.get(e.interactionId) ?? 0, e.duration));
      }
    }).observe({ type: 'event', durationThreshold: 16, buffered: true });
    return new Promise((resolve) => {
      const t0 = performance.now();
      const check = () => {
        if (lab.getAttribute('data-sim-time-us') === target && lab.getAttribute('data-playing') === '0') {
          observer.disconnect();
          resolve({ ms: performance.now() - t0, hash: lab.getAttribute('data-trace-hash') });
        }
      };
      const observer = new MutationObserver(check);
      observer.observe(lab, { attributes: true });
      document.querySelector('form.run-to').requestSubmit();
    });
  }, String(RUN_TO.seconds * 1e6));
  // Meanwhile: click an instance (opens its menu), close the menu, three times.
  for (let i = 0; i < 3; i++) {
    await page.waitForTimeout(400);
    const node = page.locator('[data-node-id][aria-haspopup="menu"]').nth(1);
    await node.click({ timeout: 5000 }).catch(() => {});
    await page.waitForTimeout(150);
    await page.keyboard.press('Escape').catch(() => {});
  }
  const result = await done;
  const cpuMs = (await rendererCpu()) - cpu0;
  await system.detach();
  await page.waitForTimeout(300);
  const clicks = await page.evaluate(() => [...window.__interactions.values()]);
  await context.close();
  return { ...result, clicks, cpuMs };
}

async function runTo(browser, server) {
  console.log(`\n== Run to ${RUN_TO.seconds} s: ${RUN_TO.preset} at ${RUN_TO.rate} req/s, seed ${RUN_TO.seed} (load average ${loadavg()[0].toFixed(1)}) ==`);
  // Native and browser runs alternate, so a busy machine weighs on both alike.
  const nativeRuns = [];
  const browserRuns = [];
  for (let i = 0; i < RUNS; i++) {
    const n = nativeRunTo();
    if (n.error) {
      console.log(n.error);
      return;
    }
    n.cpuMs = nativeRunToWithCpu();
    nativeRuns.push(n);
    browserRuns.push(await browserRunTo(browser, server));
  }
  const native = { ...nativeRuns[0], wallMs: median(nativeRuns.map((r) => r.wallMs)) };
  const chromium = median(browserRuns.map((r) => r.ms));
  const clicks = browserRuns.flatMap((r) => r.clicks);
  console.log(`native (failover-lab run)   ${ms(native.wallMs).padStart(8)}   trace ${native.hash}   (median of ${RUNS}: ${nativeRuns.map((r) => Math.round(r.wallMs)).join(', ')} ms)`);
  console.log(`Chromium (Run to)           ${ms(chromium).padStart(8)}   trace ${browserRuns[0].hash}   (median of ${RUNS}: ${browserRuns.map((r) => Math.round(r.ms)).join(', ')} ms)`);
  console.log(`ratio Chromium / native     ${(chromium / native.wallMs).toFixed(2)}×   (target ≤ 1.4×)`);
  // On a busy machine wall times measure the competition as much as the program; CPU times
  // do not (but they cannot see a page that idles between slices: compare both).
  const cpu = median(browserRuns.map((r) => r.cpuMs));
  const nativeCpu = median(nativeRuns.map((r) => r.cpuMs));
  console.log(
    `CPU time: renderer ${ms(cpu)} / native ${ms(nativeCpu)} = ${(cpu / nativeCpu).toFixed(2)}×   (renderer busy ${((100 * cpu) / chromium).toFixed(0)} % of the wall time)`,
  );
  console.log(
    `input → next paint (INP)    ${clicks.length ? `max ${ms(Math.max(...clicks))}, median ${ms(median(clicks))} over ${clicks.length} interactions (clicks on a node, Escape)` : 'no interaction longer than 16 ms'}   (target < 100 ms)`,
  );
  const hashes = new Set(browserRuns.map((r) => r.hash));
  if (hashes.size !== 1 || !hashes.has(native.hash)) console.log('WARNING: the browser and native trace hashes differ');
}

// ----- main -------------------------------------------------------------------------------

const server = await startServer({ root: DIST });
const browser = await launchBrowser();
try {
  if (!ONLY || ONLY === 'size') await bundle();
  if (!ONLY || ONLY === 'load') await load(browser, server);
  if (!ONLY || ONLY === 'run-to') await runTo(browser, server);
} finally {
  await browser.close();
  await server.close();
}

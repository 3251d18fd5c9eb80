// Journeys of issue 14 on the release build in dist/: the first guided tour done by hand and
// with "do it for me", Back twice, a tour step embedded at 800×450, the compact embed sizes,
// seeking back before a crash and forking with another fault, and exporting the diagram and
// charts. Screenshots go to artifacts/screenshots/learn-*.png.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { nodeAction, openApp, pause, runTo, screenshot, serveAppAndBrowser } from './support.mjs';

const ROOT = '[data-lab]';

const simTimeUs = async (page) => Number(await page.getAttribute(ROOT, 'data-sim-time-us'));
const traceHash = (page) => page.getAttribute(ROOT, 'data-trace-hash');
const nodeStatus = (page, node) => page.getAttribute(`[data-node-name="${node}"]`, 'data-status');

/** Waits until tour step `n` (from 1) is on screen and its task is done. */
async function stepDone(page, n) {
  await page.waitForSelector(`[data-tour-step="${n}"][data-tour-done="true"]`, { timeout: 60_000 });
  return page.textContent('[data-tour-explain]');
}

async function stepOpen(page, n) {
  await page.waitForSelector(`[data-tour-step="${n}"]`);
  // The step's run has reached the time it opens at.
  await page.waitForSelector(`${ROOT}[data-playing="0"]`);
}

/** No scrollbar: the page is no larger than the frame. */
async function fitsWithoutScrolling(page) {
  return page.evaluate(() => {
    const d = document.documentElement;
    return {
      fits: d.scrollHeight <= window.innerHeight && d.scrollWidth <= window.innerWidth,
      scroll: [d.scrollWidth, d.scrollHeight],
      frame: [window.innerWidth, window.innerHeight],
    };
  });
}

/** The diagram's drawing lies inside the frame. */
async function diagramVisible(page) {
  const box = await page.locator('.diagram-stage').boundingBox();
  const vp = page.viewportSize();
  return box && box.width > 100 && box.x >= 0 && box.y >= 0 && box.x + box.width <= vp.width + 0.5 && box.y + box.height <= vp.height + 0.5;
}

describe('learn and teach journeys', () => {
  let server;
  let browser;
  serveAppAndBrowser((s, b) => {
    server = s;
    browser = b;
  });

  test('tour 1 completed by clicking only what it asks', async () => {
    const { page, context, errors } = await openApp(browser, server.url);
    try {
      // The first-visit card offers the tours next to exploring freely.
      await page.click('[data-start-tour="one-server"]');
      let text = await stepDone(page, 1);
      assert.match(text, /Measured in this run up to 30\.0 s: \d+ requests? of \d+ failed/);
      assert.match(page.url(), /tour=one-server&step=1/);
      for (const n of [2, 3, 4]) {
        await page.click('[data-control="tour-next"]');
        await stepOpen(page, n);
        assert.match(await page.textContent('[data-tour-ask]'), /Crash app-2 now/);
        assert.equal(await nodeStatus(page, 'app-2'), 'up');
        await nodeAction(page, 'app-2', 'crash');
        text = await stepDone(page, n);
        assert.match(text, /app-2's process crash at 10\.0 s: marked down \d+\.\d s later/);
        if (n === 2) await screenshot(page, 'learn-tour1-step2-measured');
        if (n === 3) assert.doesNotMatch(text, /; 0 requests were lost/, 'no retries: the window costs requests');
        if (n === 4) assert.match(text, /; 0 requests were lost/, 'retries: the crash is free');
        assert.match(page.url(), new RegExp(`tour=one-server&step=${n}`));
      }
      await page.click('[data-control="tour-next"]');
      await stepDone(page, 5);
      await page.click('[data-control="tour-next"]');
      await page.waitForSelector('[data-tour]', { state: 'detached' });
      assert.match(await page.textContent('[data-notice="info"]'), /Tour complete/);
      assert.doesNotMatch(page.url(), /tour=/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('tour 1 with "do it for me", then Back twice restores the earlier state', async () => {
    const { page, context, errors } = await openApp(browser, `${server.url}#tour=one-server&step=1`);
    try {
      await stepDone(page, 1);
      for (const n of [2, 3, 4]) {
        await page.click('[data-control="tour-next"]');
        await stepOpen(page, n);
        await page.click('[data-control="tour-do-it"]');
        await stepDone(page, n);
      }
      assert.notEqual(await nodeStatus(page, 'app-2'), 'up', 'app-2 was crashed at step 4');
      await screenshot(page, 'learn-tour1-do-it-step4');
      // Back twice: step 2 exactly as it opened (the balancer, app-2 healthy, 10 s).
      await page.click('[data-control="tour-back"]');
      await stepOpen(page, 3);
      await page.click('[data-control="tour-back"]');
      await stepOpen(page, 2);
      assert.equal(await simTimeUs(page), 10_000_000);
      assert.equal(await nodeStatus(page, 'app-2'), 'up');
      assert.equal(await page.textContent('[data-scenario-title]'), 'Redundant instances behind a load balancer');
      assert.ok(await page.locator('[data-node-name="app-2"].tour-highlight').count(), 'app-2 is highlighted');
      const back = await traceHash(page);
      await screenshot(page, 'learn-tour1-back-twice');
      // The same state as opening step 2 from its link.
      const fresh = await openApp(browser, `${server.url}#tour=one-server&step=2`);
      try {
        await stepOpen(fresh.page, 2);
        assert.equal(await simTimeUs(fresh.page), 10_000_000);
        assert.equal(await traceHash(fresh.page), back);
      } finally {
        await fresh.context.close();
      }
      // Keyboard only: Next is reachable and works with Enter once the task is done.
      await page.focus('[data-control="tour-do-it"]');
      await page.keyboard.press('Enter');
      await stepDone(page, 2);
      await page.focus('[data-control="tour-next"]');
      await page.keyboard.press('Enter');
      await stepOpen(page, 3);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('a tour step link in embed mode fits 800×450; plain embeds fit 800×450 and 640×360', async () => {
    const { page, context, errors } = await openApp(browser, `${server.url}#tour=one-server&step=3&embed=1`, {
      viewport: { width: 800, height: 450 },
    });
    try {
      await stepOpen(page, 3);
      assert.equal(await page.locator('[data-area="header"]').count(), 0);
      const fit = await fitsWithoutScrolling(page);
      assert.ok(fit.fits, `no scrollbar: ${JSON.stringify(fit)}`);
      assert.ok(await diagramVisible(page), 'the diagram is inside the frame');
      assert.ok(await page.isVisible('[data-tour-ask]'));
      assert.ok(await page.isVisible('[data-control="open-full"]'));
      await screenshot(page, 'learn-embed-tour-800x450');
      await page.click('[data-control="tour-do-it"]');
      const text = await stepDone(page, 3);
      assert.match(text, /app-2's process crash at \d+\.\d s: marked down/);
      assert.ok((await fitsWithoutScrolling(page)).fits, 'still no scrollbar with the explanation');
      await screenshot(page, 'learn-embed-tour-800x450-done');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
    for (const [w, h] of [
      [800, 450],
      [640, 360],
    ]) {
      const { page, context, errors } = await openApp(browser, `${server.url}#v=3&p=multi-az&seed=2&embed=1`, {
        viewport: { width: w, height: h },
      });
      try {
        await page.waitForSelector('[data-node-name="db-primary"]');
        const fit = await fitsWithoutScrolling(page);
        assert.ok(fit.fits, `${w}×${h}: no scrollbar: ${JSON.stringify(fit)}`);
        assert.ok(await diagramVisible(page), `${w}×${h}: the diagram is inside the frame`);
        for (const m of ['availability', 'failed', 'p99']) {
          assert.ok(await page.isVisible(`[data-metric="${m}"]`), `${w}×${h}: ${m} shown`);
        }
        assert.ok(await page.isVisible('.spof-note'), `${w}×${h}: the SPOF sentence`);
        // Controls usable: pause and play.
        await pause(page);
        await page.click('[data-control="play"]');
        await page.waitForSelector(`${ROOT}[data-playing="1"]`);
        await screenshot(page, `learn-embed-${w}x${h}`);
        // "More" shows every panel.
        await page.click('[data-control="more"]');
        assert.ok(await page.isVisible('[data-section="log"]'));
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    }
  });

  test('the Embed button offers sizes and copies a snippet for each', async () => {
    const { page, context, errors } = await openApp(browser, `${server.url}#v=3&p=lb-spof&seed=3`);
    try {
      await page.click('[data-control="embed"]');
      const field = page.locator('[data-share-url]');
      let snippet = await field.inputValue();
      assert.match(snippet, /^<div style="position:relative;width:100%;aspect-ratio:16\/9"><iframe src="http:\/\/127\.0\.0\.1:\d+\/#v=3&amp;p=lb-spof&amp;seed=3&amp;embed=1" title="Failover Lab: [^"]+" loading="lazy" allow="clipboard-write"/);
      await page.click('[data-embed-size="800×450"]');
      await page.waitForFunction(() => document.querySelector('[data-share-url]').value.includes('width="800" height="450"'));
      await page.click('[data-embed-size="640×360"]');
      await page.waitForFunction(() => document.querySelector('[data-share-url]').value.includes('aspect-ratio:640/360'));
      snippet = await field.inputValue();
      assert.match(snippet, /width="640" height="360"/);
      await screenshot(page, 'learn-embed-popover');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('seek back before a crash and fork with another fault; the link reproduces the fork', async () => {
    const { page, context, errors } = await openApp(browser, server.url);
    let link;
    let forked;
    try {
      await pause(page);
      await runTo(page, 30);
      const original = await traceHash(page);
      assert.notEqual(await nodeStatus(page, 'app-2'), 'up', 'the preset crashed app-2 at 20 s');
      // Drag the scrubber back to 10 s: the page shows that moment.
      await page.locator('[data-control="scrub"]').fill('10000');
      await page.waitForFunction((sel) => document.querySelector(sel).getAttribute('data-sim-time-us') === '10000000', ROOT);
      await page.waitForFunction(() => document.querySelector('[data-clock]').textContent === '0:10.0');
      // The crash's marker jumps to just before it.
      await page.click('[data-marker-us="20000000"]');
      await page.waitForFunction((sel) => document.querySelector(sel).getAttribute('data-sim-time-us') === '19500000', ROOT);
      await page.waitForFunction(() => document.querySelector('[data-node-name="app-2"]').getAttribute('data-status') === 'up');
      assert.match(page.url(), /&t=19\.5$/, 'the address names the moment');
      await screenshot(page, 'learn-seek-before-crash');
      // Another fault here forks the run.
      await nodeAction(page, 'app-1', 'unreachable');
      assert.match(await page.textContent('[data-notice="info"]'), /forks at 19\.5 s: what happened after it \(up to 30\.0 s\) is discarded/);
      await runTo(page, 30);
      forked = await traceHash(page);
      assert.notEqual(forked, original, 'a new run, a new trace hash');
      await page.click('[data-control="share"]');
      link = await page.locator('[data-share-url]').inputValue();
      assert.match(link, /&c=19500:unreachable:app-1$/);
      await screenshot(page, 'learn-fork');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
    const second = await openApp(browser, link);
    try {
      await pause(second.page);
      await runTo(second.page, 30);
      assert.equal(await traceHash(second.page), forked, 'the link replays the fork');
      // With t=, a link opens at that moment.
      const at = await openApp(browser, `${link}&t=25`);
      try {
        await at.page.waitForFunction((sel) => document.querySelector(sel).getAttribute('data-sim-time-us') === '25000000' && document.querySelector(sel).getAttribute('data-playing') === '0', ROOT);
      } finally {
        await at.context.close();
      }
      assert.deepEqual(second.errors, []);
    } finally {
      await second.context.close();
    }
  });

  test('export the diagram as SVG and PNG and the charts as PNG', async () => {
    const { page, context, errors } = await openApp(browser, server.url);
    try {
      await pause(page);
      await runTo(page, 25);
      const [svg] = await Promise.all([page.waitForEvent('download'), page.click('[data-control="export-svg"]')]);
      assert.equal(svg.suggestedFilename(), 'redundant-behind-lb-seed1-t25.0s-diagram.svg');
      const text = await readFile(await svg.path(), 'utf8');
      assert.match(text, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      assert.match(text, /data-node-name="app-2"[^>]*data-status="(crashed|down)"/, 'the states as on screen');
      for (const label of ['up', 'crashed', 'down', 'unreachable']) {
        assert.match(text, new RegExp(`>${label}</text>`), `legend: ${label}`);
      }
      assert.match(text, /seed 1 · 0:25\.0 simulated/);
      const [png] = await Promise.all([page.waitForEvent('download'), page.click('[data-control="export-png"]')]);
      assert.equal(png.suggestedFilename(), 'redundant-behind-lb-seed1-t25.0s-diagram.png');
      const bytes = await readFile(await png.path());
      assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
      const width = bytes.readUInt32BE(16);
      const height = bytes.readUInt32BE(20);
      assert.ok(width > 400 && height > 200, `PNG ${width}×${height}`);
      const [chart] = await Promise.all([page.waitForEvent('download'), page.click('[data-control="export-charts"]')]);
      assert.equal(chart.suggestedFilename(), 'redundant-behind-lb-seed1-t25.0s-chart1.png');
      const cbytes = await readFile(await chart.path());
      assert.equal(cbytes.toString('latin1', 1, 4), 'PNG');
      await screenshot(page, 'learn-export');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});

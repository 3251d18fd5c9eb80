// Overload and retries (issue 13), one journey per preset in the release build: the run goes
// to a moment that tells the lesson, the diagram and the overload charts say it, and a
// screenshot is kept (artifacts/screenshots/overload-*.png).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openApp, runTo, screenshot, serveAppAndBrowser } from './support.mjs';

/** Retries in the charts' window, read from the retries chart's description. */
async function retriesInWindow(page) {
  const label = await page.locator('svg[aria-label^="Retries per second by layer"]').getAttribute('aria-label');
  const m = /; ([\d,  ]+) retries in this window/.exec(label ?? '');
  assert.ok(m, `retries chart description: ${label}`);
  return Number(m[1].replace(/[^\d]/g, ''));
}

describe('overload presets', () => {
  let server;
  let browser;
  serveAppAndBrowser((s, b) => {
    server = s;
    browser = b;
  });

  async function open(preset) {
    return openApp(browser, `${server.url}#v=3&p=${preset}&seed=1`, { viewport: { width: 1280, height: 1400 } });
  }

  test('cascading-failure: one crash, the others overloaded, their checks time out', async () => {
    const { page, context, errors } = await open('cascading-failure');
    await runTo(page, 35);
    const text = await page.locator('body').innerText();
    assert.match(text, /app-2 at \d+ % of capacity/);
    assert.match(text, /marked app-\d DOWN/);
    assert.match(await page.locator('svg[aria-label^="Requests per second offered"]').getAttribute('aria-label'), /peaked at \d+ % of capacity/);
    // The failure timeline tells the cascade as one story, from the crash that set it off.
    const story = await page.locator('.cascade-story').innerText();
    assert.match(story, /^One failure became a cascade: app-1 crashed at 20\.0 s → app-2 and app-3 over capacity at 21\.0 s \(\d+ %, \d+ %\)/);
    assert.match(story, /marked down at 3\d\.\d s by the lb-1 health check \(busy, not broken\)/);
    await page.locator('.cascade-story').scrollIntoViewIfNeeded();
    await screenshot(page, 'overload-cascade-story', { fullPage: false });
    await screenshot(page, 'overload-cascading-failure');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('n-plus-one: the same crash with a spare server loses nothing', async () => {
    const { page, context, errors } = await open('n-plus-one');
    await runTo(page, 30);
    // Instances show their utilisation next to their queue.
    const load = await page.locator('[data-node-name="app-2"] .node-load').textContent();
    assert.match(load, /\d+ %/);
    const text = await page.locator('body').innerText();
    assert.doesNotMatch(text, /marked app-[234] DOWN/);
    await screenshot(page, 'overload-n-plus-one');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('retry-storm: every layer retries and the retries are visible by layer', async () => {
    const { page, context, errors } = await open('retry-storm');
    await runTo(page, 30);
    const retries = await retriesInWindow(page);
    assert.ok(retries > 10_000, `retries in the window: ${retries}`);
    await page.locator('[data-overload="over capacity"]').first().waitFor({ timeout: 10_000 });
    await screenshot(page, 'overload-retry-storm');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('retry-budget: the same spike, contained', async () => {
    const { page, context, errors } = await open('retry-budget');
    await runTo(page, 30);
    const retries = await retriesInWindow(page);
    assert.ok(retries > 0 && retries < 5_000, `retries in the window: ${retries}`);
    await screenshot(page, 'overload-retry-budget');
    assert.deepEqual(errors, []);
    await context.close();
  });
});

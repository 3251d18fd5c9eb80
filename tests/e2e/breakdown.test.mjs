// Availability, explained (issue 16): in the release build, the Reliability panel shows the
// breakdown of the run on screen, from the analytic figure to what users saw, each step
// predicted and measured with its driver, and the comparison that names its figures.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openApp, SCREENSHOT_DIR, serveAppAndBrowser } from './support.mjs';

describe('availability breakdown', () => {
  let server;
  let browser;
  serveAppAndBrowser((s, b) => {
    server = s;
    browser = b;
  });

  test('the Reliability panel explains a crash step by step', async () => {
    // app-3 crashes at 3 s with retries off: the detection window costs requests.
    const url = `${server.url}#v=3&p=redundant-behind-lb&seed=1&c=3000:crash:app-3,3000:set:lb-1:retries:0`;
    const { page, context, errors } = await openApp(browser, url, { viewport: { width: 1280, height: 1400 } });
    const detection = page.locator('[data-panel="reliability"] [data-breakdown] tr[data-step="detection"]');
    await detection.waitFor({ timeout: 15_000 });
    // Wait until the run is past the crash and its detection (the panel refreshes at ≤ 10 Hz).
    await page.waitForFunction(
      () => Number(document.querySelector('tr[data-step="detection"]')?.getAttribute('data-measured')) < 0,
      null,
      { timeout: 30_000 },
    );
    const text = await page.locator('[data-breakdown]').innerText();
    assert.match(text, /detection window/);
    assert.match(text, /fall 3 × inter 2 s/);
    assert.match(text, /what users saw/);
    assert.match(await page.locator('[data-comparison]').innerText(), /analytic vs time able to serve: .*; vs requests answered:/);
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    await page.locator('[data-panel="reliability"]').screenshot({ path: join(SCREENSHOT_DIR, 'breakdown-panel.png') });
    assert.deepEqual(errors, []);
    await context.close();
  });
});

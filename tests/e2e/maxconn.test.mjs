// HAProxy server maxconn with timeout queue (issue 13): the `maxconn-queue` preset in the
// release build. During the spike the balancer shows its queue and its 503 queue timeouts;
// after it the queue is empty, and the queue timeouts the diagram counts are the failures
// the headline and the metrics export count (every failure of this run is one). Screenshot:
// artifacts/screenshots/overload-maxconn-queue.png.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { openApp, runTo, screenshot, serveAppAndBrowser } from './support.mjs';

/** The balancer's queue figures as the diagram states them (its full line, in the title). */
async function queueFigures(page) {
  const title = await page.locator('[data-node-name="lb-1"] > title').textContent();
  const m = /queue (\d+) · (\d+) queue timeouts \(503\)/.exec(title ?? '');
  assert.ok(m, `lb-1's line: ${title}`);
  return { queued: Number(m[1]), timeouts: Number(m[2]) };
}

describe('maxconn-queue preset', () => {
  let server;
  let browser;
  serveAppAndBrowser((s, b) => {
    server = s;
    browser = b;
  });

  test('a spike waits at the balancer, the excess fails fast as queue timeouts', async () => {
    const { page, context, errors } = await openApp(browser, `${server.url}#v=3&p=maxconn-queue&seed=1`, {
      viewport: { width: 1280, height: 1400 },
    });
    try {
      await runTo(page, 25);
      const during = await queueFigures(page);
      assert.ok(during.queued > 0, `requests waiting during the spike: ${during.queued}`);
      assert.ok(during.timeouts > 0, `queue timeouts during the spike: ${during.timeouts}`);
      // The event log explains it in words, with the vendor's names.
      const text = await page.locator('body').innerText();
      assert.match(text, /every server at maxconn=8/);
      assert.match(text, /timeout queue=500 ms/);
      await screenshot(page, 'overload-maxconn-queue');

      await runTo(page, 33);
      const after = await queueFigures(page);
      assert.equal(after.queued, 0, 'the queue is empty once the spike is over');
      // 10 s × 300 requests/s over capacity, plus the slots' round trips.
      assert.ok(after.timeouts > 2_500 && after.timeouts < 4_500, `queue timeouts: ${after.timeouts}`);
      // Every failure of this run is a queue timeout: the diagram's count is the headline's.
      const failed = Number(await page.getAttribute('[data-metric="failed"] dd', 'data-value'));
      assert.equal(failed, after.timeouts);
      // And the metrics export's `failed_queue_timeout` column adds up to the same.
      const [csv] = await Promise.all([page.waitForEvent('download'), page.click('[data-control="export-csv"]')]);
      const rows = (await readFile(await csv.path(), 'utf8')).trim().split('\n');
      const header = rows[0].split(',');
      const col = header.indexOf('failed_queue_timeout');
      assert.ok(col > 0, `CSV header: ${rows[0]}`);
      const total = rows.slice(1).reduce((sum, r) => sum + Number(r.split(',')[col]), 0);
      assert.equal(total, after.timeouts);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});

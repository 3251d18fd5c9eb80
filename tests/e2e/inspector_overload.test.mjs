// The inspector's overload fields (issue 13) in the release build: open `retry-storm`, switch
// the containment on in the inspector at 1 s (the balancers' retry budget, no 5xx retries at
// the gateway, the clients' retry quota, deadline propagation), run past the spike, and the
// availability recovers against the same run without them; the link reloads to the same
// trace hash. Screenshot: artifacts/screenshots/inspector-overload-fields.png.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openApp, runTo, screenshot, serveAppAndBrowser } from './support.mjs';

const VIEW = { viewport: { width: 1280, height: 1600 } };

async function requestsAnswered(page) {
  return Number(await page.getAttribute('[data-availability="requests"]', 'data-value'));
}

async function traceHash(page) {
  return page.getAttribute('[data-lab]', 'data-trace-hash');
}

/** Selects `node` in the diagram (closing the menu a click opens) so the inspector shows it. */
async function inspect(page, node) {
  await page.click(`[data-node-name="${node}"]`);
  await page.keyboard.press('Escape');
  await page.waitForSelector(`[data-inspecting="${node}"]`);
}

/**
 * Flips a switch in the inspector. The run is paused, and a command applies when the run
 * moves on (at the next millisecond): step 100 ms so the field shows the run's new value.
 */
async function setSwitch(page, clock, param, on) {
  const box = page.locator(`.inspector input[data-param="${param}"]`);
  if ((await box.isChecked()) !== on) await box.click();
  await clock.advance();
  assert.equal(await box.isChecked(), on, `${param} after the run moved on`);
}

/** The paused run's clock, moved on 100 ms at a time. */
function clockOf(page, startS) {
  let t = startS;
  return {
    async advance() {
      t = Math.round((t + 0.1) * 10) / 10;
      await runTo(page, t);
    },
  };
}

describe('inspector overload fields', () => {
  let server;
  let browser;
  serveAppAndBrowser((s, b) => {
    server = s;
    browser = b;
  });

  test('retry-storm contained from the inspector recovers, and its link replays', async (t) => {
    const url = `${server.url}#v=3&p=retry-storm&seed=1`;
    // Without: the storm outlives the spike.
    const plain = await openApp(browser, url, VIEW);
    await runTo(plain.page, 40);
    const without = await requestsAnswered(plain.page);
    await plain.context.close();

    const { page, context, errors } = await openApp(browser, url, VIEW);
    await runTo(page, 1);
    const clock = clockOf(page, 1);
    for (const lb of ['lb-1', 'lb-2']) {
      await inspect(page, lb);
      const group = page.locator('[data-group="Overload protection"]');
      await group.waitFor();
      // The vendor's name and default on hover.
      assert.match(await group.locator('label[for$="-retry_budget"]').getAttribute('title'), /Envoy `retry_budget`/);
      await setSwitch(page, clock, 'retry_budget', true);
      await page.locator('.inspector input[data-param="retry_budget.budget_percent"]').waitFor();
    }
    // A bad value: the named error next to the field, the run keeps 20 %.
    const percent = page.locator('.inspector input[data-param="retry_budget.budget_percent"]');
    await percent.fill('150');
    await percent.press('Tab');
    const error = page.locator('[data-error-for="retry_budget.budget_percent"]');
    await error.waitFor();
    assert.match(await error.innerText(), /balancers\[1\]\.retry_budget\.budget_percent: must be between 0 and 100, got 150 \(the run keeps 20\)/);
    await page.locator('[data-group="Overload protection"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'inspector-overload-fields');
    // The field shows the run's value again; a good one clears the error.
    assert.equal(await percent.inputValue(), '20');
    await percent.fill('25');
    await percent.press('Tab');
    await error.waitFor({ state: 'detached' });
    await clock.advance();

    await inspect(page, 'gw-1');
    await setSwitch(page, clock, 'retry_on_5xx', false);
    await inspect(page, 'clients');
    const quota = page.locator('.inspector input[data-param="client_retry.retry_quota_tokens"]');
    await quota.fill('500');
    await quota.press('Tab');
    await clock.advance();
    for (const app of ['app-1', 'app-2', 'app-3']) {
      await inspect(page, app);
      await setSwitch(page, clock, 'deadline_propagation', true);
    }
    const hash = decodeURIComponent(new URL(page.url()).hash);
    for (const part of ['set:lb-1:retry_budget:true', 'set:lb-2:retry_budget:true', 'set:lb-2:retry_budget.budget_percent:25', 'set:gw-1:retry_on_5xx:false',
      'set:clients:client_retry.retry_quota_tokens:500', 'set:app-3:deadline_propagation:true']) {
      assert.ok(hash.includes(part), `${part} in ${hash}`);
    }
    assert.ok(!hash.includes('budget_percent:150'), hash);

    await runTo(page, 40);
    const contained = await requestsAnswered(page);
    assert.ok(contained > without + 0.3, `requests answered: ${contained} contained vs ${without} without`);
    const expected = await traceHash(page);
    t.diagnostic(`requests answered at 40 s: ${without} without, ${contained} contained; trace hash ${expected}`);
    const link = page.url();
    assert.deepEqual(errors, []);
    await context.close();

    // The link replays the edits to the same trace hash.
    const again = await openApp(browser, link, VIEW);
    await runTo(again.page, 40);
    assert.equal(await traceHash(again.page), expected);
    assert.equal(await requestsAnswered(again.page), contained);
    assert.deepEqual(again.errors, []);
    await again.context.close();
  });
});

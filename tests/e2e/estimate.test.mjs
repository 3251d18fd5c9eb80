// Estimate (issue #15): the bank's random failures over 200 seeds in the page, with a
// progress bar, against the command line's figure for the same seeds. The CLI binary is the
// one `cargo test` builds (target/debug/failover-lab, or under $CARGO_TARGET_DIR); without it,
// the test builds it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openApp, REPO_ROOT, screenshot, serveAppAndBrowser } from './support.mjs';

const RUNS = 200;
const DURATION_S = 120;
const SEED = 1;

function cliFigures() {
  const targetDir = process.env.CARGO_TARGET_DIR || join(REPO_ROOT, 'target');
  const bin = join(targetDir, 'debug', 'failover-lab');
  if (!existsSync(bin)) {
    execFileSync('cargo', ['build', '--bin', 'failover-lab'], { cwd: REPO_ROOT, stdio: 'inherit' });
  }
  const out = execFileSync(
    bin,
    ['run', 'bank', '--runs', String(RUNS), '--seed', String(SEED), '--duration', String(DURATION_S), '--json'],
    { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 },
  );
  const report = JSON.parse(out.toString());
  const mean = (key) => report.per_run.reduce((sum, r) => sum + r[key], 0) / report.per_run.length;
  return { requests: mean('availability'), time: mean('availability_over_time'), runs: report.per_run.length };
}

describe('estimate', () => {
  let server;
  let browser;
  serveAppAndBrowser((s, b) => {
    server = s;
    browser = b;
  });

  test('200 runs of the bank in the page give the CLI figures for the same seeds', async () => {
    const cli = cliFigures();
    assert.equal(cli.runs, RUNS);
    const { page, context, errors } = await openApp(browser, `${server.url}#v=3&p=bank&seed=${SEED}`);
    const panel = page.locator('[data-panel="estimate"]');
    await panel.scrollIntoViewIfNeeded();
    // Fill both fields until the panel's command line shows them: a render of the app still
    // starting up can put a field back to its default between the fill and the click.
    const wanted = `--runs ${RUNS} --seed ${SEED} --duration ${DURATION_S}`;
    for (let attempt = 0; attempt < 50 && !(await panel.textContent()).includes(wanted); attempt++) {
      await panel.locator('[data-estimate="runs"]').fill(String(RUNS));
      await panel.locator('[data-estimate="runs"]').dispatchEvent('change');
      await panel.locator('[data-estimate="duration"]').fill(String(DURATION_S));
      await panel.locator('[data-estimate="duration"]').dispatchEvent('change');
      await page.waitForTimeout(100);
    }
    assert.ok((await panel.textContent()).includes(wanted), `the fields did not take: ${await panel.textContent()}`);
    const started = Date.now();
    await panel.locator('[data-control="estimate"]').click();
    await panel.locator('progress').waitFor({ timeout: 5_000 });
    // While it runs, the page still answers: pause/play is a click away.
    await page.locator('[data-control="play"]').first().click({ timeout: 2_000 });
    await screenshot(page, 'estimate-running');
    await panel.locator('[data-estimate-result]').waitFor({ timeout: 180_000 });
    const seconds = (Date.now() - started) / 1000;
    const cell = async (row) =>
      (await panel.locator(`[data-estimate-row="${row}"] td`).first().textContent()).trim();
    const pct = (x) => `${(100 * x).toFixed(3)} %`;
    assert.equal(await cell('requests'), pct(cli.requests));
    assert.equal(await cell('time'), pct(cli.time));
    assert.match(await panel.textContent(), /failover-lab run bank --runs 200 --seed 1 --duration 120/);
    console.log(`estimate: ${RUNS} runs of ${DURATION_S} s in the page in ${seconds.toFixed(1)} s`);
    await screenshot(page, 'estimate-done');
    assert.deepEqual(errors, []);
    await context.close();
  });
});

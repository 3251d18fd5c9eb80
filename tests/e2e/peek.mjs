// Review aid, not a test: a full-page screenshot of any preset after running it to a time.
//   node tests/e2e/peek.mjs PRESET [SECONDS] [WIDTH]   (after `make dist` or trunk build)
// Writes artifacts/screenshots/peek-PRESET-SECONDS-WIDTH.png and prints the page's errors.
import { join } from 'node:path';
import { launchBrowser, openApp, SCREENSHOT_DIR, startServer } from './support.mjs';
import { mkdir } from 'node:fs/promises';

const [preset, seconds = '0', width = '1280'] = process.argv.slice(2);
if (!preset) {
  console.error('usage: node tests/e2e/peek.mjs PRESET [SECONDS] [WIDTH]');
  process.exit(2);
}
const server = await startServer();
const browser = await launchBrowser();
try {
  const viewport = { width: Number(width), height: 900 };
  const { page, errors } = await openApp(browser, `${server.url}#v=3&p=${preset}`, { viewport });
  if (Number(seconds) > 0) {
    await page.fill('[data-control="run-to-input"]', seconds);
    await page.click('[data-control="run-to"]');
    const target = String(Math.round(Number(seconds) * 1e6));
    await page.waitForFunction(
      (t) => document.querySelector('[data-lab]')?.getAttribute('data-sim-time-us') === t,
      target,
      { timeout: 60000 },
    );
  }
  await page.waitForTimeout(300);
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `peek-${preset}-${seconds}-${width}.png`);
  await page.screenshot({ path, fullPage: true });
  console.log(`${path}\n${errors.join('\n') || 'no errors'}`);
} finally {
  await browser.close();
  await server.close();
}

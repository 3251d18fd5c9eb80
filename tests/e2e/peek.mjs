// Ad-hoc screenshots for review (not a test): node tests/e2e/peek.mjs PRESET SECONDS [WIDTH]
import { launchBrowser, openApp, startServer } from './support.mjs';
const [preset, seconds = '0', width = '1280'] = process.argv.slice(2);
const server = await startServer();
const browser = await launchBrowser();
const { page, errors } = await openApp(browser, `${server.url}#v=1&p=${preset}`, { viewport: { width: Number(width), height: 900 } });
if (Number(seconds) > 0) {
  await page.fill('[data-control="run-to-input"]', seconds);
  await page.click('[data-control="run-to"]');
  await page.waitForFunction((t) => document.querySelector('[data-lab]')?.getAttribute('data-sim-time-us') === String(t), Math.round(Number(seconds) * 1e6), { timeout: 60000 });
}
await page.waitForTimeout(300);
await page.screenshot({ path: `/tmp/shots/${preset}-${seconds}-${width}.png`, fullPage: true });
console.log(errors.join('\n') || 'no errors');
await browser.close();
await server.close();

// Seek benchmark in the browser (issue 14: a seek in a 10-minute run at 1,000 requests/s
// answers within 200 ms). Plays the default preset at 1,000 req/s to 600 s with Run to, then
// drags the scrubber to 30 moments and prints the time each seek took (the app writes it to
// `data-seek-ms`). Not a test: it prints figures. `node tests/e2e/bench_seek.mjs`
import { launchBrowser, openApp, runTo, startServer } from './support.mjs';

const server = await startServer(process.env.FAILOVER_LAB_DIST ? { root: process.env.FAILOVER_LAB_DIST } : {});
const browser = await launchBrowser();
try {
  const { page, context } = await openApp(browser, `${server.url}#v=3&p=redundant-behind-lb&seed=1&o=clients:rate_rps:1000`);
  const started = Date.now();
  await page.click('[data-control="play"]');
  await runTo(page, 600);
  console.log(`run to 600 s at 1,000 req/s: ${((Date.now() - started) / 1000).toFixed(1)} s wall`);
  const figures = [];
  for (let i = 0; i < 30; i++) {
    const ms = Math.round(((i * 19_997 + 7_321) % 600_000) / 100) * 100;
    await page.locator('[data-control="scrub"]').fill(String(ms));
    await page.waitForFunction((t) => document.querySelector('[data-lab]').getAttribute('data-sim-time-us') === String(t * 1000), ms);
    figures.push(Number(await page.getAttribute('[data-lab]', 'data-seek-ms')));
  }
  figures.sort((a, b) => a - b);
  const mean = figures.reduce((a, b) => a + b, 0) / figures.length;
  console.log(`seek: ${figures.length} seeks, mean ${mean.toFixed(1)} ms, median ${figures[15].toFixed(1)} ms, worst ${figures[figures.length - 1].toFixed(1)} ms (budget 200 ms)`);
  await context.close();
} finally {
  await browser.close();
  await server.close();
}

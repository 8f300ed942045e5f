// Time to first map paint of the UI: a fresh headless Chromium page per run, from navigation
// start to the map's first 'idle' (style, glyphs, tiles loaded and drawn), as
// performance.now() in the page. Prints one number (ms) per run.
//
// usage: node bench/ui-paint.mjs <base URL> <runs>
import { createRequire } from 'node:module';

const require = createRequire(new URL('../frontend/package.json', import.meta.url));
const { chromium } = require('playwright-core');
const [base, runs] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--enable-unsafe-swiftshader', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  for (let i = 0; i < Number(runs); i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(base + '/', { waitUntil: 'load' });
    await page.waitForFunction(() => document.body.dataset.mapIdle, null, { timeout: 60000 });
    console.log(Math.round(Number(await page.evaluate(() => document.body.dataset.mapIdle))));
    await context.close();
  }
} finally {
  await browser.close();
}

// 底图 in Debian's headless Chromium: the layer panel lists the configured basemaps; choosing
// the offline MBTiles one adds its raster layer under the map and fetches its tiles from
// onemap; 无 removes it. Prints one JSON line; screenshots go to the directory given.
//
// usage: node tests/ui/basemaps.mjs <base URL> <screenshot dir>
import { join } from 'node:path';
import { T, launch, watch } from './common.mjs';

const [base, shots] = process.argv.slice(2);
const browser = await launch();
const errors = [];
const result = { httpErrors: [] };

try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  watch(page, errors, result.httpErrors);
  await page.goto(base + '/', { waitUntil: 'load' });
  await page.waitForFunction(() => document.body.dataset.mapIdle, null, T);
  await page.click('[data-testid=layers-button]');
  await page.waitForSelector('[data-testid=basemaps]', T);
  result.choices = await page.$$eval('[data-testid=basemaps] input', (is) => is.map((i) => i.dataset.basemap));
  const tile = page.waitForResponse((r) => r.url().includes('/basemaps/offline/'), T);
  await page.check('[data-basemap=offline]');
  result.tileStatus = (await tile).status();
  await page.waitForFunction(() => document.body.dataset.basemap === 'offline', null, T);
  result.shown = await page.evaluate(() => document.body.dataset.basemap);
  result.layers = await page.evaluate(() =>
    window.__onemapMap.getStyle().layers.filter((l) => l.type === 'raster').map((l) => l.id));
  await page.waitForFunction(() => window.__onemapMap.areTilesLoaded(), null, T);
  await page.screenshot({ path: join(shots, 'ui-basemap.png') });
  await page.check('[data-basemap=""]');
  result.after = await page.evaluate(() => document.body.dataset.basemap);
} catch (e) {
  result.failure = String(e);
} finally {
  result.consoleErrors = errors;
  await browser.close();
}
console.log(JSON.stringify(result));

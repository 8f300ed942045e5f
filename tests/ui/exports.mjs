// 导出 in Debian's headless Chromium: the clerk opens the 导出 panel, chooses 宗地 as a
// GeoPackage in the county's Gauss-Krüger zone with the standard's field names and a CQL2
// filter, starts the export, watches the progress bar reach the end and downloads the file
// (fetched with the session cookie). Prints one JSON line; screenshots go to the directory given.
//
// usage: node tests/ui/exports.mjs <base URL> <CQL2 filter> <screenshot dir>
import { join } from 'node:path';
import { T, launch, watch, login } from './common.mjs';

const [base, filter, shots] = process.argv.slice(2);
const browser = await launch();
const errors = [];
const result = { httpErrors: [] };

try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  watch(page, errors, result.httpErrors);
  await page.goto(base + '/', { waitUntil: 'load' });
  await page.waitForFunction(() => document.body.dataset.mapIdle, null, T);
  await login(page, 'clerk');
  await page.click('[data-testid=export-button]');
  await page.waitForSelector('[data-testid=export-panel]', T);
  await page.selectOption('[data-testid=export-collection]', 'parcels');
  await page.selectOption('[data-testid=export-format]', 'gpkg');
  // The county's Gauss-Krüger zone is offered once the county is known.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=export-crs] option').length === 3, null, T);
  result.crs = await page.$eval('[data-testid=export-crs] option:nth-child(3)', (o) => o.value);
  await page.selectOption('[data-testid=export-crs]', result.crs);
  await page.selectOption('[data-testid=export-naming]', 'standard');
  await page.fill('[data-testid=export-filter]', filter);
  await page.dispatchEvent('[data-testid=export-filter]', 'change');
  await page.click('[data-testid=export-start]');
  await page.waitForSelector('[data-testid=export-progress]', T);
  await page.waitForSelector('[data-testid=export-download]', T);
  result.status = await page.getAttribute('[data-testid=export-job]', 'data-status');
  result.progress = await page.getAttribute('[data-testid=export-progress]', 'value');
  result.counts = await page.textContent('[data-testid=export-job] span');
  result.link = await page.textContent('[data-testid=export-download]');
  await page.screenshot({ path: join(shots, 'ui-export.png') });
  const href = await page.getAttribute('[data-testid=export-download]', 'href');
  result.download = await page.evaluate(async (h) => {
    const r = await fetch(h);
    const bytes = new Uint8Array(await r.arrayBuffer());
    return {
      status: r.status,
      type: r.headers.get('content-type'),
      length: bytes.length,
      magic: String.fromCharCode(...bytes.slice(0, 15)),
    };
  }, href);
} catch (e) {
  result.failure = String(e);
} finally {
  result.consoleErrors = errors;
  await browser.close();
}
console.log(JSON.stringify(result));

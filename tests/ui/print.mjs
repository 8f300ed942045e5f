// 专题制图 in Debian's headless Chromium: the print panel (title, A4 landscape, 1:5000,
// 150 dpi) opens the print page in a new tab; once its map is drawn the page is printed to
// PDF by Chromium (the page's own paper size) and saved as PNG. Prints one JSON line.
//
// usage: node tests/ui/print.mjs <base URL> <title> <pdf path> <screenshot dir> <lon> <lat>
import { join } from 'node:path';
import { T, jump, launch, watch } from './common.mjs';

const [base, title, pdfPath, shots, lon, lat] = process.argv.slice(2);
const browser = await launch();
const errors = [];
const result = { httpErrors: [] };

try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  watch(page, errors, result.httpErrors);
  await page.goto(base + '/', { waitUntil: 'load' });
  await page.waitForFunction(() => document.body.dataset.mapIdle, null, T);
  await jump(page, lon, lat, 15);
  await page.click('[data-testid=print-button]');
  await page.waitForSelector('[data-testid=print-panel]', T);
  await page.fill('[data-testid=print-title-input]', title);
  await page.dispatchEvent('[data-testid=print-title-input]', 'change');
  await page.selectOption('[data-testid=print-paper]', 'A4');
  await page.selectOption('[data-testid=print-orientation]', 'landscape');
  await page.selectOption('[data-testid=print-scale]', '5000');
  const [sheet] = await Promise.all([context.waitForEvent('page', T), page.click('[data-testid=print-open]')]);
  watch(sheet, errors, result.httpErrors);
  await sheet.waitForFunction(() => document.body.dataset.ready === 'true', null, T);
  result.url = sheet.url();
  result.ratio = Number(await sheet.evaluate(() => document.body.dataset.ratio));
  result.scaleText = await sheet.textContent('[data-testid=print-scale]');
  result.legend = await sheet.$$eval('#legend span', (s) => s.map((e) => e.textContent));
  await sheet.screenshot({ path: join(shots, 'ui-print.png'), fullPage: true });
  await sheet.emulateMedia({ media: 'print' });
  await sheet.pdf({ path: pdfPath, preferCSSPageSize: true, printBackground: true });
  await sheet.emulateMedia({ media: 'screen' });
  await sheet.click('[data-testid=print-png]');
  await sheet.waitForFunction(() => document.body.dataset.png, null, T);
  result.png = await sheet.evaluate(() => {
    const href = document.getElementById('png-link').href;
    return { length: href.length, head: href.slice(0, 22) };
  });
} catch (e) {
  result.failure = String(e);
} finally {
  result.consoleErrors = errors;
  await browser.close();
}
console.log(JSON.stringify(result));

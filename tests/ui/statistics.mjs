// 统计分析 in Debian's headless Chromium: the director opens the statistics page, runs the
// registration statistics (charts drawn by the vendored ECharts, as SVG), then the progress
// report of one project, reads the totals under the charts and fetches the XLSX download
// (with the session cookie). Prints one JSON line; screenshots go to the directory given.
//
// usage: node tests/ui/statistics.mjs <base URL> <project code> <screenshot dir>
import { join } from 'node:path';
import { T, launch, watch, login } from './common.mjs';

const [base, project, shots] = process.argv.slice(2);
const browser = await launch();
const errors = [];
const result = { httpErrors: [] };

// The totals table of a sheet as { heading: value }.
const totals = (page, sheet) => page.$eval(`[data-testid=stats-totals][data-sheet="${sheet}"]`, (t) => {
  const [head, row] = t.querySelectorAll('tr');
  const names = [...head.querySelectorAll('th')].map((c) => c.textContent);
  const values = [...row.querySelectorAll('td')].map((c) => c.textContent);
  return Object.fromEntries(names.map((n, i) => [n, values[i]]));
});

try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  watch(page, errors, result.httpErrors);
  await page.goto(base + '/', { waitUntil: 'load' });
  await page.waitForFunction(() => document.body.dataset.mapIdle, null, T);
  await login(page, 'director');
  await page.waitForSelector('[data-testid=stats-button]', T);
  await page.click('[data-testid=stats-button]');
  await page.waitForSelector('[data-testid=stats-page]', T);
  result.reports = await page.$$eval('[data-testid=stats-report] option', (os) => os.map((o) => o.value));

  await page.selectOption('[data-testid=stats-report]', 'registration-stats');
  await page.click('[data-testid=stats-run]');
  await page.waitForSelector('[data-testid=stats-chart-2][data-chart-ready=true]', T);
  result.charts = await page.$$eval('[data-testid^=stats-chart-]', (cs) => cs.map((c) => !!c.querySelector('svg')));
  result.chartText = await page.textContent('[data-testid=stats-chart-0]');
  result.parcels = await totals(page, '宗地');
  await page.screenshot({ path: join(shots, 'ui-statistics.png') });

  await page.selectOption('[data-testid=stats-report]', 'project-progress');
  await page.selectOption('[data-testid=stats-project]', project);
  await page.click('[data-testid=stats-run]');
  await page.waitForSelector('[data-testid=stats-chart-0][data-chart-ready=true]', T);
  result.progress = await totals(page, '进度');
  const href = await page.getAttribute('[data-testid=stats-xlsx]', 'href');
  result.href = href;
  result.download = await page.evaluate(async (h) => {
    const r = await fetch(h);
    const bytes = new Uint8Array(await r.arrayBuffer());
    return { status: r.status, type: r.headers.get('content-type'), magic: String.fromCharCode(...bytes.slice(0, 2)) };
  }, href);
} catch (e) {
  result.failure = String(e);
} finally {
  result.consoleErrors = errors;
  await browser.close();
}
console.log(JSON.stringify(result));

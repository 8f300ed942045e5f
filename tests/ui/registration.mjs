// 注销登记 in Debian's headless Chromium: the clerk's queue (the top bar's 注销登记 button with
// the count of open cases) lists the case a demolition opened; the clerk writes a note and
// approves; the queue empties; the unit's 登记 tab then shows its certificate, whose 核验 page
// says 已注销. Prints one JSON line; screenshots go to the directory given.
//
// usage: node tests/ui/registration.mjs <base URL> <house unit code> <screenshot dir>
import { join } from 'node:path';
import { T, launch, watch, login } from './common.mjs';

const [base, unitCode, shots] = process.argv.slice(2);
const browser = await launch();
const errors = [];
const result = { httpErrors: [] };

try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  watch(page, errors, result.httpErrors);
  await page.goto(base + '/', { waitUntil: 'load' });
  await page.waitForFunction(() => document.body.dataset.mapIdle, null, T);
  await login(page, 'clerk');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=cases-count]')?.textContent) > 0, null, T);
  result.countBefore = Number(await page.textContent('[data-testid=cases-count]'));
  await page.click('[data-testid=cases-button]');
  const item = `[data-testid=case][data-unit="${unitCode}"]`;
  await page.waitForSelector(item, T);
  result.caseText = await page.textContent(item);
  result.caseCertificates = await page.textContent(`${item} [data-testid=case-certificates]`);
  await page.fill(`${item} input[name=note]`, '现场核实已拆除');
  await page.screenshot({ path: join(shots, 'ui-registration-queue.png') });
  await page.click(`${item} [data-testid=case-approve]`);
  await page.waitForSelector('[data-testid=cases] [data-testid=notice]', T);
  result.notice = await page.textContent('[data-testid=cases] [data-testid=notice]');
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=cases-count]').textContent) === n - 1, result.countBefore, T);
  result.countAfter = Number(await page.textContent('[data-testid=cases-count]'));
  result.stillListed = await page.locator(item).count();

  // The unit's register, as the public desk sees it: its certificate's verification says
  // cancelled.
  const desk = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  watch(desk, errors, result.httpErrors);
  await desk.goto(`${base}/#unit=${unitCode}`, { waitUntil: 'load' });
  await desk.waitForSelector('[data-testid=unit-code]', T);
  await desk.click('.tabs button >> nth=1');
  await desk.waitForSelector('[data-testid=cert-verify]', T);
  result.deskFaces = await desk.locator('[data-testid=cert-pdf]').count();
  const href = await desk.getAttribute('[data-testid=cert-verify] >> nth=0', 'href');
  const verify = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await verify.goto(base + href, { waitUntil: 'load' });
  result.verifyState = await verify.getAttribute('.state', 'data-state');
  result.verifyText = await verify.textContent('body');
  await verify.screenshot({ path: join(shots, 'ui-registration-verify.png') });
} catch (e) {
  result.failure = String(e);
} finally {
  result.consoleErrors = errors;
  await browser.close();
}
console.log(JSON.stringify(result));

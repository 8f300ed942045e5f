// The surveyor's write flows in Debian's headless Chromium (playwright-core): the upload
// wizard (file → detected format/CRS/encoding/mapping → progress → issues → staged features
// on the map → commit), vertex editing of a parcel saved through OGC API Features Part 4 with
// If-Match, a stale edit showing the conflict, and the 历史 tab drawing an earlier geometry.
// Prints one JSON line; screenshots go to the directory given.
//
// usage: node tests/ui/survey.mjs <base URL> <file with errors> <good file> <parcel unit code>
//        <screenshot dir>
import { join } from 'node:path';
import { launch } from './common.mjs';

const [base, badFile, goodFile, parcel, shots] = process.argv.slice(2);

const browser = await launch();
const errors = [];
const result = {};
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('requestfailed', (r) => {
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  await page.goto(base + '/', { waitUntil: 'load' });
  await page.waitForFunction(() => document.body.dataset.mapIdle, null, { timeout: 30000 });
  // Log in as the surveyor with the demo users' buttons.
  await page.click('[data-testid=login]');
  await page.waitForSelector('[data-testid=demo-users] button', { timeout: 15000 });
  await page.click('[data-testid=demo-users] button[data-user=surveyor]');
  await Promise.all([page.waitForEvent('load'), page.click('[data-testid=login-form] button')]);
  await page.waitForFunction(() => document.body.dataset.mapLoaded, null, { timeout: 30000 });

  // 1. The upload wizard with a file that has errors: issues listed, commit disabled.
  await page.click('[data-testid=upload-button]', { timeout: 15000 });
  await page.setInputFiles('[data-testid=upload-file]', badFile);
  await page.waitForSelector('[data-testid=import][data-status=ready]', { timeout: 60000 });
  result.badCounts = await page.textContent('[data-testid=import-counts]');
  result.badIssues = await page.locator('[data-testid=import-issues] li').count();
  result.issueCodes = await page.locator('[data-testid=import-issues] li').evaluateAll((l) => l.map((x) => x.dataset.code));
  result.commitDisabled = await page.locator('[data-testid=commit]').isDisabled();
  result.progress = await page.locator('[data-testid=import-progress]').getAttribute('value');
  result.detected = await page.textContent('[data-testid=import] p');
  await page.waitForFunction(() => Number(document.body.dataset.staged) > 0, null, { timeout: 15000 });
  result.staged = Number(await page.evaluate(() => document.body.dataset.staged));
  // Clicking an issue with a place moves the map there.
  const before = await page.evaluate(() => window.__onemapMap.getCenter().toArray());
  await page.locator('[data-testid=import-issues] li.error').first().click();
  await page.waitForFunction(() => !window.__onemapMap.isMoving(), null, { timeout: 15000 });
  await page.waitForTimeout(800);
  const after = await page.evaluate(() => window.__onemapMap.getCenter().toArray());
  result.issueMovedMap = Math.abs(after[0] - before[0]) + Math.abs(after[1] - before[1]) > 1e-6;
  await page.screenshot({ path: join(shots, 'ui-upload-issues.png') });

  // 2. The good file: changed features, commit, the result.
  await page.setInputFiles('[data-testid=upload-file]', goodFile);
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid=import]');
    return el && el.dataset.status === 'ready' && !document.querySelector('[data-testid=import-issues] li.error');
  }, null, { timeout: 60000 });
  result.goodCounts = await page.textContent('[data-testid=import-counts]');
  result.mapping = await page.locator('table.mapping th').allTextContents();
  await page.screenshot({ path: join(shots, 'ui-upload-ready.png') });
  await page.click('[data-testid=commit]');
  await page.waitForSelector('[data-testid=commit-result]', { timeout: 60000 });
  result.commitResult = await page.textContent('[data-testid=commit-result]');
  await page.click('[data-testid=upload-panel] .close');

  // 3. Vertex editing: open the parcel, edit, move a vertex, save (PATCH with If-Match).
  // Only the fragment changes: reload so that the app opens the unit of the link.
  await page.goto(base + '/#unit=' + parcel, { waitUntil: 'load' });
  await page.reload({ waitUntil: 'load' });
  await page.waitForSelector('[data-testid=edit-start]', { timeout: 30000 });
  await page.click('[data-testid=edit-start]');
  await page.waitForFunction(() => document.body.dataset.editing === 'true', null, { timeout: 15000 });
  result.nudged = await page.evaluate(() => window.__onemapEdit.nudgeVertex(1, 0.000003, 0.000002));
  result.editedGeometry = await page.evaluate(() => window.__onemapEdit.editedGeometry());
  await page.screenshot({ path: join(shots, 'ui-edit-vertex.png') });
  await page.click('[data-testid=edit-save]');
  await page.waitForFunction(() => document.body.dataset.lastEdit, null, { timeout: 15000 });
  result.savedEtag = await page.evaluate(() => document.body.dataset.lastEdit);

  // 4. A stale edit: someone else changes the parcel between reading and saving.
  await page.waitForSelector('[data-testid=edit-start]', { timeout: 15000 });
  await page.click('[data-testid=edit-start]');
  await page.waitForFunction(() => document.body.dataset.editing === 'true', null, { timeout: 15000 });
  const other = await page.evaluate(async ([b, p]) => {
    const login = await fetch(b + '/api/auth/login', { method: 'POST', credentials: 'omit', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'Demo#2026' }) }).then((r) => r.json());
    const item = b + '/ogc/collections/parcels/items/' + p;
    const tag = (await fetch(item, { credentials: 'omit' })).headers.get('etag');
    const r = await fetch(item, { method: 'PATCH', credentials: 'omit', headers: { authorization: 'Bearer ' + login.token, 'if-match': tag,
      'content-type': 'application/merge-patch+json' }, body: JSON.stringify({ properties: { address: '温县并发修改路8号' } }) });
    return r.status;
  }, [base, parcel]);
  result.otherEditStatus = other;
  await page.evaluate(() => window.__onemapEdit.nudgeVertex(2, 0.000002, 0));
  await page.click('[data-testid=edit-save]');
  await page.waitForFunction(() => (document.querySelector('[data-testid=edit-message]')?.textContent || '').includes('冲突'), null, { timeout: 15000 });
  result.conflictMessage = await page.textContent('[data-testid=edit-message]');
  await page.screenshot({ path: join(shots, 'ui-edit-conflict.png') });
  await page.click('[data-testid=edit-cancel]');

  // 5. History: the versions, an earlier geometry over today's.
  await page.locator('.tabs button', { hasText: '历史' }).click();
  await page.waitForSelector('[data-testid=history] > li', { timeout: 15000 });
  result.versions = await page.locator('[data-testid=history] > li').count();
  result.latestVersion = await page.locator('[data-testid=history] > li').first().textContent();
  await page.locator('[data-testid=history] > li').nth(1).click();
  await page.waitForFunction(() => document.body.dataset.past === 'shown', null, { timeout: 15000 });
  result.pastShown = true;
  await page.screenshot({ path: join(shots, 'ui-history.png') });
} catch (e) {
  result.failure = String(e);
} finally {
  result.consoleErrors = errors;
  await browser.close();
}
console.log(JSON.stringify(result));

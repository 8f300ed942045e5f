// The relocation workplace in Debian's headless Chromium (playwright-core): the stage
// timeline listing unmet preconditions, a new project drawn on the map and moved to its next
// stage through the director's inbox, an agreement signed with its total added up live, a
// payment requested and approved, move-out and demolition — and the unit's colour on the map
// following each step without a page reload. Prints one JSON line; screenshots go to the
// directory given.
//
// usage: node tests/ui/relocation.mjs <base URL> <project> <unit> <unit lon> <unit lat>
//        <draw lon> <draw lat> <move-out deadline> <screenshot dir> <surveyed unit>
import { join } from 'node:path';
import { T, launch, watch, login, openProject, jump, drawBox } from './common.mjs';

const [base, project, unit, unitLon, unitLat, drawLon, drawLat, deadline, shots, surveyed] = process.argv.slice(2);

const browser = await launch();
const errors = [];
const result = {};

// The compensation unit as the map renders it: status and evaluated fill colour of its
// feature in the vector tiles.
function rendered(page, code) {
  return page.evaluate((c) => {
    const m = window.__onemapMap;
    const fs = m.queryRenderedFeatures({ layers: ['compensation-units'], filter: ['==', ['get', 'code'], c] });
    if (!fs.length) return null;
    const colour = fs[0].layer.paint?.['fill-color'];
    return { status: fs[0].properties.status, colour: colour && typeof colour === 'object' ? [colour.r, colour.g, colour.b].map((v) => Math.round(v * 255)) : colour };
  }, code);
}

async function renderedStatus(page, code, status) {
  await page.waitForFunction(([c, s]) => {
    const fs = window.__onemapMap.queryRenderedFeatures({ layers: ['compensation-units'], filter: ['==', ['get', 'code'], c] });
    return fs.length && fs[0].properties.status === s;
  }, [code, status], { timeout: 30000, polling: 250 });
  return rendered(page, code);
}

// Shows the unit on the map (zoom 18 at its point) and waits for the tiles.
async function showUnit(page) {
  await jump(page, unitLon, unitLat, 18);
}

// Opens the unit from the project's table (its 征迁 tab with the unit's work).
async function openUnit(page) {
  await page.waitForSelector(`[data-testid=unit-table] tr[data-code="${unit}"]`, T);
  await page.click(`[data-testid=unit-table] tr[data-code="${unit}"]`);
  await page.waitForSelector(`[data-testid=unit-work][data-code="${unit}"] [data-testid=work-status]`, T);
}

try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  // Refusals provoked on purpose (409 of the transition) show up as console errors too.
  result.httpErrors = [];
  watch(page, errors, result.httpErrors);
  await page.goto(base + '/', { waitUntil: 'load' });
  await page.waitForFunction(() => document.body.dataset.mapIdle, null, T);

  // 1. The officer asks for the next stage of the demo project: refused, every unmet
  // precondition listed.
  await login(page, 'officer');
  await openProject(page, project);
  result.stages = await page.locator('[data-testid=stages] li').evaluateAll((l) => l.map((x) => [x.dataset.stage, x.dataset.state]));
  result.preconditions = await page.locator('[data-testid=preconditions] li').evaluateAll((l) => l.map((x) => [x.dataset.code, x.dataset.met, x.textContent]));
  await page.click('[data-testid=request-transition]');
  await page.waitForSelector('[data-testid=timeline] [data-testid=notice] li', T);
  result.refusedIssues = await page.locator('[data-testid=timeline] [data-testid=notice] li').evaluateAll((l) => l.map((x) => [x.dataset.code, x.textContent]));
  await page.screenshot({ path: join(shots, 'ui-relocation-timeline.png') });

  // 2. 新建项目: the boundary drawn on the map, then setup → scope requested.
  await jump(page, drawLon, drawLat, 17);
  await page.click('[data-testid=new-project-button]');
  await page.fill('input[name=project_name]', '界面绘制测试征收项目');
  await page.fill('input[name=project_budget]', '2,500,000.50');
  await page.click('[data-testid=draw-boundary]');
  await drawBox(page, drawLon, drawLat, 90, 70);
  result.drawn = await page.evaluate(() => window.__onemapEdit.editedGeometry());
  result.panelWhileDrawing = await page.locator('[data-testid=panel]').count();
  await page.screenshot({ path: join(shots, 'ui-relocation-draw.png') });
  await page.click('[data-testid=create-project]');
  await page.waitForSelector('[data-testid=stages][data-stage=setup]', T);
  result.newProject = await page.$eval('[data-testid=project-select]', (s) => s.value);
  result.newPreconditions = await page.locator('[data-testid=preconditions] li').evaluateAll((l) => l.map((x) => [x.dataset.code, x.dataset.met]));
  await page.fill('[name=transition-note]', '立项批复已下达');
  await page.click('[data-testid=request-transition]');
  await page.waitForSelector('[data-testid=pending-transition]', T);
  result.requested = await page.textContent('[data-testid=timeline] [data-testid=notice]');
  result.pendingText = await page.textContent('[data-testid=pending-transition]');

  // 3. The director approves it in the inbox.
  await login(page, 'director');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=inbox-count]')?.textContent) > 0, null, T);
  result.directorBadge = Number(await page.textContent('[data-testid=inbox-count]'));
  await page.click('[data-testid=inbox-button]');
  const transition = page.locator(`[data-testid=approval][data-project="${result.newProject}"][data-kind=transition]`);
  await transition.waitFor(T);
  result.inboxTransition = await transition.textContent();
  await transition.locator('input[name=comment]').fill('同意进入征收范围确定阶段');
  await page.screenshot({ path: join(shots, 'ui-relocation-inbox.png') });
  await transition.locator('[data-testid=approve]').click();
  await page.waitForSelector(`[data-testid=approval][data-project="${result.newProject}"]`, { state: 'detached', ...T });
  result.approvedNotice = await page.textContent('[data-testid=inbox] [data-testid=notice]');
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=inbox-count]').textContent) === n - 1, result.directorBadge, T);
  result.directorBadgeAfter = Number(await page.textContent('[data-testid=inbox-count]'));
  await page.click('[data-testid=inbox] .close');
  await openProject(page, result.newProject);
  await page.waitForSelector('[data-testid=stages][data-stage=scope]', T);
  result.newStage = await page.getAttribute('[data-testid=stages]', 'data-stage');

  // 4. The officer signs an agreement for the prepared unit, the total added up as typed.
  await login(page, 'officer');
  await openProject(page, project);
  await openUnit(page);
  await page.evaluate(() => { window.__samePage = true; });
  result.statusBefore = await page.getAttribute('[data-testid=work-status]', 'data-status');
  await showUnit(page);
  result.mapBefore = await renderedStatus(page, unit, 'appraised');
  // Someone else changes the unit meanwhile (the appointed firm confirms its appraisal again):
  // the officer's write is refused as stale, the unit reloaded.
  result.otherWrite = await page.evaluate(async ([b, c]) => {
    const login = await fetch(b + '/api/auth/login', { method: 'POST', credentials: 'omit', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'appraiser2', password: 'Demo#2026' }) }).then((r) => r.json());
    const auth = { authorization: 'Bearer ' + login.token };
    const url = b + '/api/compensation-units/' + c;
    const got = await fetch(url, { credentials: 'omit', headers: auth });
    const u = await got.json();
    const body = { report_no: u.appraisal_report_no, appraiser_name: u.appraiser_name, valuation_date: u.valuation_date,
      unit_price: u.unit_price, decoration_value: u.decoration_value, review: 'accepted' };
    const r = await fetch(url + '/appraisal', { method: 'PUT', credentials: 'omit',
      headers: { ...auth, 'content-type': 'application/json', 'if-match': got.headers.get('etag') }, body: JSON.stringify(body) });
    return r.status;
  }, [base, unit]);
  const versionBefore = await page.getAttribute('[data-testid=unit-work]', 'data-version');
  await page.locator('[data-testid=agreement-form] input[name=moving_fee]').fill('2000');
  await page.click('[data-testid=submit-agreement]');
  await page.waitForSelector('[data-testid=unit-work] [data-testid=notice][data-code=stale_etag]', T);
  result.staleNotice = await page.textContent('[data-testid=unit-work] [data-testid=notice]');
  await page.waitForFunction((v) => document.querySelector('[data-testid=unit-work]').dataset.version !== v, versionBefore, T);
  result.versions = [versionBefore, await page.getAttribute('[data-testid=unit-work]', 'data-version')];

  const terms = page.locator('[data-testid=agreement-form]');
  await terms.locator('input[name=moving_fee]').fill('');
  result.totalBeforeTyping = await page.textContent('[data-testid=live-total]');
  await terms.locator('input[name=moving_fee]').fill('2000');
  await terms.locator('input[name=temp_resettlement_months]').fill('6');
  await terms.locator('input[name=temp_resettlement_rate]').fill('1500.5');
  result.totalWhileTyping = await page.textContent('[data-testid=live-total]');
  await terms.locator('input[name=reward]').fill('10000');
  await terms.locator('input[name=move_out_deadline]').fill(deadline);
  result.liveTotal = await page.textContent('[data-testid=live-total]');
  result.liveTempFee = await page.textContent('[data-testid=live-items] [data-item=temp_resettlement_fee]');
  await page.screenshot({ path: join(shots, 'ui-relocation-agreement.png') });
  await page.click('[data-testid=submit-agreement]');
  await page.waitForSelector('[data-testid=work-status][data-status=signed]', T);
  result.signedTotal = await page.textContent('[data-testid=work-total]');
  result.agreementNo = await page.textContent('[data-testid=agreement-no]');
  const href = await page.getAttribute('[data-testid=agreement-link]', 'href');
  result.agreementPdf = await page.evaluate(async (h) => { const r = await fetch(h); return [r.status, r.headers.get('content-type')]; }, href);
  result.mapSigned = await renderedStatus(page, unit, 'signed');

  // A payment request for what is owed.
  await page.waitForSelector('[data-testid=payment-form]', T);
  result.paymentDefault = await page.inputValue('[data-testid=payment-form] input[name=amount]');
  await page.fill('[data-testid=payment-form] input[name=voucher_no]', `ZF-${unit}`);
  await page.fill('[data-testid=payment-form] input[name=payee_bank]', '中国工商银行温县支行');
  await page.fill('[data-testid=payment-form] input[name=payee_account]', '6222020200112233445');
  await page.click('[data-testid=submit-payment]');
  await page.waitForSelector('[data-testid=payments] li[data-status=requested]', T);
  result.paymentNotice = await page.textContent('[data-testid=unit-work] [data-testid=notice]');

  // Funds: the request reserved, the chart and the ledger; a deposit recorded.
  await page.click('[data-testid=funds-details] summary');
  await page.waitForSelector('[data-testid=funds-chart] polyline', { state: 'attached', ...T });
  result.fundsRequested = await page.textContent('[data-testid=funds-requested]');
  result.chartLines = await page.locator('[data-testid=funds-chart] polyline').count();
  result.depositedBefore = await page.textContent('[data-testid=funds-deposited]');
  await page.fill('input[name=deposit_voucher_no]', `ZJ-${unit}`);
  await page.fill('input[name=deposit_amount]', '1000');
  await page.click('[data-testid=submit-deposit]');
  await page.waitForFunction((b) => document.querySelector('[data-testid=funds-deposited]').textContent !== b, result.depositedBefore, T);
  result.depositedAfter = await page.textContent('[data-testid=funds-deposited]');
  result.ledger = await page.locator('[data-testid=ledger] tbody td:nth-child(2)').allTextContents();
  result.alerts = await page.locator('[data-testid=alerts] li').evaluateAll((l) => l.map((x) => [x.dataset.code, x.className]));
  await page.screenshot({ path: join(shots, 'ui-relocation-funds.png') });
  result.samePageAfterSigning = await page.evaluate(() => window.__samePage === true);

  // 5. The director approves the payment.
  await login(page, 'director');
  await page.click('[data-testid=inbox-button]');
  const payment = page.locator(`[data-testid=approval][data-unit="${unit}"][data-kind=payment]`);
  await payment.waitFor(T);
  result.inboxPayment = await payment.textContent();
  await payment.locator('[data-testid=approve]').click();
  await page.waitForSelector(`[data-testid=approval][data-unit="${unit}"]`, { state: 'detached', ...T });
  await page.click('[data-testid=inbox] .close');

  // 6. The officer records move-out and demolition; the map follows without a reload.
  await login(page, 'officer');
  await openProject(page, project);
  await openUnit(page);
  await page.waitForSelector('[data-testid=work-status][data-status=paid]', T);
  result.paid = await page.textContent('[data-testid=work-paid]');
  await page.evaluate(() => { window.__samePage = true; });
  await showUnit(page);
  result.mapPaid = await renderedStatus(page, unit, 'paid');
  await page.click('[data-testid=submit-move-out]');
  await page.waitForSelector('[data-testid=submit-demolition]', T);
  await page.click('[data-testid=submit-demolition]');
  await page.waitForSelector('[data-testid=work-status][data-status=demolished]', T);
  result.demolishedText = await page.textContent('[data-testid=work-status]');
  result.demolishedOn = await page.textContent('[data-testid=demolished-on]');
  result.panelStatus = await page.textContent('[data-testid=unit-status]');
  result.mapAfter = await renderedStatus(page, unit, 'demolished');
  result.samePageAtEnd = await page.evaluate(() => window.__samePage === true);
  result.tileRefreshes = Number(await page.evaluate(() => document.body.dataset.tileRefreshes || 0));
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(shots, 'ui-relocation-demolished.png') });

  // The English switch.
  await page.click('[data-testid=lang]');
  result.englishStatus = await page.textContent('[data-testid=work-status]');
  await page.click('[data-testid=lang]');

  // 7. The appointed firm's appraiser appraises a surveyed unit with the appraisal form.
  await login(page, 'appraiser2');
  await openProject(page, project);
  await page.waitForSelector(`[data-testid=unit-table] tr[data-code="${surveyed}"]`, T);
  await page.click(`[data-testid=unit-table] tr[data-code="${surveyed}"]`);
  await page.waitForSelector(`[data-testid=unit-work][data-code="${surveyed}"] [data-testid=appraisal-form]`, T);
  result.appraiserForms = await page.locator('[data-testid=unit-work] form').evaluateAll((l) => l.map((f) => f.dataset.testid));
  const form = page.locator('[data-testid=appraisal-form]');
  await form.locator('input[name=report_no]').fill(`PG-UI-${surveyed}`);
  await form.locator('input[name=appraiser_name]').fill('界面估价师');
  await form.locator('input[name=unit_price]').fill('6200');
  await form.locator('input[name=decoration_value]').fill('15000');
  await form.locator('select[name=review]').selectOption('accepted');
  await form.locator('[data-testid=submit-appraisal]').click();
  await page.waitForSelector('[data-testid=work-status][data-status=appraised]', T);
  result.appraisedHouseValue = await page.textContent('[data-testid=unit-work] tr:has(th:text-is("房屋价值")) td');
  await page.screenshot({ path: join(shots, 'ui-relocation-appraisal.png') });
} catch (e) {
  result.failure = String(e);
} finally {
  result.consoleErrors = errors;
  await browser.close();
}
console.log(JSON.stringify(result));

// The officers' project forms in Debian's headless Chromium: in a project at the survey stage
// a compensation unit is recorded from the house picked on the map and another from an
// outline drawn on it (which then opens in the work panel when clicked on the map); the
// project's facts are saved with If-Match and the survey results published; in a project at
// the decision stage the owners' appraisal firm is recorded; after the signing period a
// compensation decision is made with the decision form. Prints one JSON line; screenshots go
// to the directory given.
//
// usage: node tests/ui/relocation_forms.mjs <base URL> <survey project>
//        <house lon> <house lat> <draw lon> <draw lat> <decision-stage project>
//        <agreement-stage project> <unit for a decision> <plan published on> <comments until>
//        <screenshot dir>
import { join } from 'node:path';
import { T, launch, watch, login, openProject, jump, clickMap, drawBox } from './common.mjs';

const [base, survey, houseLon, houseLat, drawLon, drawLat, firmProject, project, decisionUnit,
  published, commentsUntil, shots] = process.argv.slice(2);

const browser = await launch();
const errors = [];
const result = { httpErrors: [] };

async function recorded(page, before) {
  await page.waitForFunction((b) => {
    const r = document.querySelector('[data-testid=recorded-unit]');
    return r && r.dataset.code !== b;
  }, before, T);
  return page.$eval('[data-testid=recorded-unit]', (r) => ({ code: r.dataset.code, unitCode: r.dataset.unitCode, text: r.textContent }));
}

try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  watch(page, errors, result.httpErrors);
  await page.goto(base + '/', { waitUntil: 'load' });
  await page.waitForFunction(() => document.body.dataset.mapIdle, null, T);
  await login(page, 'officer');

  // 1. 摸底调查: the house picked on the map.
  await openProject(page, survey);
  result.surveyStage = await page.getAttribute('[data-testid=stages]', 'data-stage');
  await page.click('[data-testid=survey-unit] summary');
  // Without a pick or a drawing the form says what is missing (no request is sent).
  await page.click('[data-testid=submit-survey-unit]');
  result.missingLocation = await page.textContent('[data-testid=survey-unit] [data-testid=notice]');
  await jump(page, houseLon, houseLat, 19);
  await clickMap(page, houseLon, houseLat);
  await page.waitForSelector('[data-testid=panel] [data-testid=unit-code]', T);
  result.panelCode = await page.textContent('[data-testid=panel] [data-testid=unit-code]');
  await page.click('[data-testid=pick-unit]');
  result.picked = await page.inputValue('[data-testid=survey-unit-form] input[name=unit_code]');
  await page.fill('[data-testid=survey-unit-form] input[name=owner_name]', '界面调查户');
  await page.fill('[data-testid=survey-unit-form] input[name=owner_id_number]', '11010519491231002X');
  await page.fill('[data-testid=survey-unit-form] input[name=owner_phone]', '13800000001');
  await page.fill('[data-testid=survey-unit-form] input[name=tenant_name]', '界面承租人');
  await page.fill('[data-testid=survey-unit-form] input[name=tenant_id_number]', '110101199003070011');
  await page.screenshot({ path: join(shots, 'ui-forms-survey-pick.png') });
  await page.click('[data-testid=submit-survey-unit]');
  result.first = await recorded(page, '');
  result.firstNotice = await page.textContent('[data-testid=survey-unit] [data-testid=notice]');
  await page.waitForSelector(`[data-testid=unit-table] tr[data-code="${result.first.code}"]`, T);

  // The same house again: refused, the rule named.
  await page.fill('[data-testid=survey-unit-form] input[name=unit_code]', result.panelCode);
  await page.fill('[data-testid=survey-unit-form] input[name=owner_name]', '界面调查户');
  await page.fill('[data-testid=survey-unit-form] input[name=owner_id_number]', '11010519491231002X');
  await page.click('[data-testid=submit-survey-unit]');
  await page.waitForSelector('[data-testid=survey-unit] [data-testid=notice] li[data-code=unit_taken]', T);
  result.takenNotice = await page.textContent('[data-testid=survey-unit] [data-testid=notice]');

  // 2. An unregistered building: its outline drawn, found illegal.
  await jump(page, drawLon, drawLat, 19);
  await page.click('[data-testid=draw-unit]');
  await drawBox(page, drawLon, drawLat, 40, 30);
  result.unitCodeWhileDrawing = await page.inputValue('[data-testid=survey-unit-form] input[name=unit_code]');
  await page.fill('[data-testid=survey-unit-form] input[name=unit_address]', '界面测试村无证房屋');
  await page.selectOption('[data-testid=survey-unit-form] select[name=legality]', 'illegal');
  await page.fill('[data-testid=survey-unit-form] input[name=surveyed_area]', '36.5');
  await page.fill('[data-testid=survey-unit-form] input[name=owner_name]', '界面违建户');
  await page.fill('[data-testid=survey-unit-form] input[name=owner_id_number]', '11010519491231002X');
  await page.click('[data-testid=submit-survey-unit]');
  result.second = await recorded(page, result.first.code);
  await page.waitForSelector(`[data-testid=unit-table] tr[data-code="${result.second.code}"]`, T);
  // Clicked on the map, the drawn unit (no unit code) opens in the work panel.
  await page.waitForTimeout(500);
  await clickMap(page, drawLon, drawLat);
  await page.waitForSelector(`[data-testid=work-panel] [data-testid=unit-work][data-code="${result.second.code}"] [data-testid=work-status]`, T);
  result.workPanel = {
    code: await page.textContent('[data-testid=work-panel] [data-testid=unit-code]'),
    status: await page.getAttribute('[data-testid=work-panel] [data-testid=work-status]', 'data-status'),
    text: await page.textContent('[data-testid=work-panel]'),
  };
  await page.screenshot({ path: join(shots, 'ui-forms-work-panel.png') });

  // 3. The project's facts, with If-Match.
  await page.click('[data-testid=facts-details] summary');
  result.factsVersionBefore = await page.getAttribute('[data-testid=facts-form]', 'data-version');
  await page.fill('[data-testid=facts-form] input[name=estimated_compensation]', '1,200,000');
  await page.fill('[data-testid=facts-form] input[name=plan_published_on]', published);
  await page.fill('[data-testid=facts-form] input[name=plan_comment_ends_on]', commentsUntil);
  await page.fill('[data-testid=facts-form] input[name=risk_assessment_no]', '温稳评〔2026〕9号');
  await page.click('[data-testid=submit-facts]');
  await page.waitForFunction((v) => document.querySelector('[data-testid=facts-form]').dataset.version !== v, result.factsVersionBefore, T);
  result.factsNotice = await page.textContent('[data-testid=facts-form] [data-testid=notice]');
  result.factsVersionAfter = await page.getAttribute('[data-testid=facts-form]', 'data-version');
  result.factsShown = await page.inputValue('[data-testid=facts-form] input[name=plan_comment_ends_on]');

  // 4. 公示: the survey results, and the public page.
  await page.click('[data-testid=publish-survey]');
  await page.waitForSelector('[data-testid=publication][data-kind=survey]', T);
  result.publication = await page.$eval('[data-testid=publication]', (p) => ({ version: p.dataset.version, text: p.textContent }));
  const href = await page.getAttribute('[data-testid=public-link]', 'href');
  result.publicPage = await page.evaluate(async (h) => {
    const r = await fetch(h, { credentials: 'omit' });
    return [r.status, await r.text()];
  }, href);
  await page.screenshot({ path: join(shots, 'ui-forms-facts-publish.png') });

  // 5. 确定评估机构 in the decision stage.
  await openProject(page, firmProject);
  await page.waitForSelector('[data-testid=firm-form] select[name=firm_id] option', { state: 'attached', ...T });
  result.firmOptions = await page.locator('[data-testid=firm-form] select[name=firm_id] option').count();
  const firm = await page.$eval('[data-testid=firm-form] select[name=firm_id] option:nth-child(2)', (o) => [o.value, o.textContent]);
  await page.selectOption('[data-testid=firm-form] select[name=firm_id]', firm[0]);
  await page.selectOption('[data-testid=firm-form] select[name=method]', 'lottery');
  await page.fill('[data-testid=firm-form] input[name=firm_note]', '公证处现场抽签');
  await page.click('[data-testid=submit-firm]');
  await page.waitForSelector('[data-testid=chosen-firm]', T);
  result.firm = { id: firm[0], option: firm[1], chosen: await page.textContent('[data-testid=chosen-firm]') };
  await page.screenshot({ path: join(shots, 'ui-forms-firm.png') });

  // 6. 补偿决定 after the signing period.
  await openProject(page, project);
  await page.waitForSelector(`[data-testid=unit-table] tr[data-code="${decisionUnit}"]`, T);
  await page.click(`[data-testid=unit-table] tr[data-code="${decisionUnit}"]`);
  await page.waitForSelector(`[data-testid=unit-work][data-code="${decisionUnit}"] [data-testid=decision-form]`, T);
  result.decisionForms = await page.locator('[data-testid=unit-work] form').evaluateAll((l) => l.map((f) => f.dataset.testid));
  await page.locator('[data-testid=decision-form] input[name=moving_fee]').fill('1500');
  await page.locator('[data-testid=decision-form] input[name=move_out_deadline]').fill(commentsUntil);
  result.decisionTotal = await page.textContent('[data-testid=live-total]');
  await page.click('[data-testid=submit-decision]');
  await page.waitForFunction(() => !document.querySelector('[data-testid=decision-form]'), null, T);
  await page.waitForSelector('[data-testid=work-status][data-status=signed]', T);
  result.decisionShown = await page.textContent('[data-testid=unit-work]');
  result.decisionWorkTotal = await page.textContent('[data-testid=work-total]');
  await page.screenshot({ path: join(shots, 'ui-forms-decision.png') });
} catch (e) {
  result.failure = String(e);
} finally {
  result.consoleErrors = errors;
  await browser.close();
}
console.log(JSON.stringify(result));

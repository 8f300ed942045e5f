// 权限 in Debian's headless Chromium: the officer (narrowed to one project) applies for
// another project on the access page — first without a reason (refused, the rule shown), then
// with one and a last day; the director approves it with a comment in another browser
// session; the administrator's access review shows the grant with who gave it; the officer's
// project list has the project at once. Prints one JSON line; screenshots go to the
// directory given.
//
// usage: node tests/ui/access.mjs <base URL> <project code> <last day YYYY-MM-DD> <screenshot dir>
import { join } from 'node:path';
import { T, launch, watch, login } from './common.mjs';

const [base, project, until, shots] = process.argv.slice(2);
const browser = await launch();
const errors = [];
const result = { httpErrors: [] };

// A page of its own (its own cookies), logged in as `user`, with the access page open.
async function accessPage(user) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  watch(page, errors, result.httpErrors);
  await page.goto(base + '/', { waitUntil: 'load' });
  await page.waitForFunction(() => document.body.dataset.mapIdle, null, T);
  await login(page, user);
  await page.waitForSelector('[data-testid=access-button]', T);
  await page.click('[data-testid=access-button]');
  await page.waitForSelector('[data-testid=access-page]', T);
  return page;
}

try {
  const officer = await accessPage('officer');
  await officer.selectOption('[data-testid=access-form] select[name=kind]', 'project');
  await officer.fill('[data-testid=access-form] input[name=project]', project);
  await officer.click('[data-testid=access-submit]');
  await officer.waitForSelector('[data-testid=notice] li[data-code]', T);
  result.refusal = await officer.$eval('[data-testid=notice] li[data-code]', (li) => [li.dataset.code, li.textContent]);
  await officer.fill('[data-testid=access-form] input[name=reason]', '协助二期项目入户调查');
  await officer.fill('[data-testid=access-form] input[name=until]', until);
  await officer.click('[data-testid=access-submit]');
  await officer.waitForSelector('[data-testid=access-request][data-status=pending]', T);
  result.applied = await officer.textContent('[data-testid=notice]');
  result.mine = await officer.textContent('[data-testid=access-request][data-status=pending]');
  await officer.screenshot({ path: join(shots, 'ui-access-request.png') });

  const director = await accessPage('director');
  const item = '[data-testid=access-request][data-user=officer][data-status=pending]';
  await director.waitForSelector(`${item} [data-testid=access-approve]`, T);
  await director.fill(`${item} input[name=comment]`, '同意，限期使用');
  await director.screenshot({ path: join(shots, 'ui-access-decide.png') });
  await director.click(`${item} [data-testid=access-approve]`);
  await director.waitForFunction(() => document.querySelector('[data-testid=notice]')?.textContent.includes('已批准'), null, T);
  result.decided = await director.textContent('[data-testid=notice]');
  result.directorSeesReview = await director.locator('[data-testid=access-review]').count();

  const admin = await accessPage('admin');
  const row = '[data-testid=access-holder][data-name=officer]';
  await admin.waitForSelector(row, T);
  result.review = await admin.$eval(row, (tr) => ({ role: tr.dataset.role, state: tr.dataset.state,
    projects: tr.querySelector('[data-testid=access-projects]').textContent }));
  result.holders = await admin.locator('[data-testid=access-holder]').count();
  await admin.screenshot({ path: join(shots, 'ui-access-review.png') });

  // The officer's own list shows the decision, and the project is theirs without logging in again.
  await officer.reload({ waitUntil: 'load' });
  await officer.waitForFunction(() => document.body.dataset.mapLoaded, null, T);
  await officer.click('[data-testid=access-button]');
  await officer.waitForSelector('[data-testid=access-request][data-status=approved]', T);
  result.approvedShown = await officer.textContent('[data-testid=access-request][data-status=approved] [data-testid=access-status]');
  await officer.click('[data-testid=access-button]');
  await officer.click('[data-testid=projects-button]');
  await officer.waitForSelector(`[data-testid=project-select] option[value="${project}"]`, { state: 'attached', ...T });
  result.projects = await officer.$$eval('[data-testid=project-select] option', (os) => os.map((o) => o.value).filter(Boolean));
} catch (e) {
  result.failure = String(e);
} finally {
  result.consoleErrors = errors;
  await browser.close();
}
console.log(JSON.stringify(result));

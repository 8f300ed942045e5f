// Photos and archive in Debian's headless Chromium: field photos chosen in the file input go
// up with a progress bar and come back linked (or not) to their unit; an unmatched photo is
// dragged from the queue onto a row of the unit table; a Word document is filed, found by the
// full-text search, and the completeness check lists units with their missing items in red,
// a click opening the unit. Prints one JSON line; screenshots go to the directory given.
//
// usage: node tests/ui/archives.mjs <base URL> <project> <inside.jpg> <far.jpg> <report.docx>
//        <target unit> <screenshot dir>
import { join } from 'node:path';
import { T, launch, watch, login, openProject } from './common.mjs';

const [base, project, inside, far, report, target, shots] = process.argv.slice(2);
const browser = await launch();
const errors = [];
const result = { httpErrors: [] };

try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  watch(page, errors, result.httpErrors);
  await page.goto(base + '/', { waitUntil: 'load' });
  await page.waitForFunction(() => document.body.dataset.mapIdle, null, T);
  await login(page, 'officer');
  await openProject(page, project);
  await page.click('[data-testid=archive-details] summary');
  await page.waitForSelector('[data-testid=photo-work]', T);
  // Whether a progress bar showed while the photos went up.
  await page.evaluate(() => {
    window.__progressSeen = false;
    new MutationObserver(() => { if (document.querySelector('[data-testid=photo-progress]')) window.__progressSeen = true; })
      .observe(document.body, { childList: true, subtree: true });
  });
  const queued = Number(await page.textContent('[data-testid=queue-count]'));
  await page.setInputFiles('[data-testid=photo-input]', [inside, far]);
  await page.waitForSelector('[data-testid=photo-results] tr[data-file="far.jpg"]', T);
  result.progressSeen = await page.evaluate(() => window.__progressSeen);
  result.photoRows = await page.locator('[data-testid=photo-results] tr').evaluateAll((l) => l.map((r) => [r.dataset.file, r.dataset.unit, r.dataset.method]));
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=queue-count]').textContent) === n + 1, queued, T);
  result.queueAfterUpload = Number(await page.textContent('[data-testid=queue-count]'));
  await page.screenshot({ path: join(shots, 'ui-archives-photos.png') });

  // The unmatched photo dragged onto the target unit's row.
  const farNo = await page.$eval('[data-testid=photo-results] tr[data-file="far.jpg"] td:nth-child(2)', (td) => td.textContent);
  result.farNo = farNo;
  // The HTML5 drag events as the browser sends them (dragstart on the photo, dragover and
  // drop on the row, one DataTransfer): the two are far apart in a scrolled panel, where
  // synthesised mouse drags are unreliable.
  await page.evaluate(([no, code]) => {
    const dt = new DataTransfer();
    const from = document.querySelector(`[data-testid=photo-queue] li[data-photo="${no}"]`);
    const to = document.querySelector(`[data-testid=unit-table] tr[data-code="${code}"]`);
    from.dispatchEvent(new DragEvent('dragstart', { bubbles: true, cancelable: true, dataTransfer: dt }));
    to.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: dt }));
    to.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt }));
    from.dispatchEvent(new DragEvent('dragend', { bubbles: true, cancelable: true, dataTransfer: dt }));
  }, [farNo, target]);
  await page.waitForSelector(`[data-testid=photo-queue] li[data-photo="${farNo}"]`, { state: 'detached', ...T });
  result.queueAfterDrop = Number(await page.textContent('[data-testid=queue-count]'));

  // A Word document filed, then found by its text.
  await page.setInputFiles('[data-testid=document-form] input[name=document]', report);
  await page.selectOption('[data-testid=document-form] select[name=category]', 'appraisal_report');
  await page.fill('[data-testid=document-form] input[name=doc_title]', '界面分户评估报告');
  await page.fill('[data-testid=document-form] input[name=doc_unit]', target);
  await page.click('[data-testid=submit-document]');
  await page.waitForSelector('[data-testid=filed-number]', T);
  result.filed = await page.textContent('[data-testid=filed-number]');
  await page.fill('[data-testid=archive-search] input[name=archive_q]', '欧阳春华');
  await page.click('[data-testid=search-archive]');
  await page.waitForSelector('[data-testid=archive-hits]', T);
  result.hits = await page.locator('[data-testid=archive-hits] li').evaluateAll((l) => l.map((x) => [x.dataset.archive, x.textContent]));

  // Completeness: the incomplete units, their missing items red; a click opens one.
  await page.click('[data-testid=run-archive-check]');
  await page.waitForSelector('[data-testid=check-incomplete] li', T);
  result.checkSummary = await page.textContent('[data-testid=check-summary]');
  result.incomplete = await page.locator('[data-testid=check-incomplete] li').evaluateAll((l) => l.map((x) => [x.dataset.unit,
    [...x.querySelectorAll('.missing')].map((m) => [m.dataset.missing, getComputedStyle(m).color])]));
  // The same report as a workbook, through the link (the session cookie carries the login).
  result.xlsx = await page.evaluate(async () => {
    const a = document.querySelector('[data-testid=check-xlsx]');
    const r = await fetch(a.href);
    const bytes = new Uint8Array(await r.arrayBuffer());
    return { status: r.status, type: r.headers.get('content-type'), zip: bytes[0] === 0x50 && bytes[1] === 0x4b, text: a.textContent };
  });
  const first = result.incomplete[0][0];
  await page.click(`[data-testid=check-incomplete] li[data-unit="${first}"]`);
  await page.waitForSelector(`[data-testid=unit-work][data-code="${first}"]`, T);
  result.opened = first;
  await page.screenshot({ path: join(shots, 'ui-archives-check.png') });
} catch (e) {
  result.failure = String(e);
} finally {
  result.consoleErrors = errors;
  await browser.close();
}
console.log(JSON.stringify(result));

// The UI in Debian's headless Chromium, driven by playwright-core (frontend/node_modules):
// the page loads with no console errors and paints the map; clicking a known parcel shows its
// unit code; searching a unit code opens it; the deep link restores it. Prints one JSON line
// with what it measured; screenshots go to the directory given.
//
// usage: node tests/ui/smoke.mjs <base URL> <lon> <lat> <parcel unit code> <screenshot dir>
//        <unit code with a compensation unit>
import { join } from 'node:path';
import { launch } from './common.mjs';

const [base, lon, lat, code, shots, relocated] = process.argv.slice(2);

const browser = await launch();
const errors = [];
const result = {};
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  // MapLibre cancels tile requests the view no longer needs (net::ERR_ABORTED): not an error.
  page.on('requestfailed', (r) => {
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });

  // 1. First paint of the map (the map's first idle), measured from navigation.
  const t0 = Date.now();
  await page.goto(base + '/', { waitUntil: 'load' });
  await page.waitForFunction(() => document.body.dataset.mapIdle, null, { timeout: 30000 });
  result.firstMapIdleMs = Number(await page.evaluate(() => document.body.dataset.mapIdle));
  result.loadToIdleMs = Date.now() - t0;

  // 2. Click the parcel: fly there first, then click the screen point of (lon, lat).
  await page.evaluate(([x, y]) => window.__onemapMap.jumpTo({ center: [x, y], zoom: 18 }), [Number(lon), Number(lat)]);
  await page.waitForFunction(() => window.__onemapMap.loaded() && !window.__onemapMap.isMoving(), null, { timeout: 30000 });
  const pt = await page.evaluate(([x, y]) => window.__onemapMap.project([x, y]), [Number(lon), Number(lat)]);
  const box = await page.locator('.map').boundingBox();
  await page.mouse.move(box.x + pt.x, box.y + pt.y);
  await page.waitForFunction(() => document.querySelector('[data-testid=coords]').textContent.includes('EPSG'), null, { timeout: 15000 });
  result.cursorText = await page.textContent('[data-testid=coords]');
  await page.mouse.click(box.x + pt.x, box.y + pt.y);
  await page.waitForSelector('[data-testid=unit-code]', { timeout: 15000 });
  result.clickedCode = await page.textContent('[data-testid=unit-code]');
  result.panelShowsParcel = (await page.textContent('[data-testid=panel]')).includes(code);
  await page.screenshot({ path: join(shots, 'ui-identify.png') });

  // Measuring: two clicks 200 px apart in distance mode, then a triangle in area mode; the
  // clicked positions go back to the test, which measures them with PostGIS.
  await page.click('.panel .close');
  await page.click('[data-testid=measure-distance]');
  const measurePts = [[300, 300], [500, 300], [500, 500]];
  for (const [x, y] of measurePts.slice(0, 2)) await page.mouse.click(box.x + x, box.y + y);
  result.distanceText = await page.textContent('[data-testid=measure-result]');
  await page.click('[data-testid=measure-area]');
  for (const [x, y] of measurePts) await page.mouse.click(box.x + x, box.y + y);
  result.areaText = await page.textContent('[data-testid=measure-result]');
  result.measureLonLat = await page.evaluate((ps) => ps.map(([x, y]) => window.__onemapMap.unproject([x, y]).toArray()), measurePts);
  await page.screenshot({ path: join(shots, 'ui-measure.png') });
  await page.click('[data-testid=measure-area]');
  result.panelAfterMeasure = await page.locator('[data-testid=panel]').count();

  // Layers: parcels off, then buildings at 30 % opacity.
  await page.click('[data-testid=layers-button]');
  await page.uncheck('input[data-layer=parcels]');
  result.parcelsVisibility = await page.evaluate(() => window.__onemapMap.getStyle().layers
    .filter((l) => l['source-layer'] === 'parcels').map((l) => window.__onemapMap.getLayoutProperty(l.id, 'visibility')));
  await page.check('input[data-layer=parcels]');
  await page.click('[data-testid=layers-button]');

  // Open the clicked unit again for the search below.
  await page.mouse.click(box.x + pt.x, box.y + pt.y);
  await page.waitForSelector('[data-testid=unit-code]', { timeout: 15000 });

  // 3. Zoom out, search the clicked unit's code, choose the first suggestion: the map flies
  // there and the panel shows it.
  await page.click('.panel .close');
  await page.evaluate(() => window.__onemapMap.jumpTo({ zoom: 12 }));
  await page.fill('[data-testid=search]', result.clickedCode);
  await page.waitForSelector('[data-testid=hits] li', { timeout: 15000 });
  await page.click('[data-testid=hits] li >> nth=0');
  await page.waitForFunction((c) => document.querySelector('[data-testid=unit-code]')?.textContent === c, result.clickedCode, { timeout: 15000 });
  await page.waitForFunction(() => window.__onemapMap.getZoom() > 15 && !window.__onemapMap.isMoving(), null, { timeout: 15000 });
  result.zoomAfterSearch = await page.evaluate(() => window.__onemapMap.getZoom());
  result.searchedCode = await page.textContent('[data-testid=unit-code]');
  result.hash = await page.evaluate(() => location.hash);

  // 4. The deep link restores the unit in a fresh page; English switch.
  const again = await browser.newPage({ viewport: { width: 390, height: 844 } });
  again.on('pageerror', (e) => errors.push(String(e)));
  await again.goto(`${base}/#unit=${code}`, { waitUntil: 'load' });
  await again.waitForSelector('[data-testid=unit-code]', { timeout: 30000 });
  result.deepLinkCode = await again.textContent('[data-testid=unit-code]');
  await again.click('[data-testid=lang]');
  result.englishTitle = await again.textContent('.panel h3');
  await again.waitForFunction(() => document.body.dataset.mapIdle, null, { timeout: 30000 });
  await again.screenshot({ path: join(shots, 'ui-phone-deeplink.png') });

  // 5. The public sees holders' names masked, and no relocation tab.
  const pub = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  pub.on('pageerror', (e) => errors.push(String(e)));
  await pub.goto(`${base}/#unit=${relocated}`, { waitUntil: 'load' });
  await pub.waitForSelector('[data-testid=unit-code]', { timeout: 30000 });
  await pub.click('.tabs button >> nth=1');
  result.publicHolders = await pub.textContent('[data-testid=holders]');
  result.publicTabs = await pub.locator('.tabs button').allTextContents();
  // Certificates: the public may verify them, not open their faces.
  result.publicCertificates = { faces: await pub.locator('[data-testid=cert-pdf]').count(), verify: await pub.locator('[data-testid=cert-verify]').count() };

  // 6. The officer logs in: full names, and the relocation tab with the unit's status.
  await pub.click('[data-testid=login]');
  await pub.waitForSelector('[data-testid=demo-users] button', { timeout: 15000 });
  result.demoUsers = await pub.locator('[data-testid=demo-users] button').count();
  await pub.click('[data-testid=demo-users] button[data-user=officer]');
  await Promise.all([pub.waitForEvent('load'), pub.click('[data-testid=login-form] button')]);
  await pub.waitForSelector('[data-testid=unit-code]', { timeout: 30000 });
  await pub.waitForFunction(() => document.querySelectorAll('.tabs button').length === 6, null, { timeout: 15000 });
  result.officerTabs = await pub.locator('.tabs button').allTextContents();
  await pub.click('.tabs button >> nth=1');
  result.officerHolders = await pub.textContent('[data-testid=holders]');
  // 证书 opens the signed face (PDF, through the session cookie); 核验 the verification page.
  result.certificate = await pub.evaluate(async () => {
    const face = document.querySelector('[data-testid=cert-pdf]');
    const r = await fetch(face.href);
    const bytes = new Uint8Array(await r.arrayBuffer());
    return { status: r.status, type: r.headers.get('content-type'), pdf: String.fromCharCode(...bytes.slice(0, 5)), label: face.textContent };
  });
  const [verifyPage] = await Promise.all([pub.context().waitForEvent('page'), pub.click('[data-testid=cert-verify] >> nth=0')]);
  await verifyPage.waitForSelector('.state', { timeout: 30000 });
  result.certificate.verifyState = await verifyPage.getAttribute('.state', 'data-state');
  result.certificate.verifyTitle = await verifyPage.textContent('h1');
  await verifyPage.screenshot({ path: join(shots, 'ui-certificate-verify.png') });
  await verifyPage.close();
  await pub.click('.tabs button >> nth=2');
  result.relocationText = await pub.textContent('[data-testid=panel]');
  // 照片: thumbnails load; a click marks the photo's position. 档案: links to the documents.
  await pub.click('.tabs button >> nth=3');
  await pub.waitForFunction(() => [...document.querySelectorAll('.gallery img')].some((i) => i.complete && i.naturalWidth > 0), null, { timeout: 15000 });
  result.photos = await pub.locator('.gallery img').count();
  result.photoCaption = await pub.textContent('.gallery figcaption >> nth=0');
  await pub.click('.gallery figure >> nth=0');
  await pub.waitForFunction(() => { const i = document.querySelector('[data-testid=lightbox] img'); return i && i.complete && i.naturalWidth > 0; }, null, { timeout: 15000 });
  result.lightboxCaption = await pub.textContent('[data-testid=lightbox] figcaption');
  await pub.screenshot({ path: join(shots, 'ui-photo.png') });
  await pub.click('[data-testid=lightbox] button');
  await pub.click('.tabs button >> nth=4');
  result.documents = await pub.locator('.docs a[target=_blank]').count();
  const docHref = await pub.locator('.docs a >> nth=0').getAttribute('href');
  result.documentStatus = await pub.evaluate(async (h) => (await fetch(h)).status, docHref);
  await pub.click('.tabs button >> nth=2');
  await pub.waitForFunction(() => document.body.dataset.mapIdle, null, { timeout: 30000 });
  await pub.screenshot({ path: join(shots, 'ui-officer-relocation.png') });

  // 7. The project view: choose the first project; counts by status, the unit table, sorting,
  // and a row opening its unit.
  await pub.click('.panel .close');
  await pub.click('[data-testid=projects-button]');
  await pub.waitForSelector('[data-testid=project-select] option >> nth=1', { state: 'attached', timeout: 15000 });
  const firstProject = await pub.locator('[data-testid=project-select] option >> nth=1').getAttribute('value');
  await pub.selectOption('[data-testid=project-select]', firstProject);
  await pub.waitForSelector('[data-testid=unit-table] tbody tr', { timeout: 30000 });
  result.project = firstProject;
  result.projectUnits = Number(await pub.textContent('[data-testid=unit-count]'));
  result.projectCounts = {};
  for (const s of ['surveyed', 'appraised', 'signed', 'paid', 'demolished']) {
    result.projectCounts[s] = Number(await pub.textContent(`[data-testid=count-${s}]`));
  }
  result.tableRows = await pub.locator('[data-testid=unit-table] tbody tr').count();
  await pub.click('[data-testid=unit-table] th >> nth=3');
  await pub.click('[data-testid=unit-table] th >> nth=3');
  // Amounts are shown as ¥1,234,567.89: the number without the yuan sign and separators.
  result.topTotalText = await pub.textContent('[data-testid=unit-table] tbody tr >> nth=0 >> td >> nth=3');
  result.topTotal = Number(result.topTotalText.replace(/[¥,]/g, ''));
  await pub.click('[data-testid=unit-table] tbody tr >> nth=0');
  await pub.waitForSelector('[data-testid=unit-code]', { timeout: 15000 });
  await pub.waitForFunction(() => !window.__onemapMap.isMoving(), null, { timeout: 15000 });
  await pub.screenshot({ path: join(shots, 'ui-project-view.png') });
} finally {
  result.consoleErrors = errors;
  console.log(JSON.stringify(result));
  await browser.close();
}

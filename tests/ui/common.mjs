// What the Chromium scripts share: the browser (Debian's chromium driven by playwright-core
// from frontend/node_modules), error collection, and the steps of a signed-in officer.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../frontend/package.json', import.meta.url));
const { chromium } = require('playwright-core');

export const T = { timeout: 30000 };

// Headless Chromium with a fresh profile, nothing fetched from the network but the server.
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--enable-unsafe-swiftshader', '--disable-quic',
           '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// Collects the page's console errors, uncaught exceptions and failed requests into `errors`,
// and every HTTP answer ≥ 400 into `httpErrors` (refusals provoked on purpose show up there).
export function watch(page, errors, httpErrors) {
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('response', (r) => { if (r.status() >= 400) httpErrors.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`); });
  page.on('requestfailed', (r) => {
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
}

// Logs in as a demo user with the login form's demo buttons (the page reloads).
export async function login(page, user) {
  await page.click('[data-testid=login]');
  await page.waitForSelector(`[data-testid=demo-users] button[data-user=${user}]`, T);
  await page.click(`[data-testid=demo-users] button[data-user=${user}]`);
  await Promise.all([page.waitForEvent('load'), page.click('[data-testid=login-form] button[type=submit]')]);
  await page.waitForFunction(() => document.body.dataset.mapLoaded, null, T);
  await page.waitForFunction(() => document.querySelector('[data-testid=login]')?.textContent?.length > 0
    && !document.querySelector('[data-testid=login]').textContent.includes('登录'), null, T);
}

// Opens the project view with project `code` chosen.
export async function openProject(page, code) {
  if (!(await page.locator('[data-testid=projects]').count())) await page.click('[data-testid=projects-button]');
  await page.waitForSelector(`[data-testid=project-select] option[value="${code}"]`, { state: 'attached', ...T });
  await page.selectOption('[data-testid=project-select]', code);
  await page.waitForSelector('[data-testid=timeline] [data-testid=stages]', T);
}

// Centres the map on (lon, lat) at `zoom` and waits until it has settled.
export async function jump(page, lon, lat, zoom) {
  await page.evaluate(([x, y, z]) => window.__onemapMap.jumpTo({ center: [x, y], zoom: z }), [Number(lon), Number(lat), zoom]);
  await page.waitForFunction(() => window.__onemapMap.loaded() && !window.__onemapMap.isMoving(), null, T);
}

// Clicks on the map at (lon, lat) plus a pixel offset.
export async function clickMap(page, lon, lat, dx = 0, dy = 0) {
  const box = await page.locator('.map').boundingBox();
  const c = await page.evaluate(([x, y]) => window.__onemapMap.project([x, y]), [Number(lon), Number(lat)]);
  await page.mouse.click(box.x + c.x + dx, box.y + c.y + dy);
}

// Draws a closed rectangle of ±dx, ±dy pixels around (lon, lat) with the drawing tool.
export async function drawBox(page, lon, lat, dx, dy) {
  await page.waitForFunction(() => document.body.dataset.editing === 'true', null, T);
  for (const [x, y] of [[-dx, -dy], [dx, -dy], [dx, dy], [-dx, dy], [-dx, -dy]]) {
    await clickMap(page, lon, lat, x, y);
    await page.waitForTimeout(300);
  }
}

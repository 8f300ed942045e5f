// 专题图打印: a sheet of A4 or A3 paper with the title, the map at a chosen scale (1:500 …
// 1:50,000) around a centre, the legend, a scale bar with its ratio, a north arrow, the date
// and the CRS note; printed to PDF by the browser (the page size is set for it) or saved as a
// PNG. Parameters come in the URL: title, paper (A4/A3), orientation (portrait/landscape),
// scale, dpi (150/300), center (lon,lat), legend ([[name, colour], …] as JSON).
import * as maplibregl from '/vendor/maplibre-gl/maplibre-gl.mjs';

const q = new URLSearchParams(location.search);
const PAPERS = { A4: [210, 297], A3: [297, 420] };
const SCALES = [500, 1000, 2000, 5000, 10000, 25000, 50000];
const [short, long] = PAPERS[q.get('paper')] || PAPERS.A4;
const landscape = q.get('orientation') === 'landscape';
const [W, H] = landscape ? [long, short] : [short, long];
const scale = SCALES.includes(Number(q.get('scale'))) ? Number(q.get('scale')) : 2000;
const dpi = Number(q.get('dpi')) === 300 ? 300 : 150;
const [lon, lat] = (q.get('center') || '113.04,34.94').split(',').map(Number);
const title = q.get('title') || '专题图';
let legend = [];
try { legend = JSON.parse(q.get('legend') || '[]'); } catch { legend = []; }

// Millimetres of the sheet: 10 mm margins, 13 mm for the title, 22 mm for the foot.
const MM = 96 / 25.4; // CSS pixels per millimetre
const mapW = W - 20 - 0.8;
const mapH = H - 20 - 13 - 25 - 0.8;
const sheet = document.getElementById('sheet');
sheet.style.width = `${W}mm`;
sheet.style.height = `${H}mm`;
const page = document.createElement('style');
page.textContent = `@page { size: ${W}mm ${H}mm; margin: 0; }`;
document.head.append(page);
const frame = document.getElementById('frame');
frame.style.width = `${mapW}mm`;
frame.style.height = `${mapH}mm`;
document.getElementById('title').textContent = title;
document.title = `${title} — onemap`;

// Web Mercator at the centre's latitude: ground metres per CSS pixel at zoom z (512 px tiles)
// is 2π·6378137·cos φ / (512 · 2^z); on paper a CSS pixel is 25.4/96 mm, so 1:scale asks for
// scale · 0.0254 / 96 metres per pixel.
const EARTH = 2 * Math.PI * 6378137;
const metresPerPixel = (scale * 0.0254) / 96;
const zoom = Math.log2((EARTH * Math.cos((lat * Math.PI) / 180)) / (512 * metresPerPixel));

const map = new maplibregl.Map({
  container: 'map',
  style: '/styles/onemap.json',
  center: [lon, lat],
  zoom,
  interactive: false,
  attributionControl: false,
  pixelRatio: dpi / 96,
  canvasContextAttributes: { preserveDrawingBuffer: true },
  localIdeographFontFamily: "'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif",
});
window.__printMap = map;

// Legend: the layers' names and colours as the map panel gave them.
const legendBox = document.getElementById('legend');
for (const [name, colour] of legend) {
  const span = document.createElement('span');
  const swatch = document.createElement('i');
  swatch.style.background = colour;
  span.append(swatch, name);
  legendBox.append(span);
}

// Scale bar: the longest round length up to a quarter of the map's width.
const lengths = [5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000];
const quarter = ((mapW / 4) * scale) / 1000;
const metres = lengths.filter((m) => m <= quarter).pop() || lengths[0];
document.getElementById('scale-bar').style.width = `${(metres * 1000) / scale}mm`;
const label = metres >= 1000 ? `${metres / 1000} km` : `${metres} m`;
document.getElementById('scale-text').textContent = `0 — ${label}　比例尺 1:${scale}`;
const today = new Date();
const date = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
document.getElementById('meta').innerHTML = '';
for (const line of [`制图日期：${date}`, '坐标系：CGCS2000（EPSG:4490），Web 墨卡托投影显示',
  `纸张：${q.get('paper') === 'A3' ? 'A3' : 'A4'} ${landscape ? '横向' : '纵向'}，${dpi} dpi`, '制图：onemap 不动产登记与征迁一张图']) {
  const div = document.createElement('div');
  div.textContent = line;
  document.getElementById('meta').append(div);
}

map.once('idle', () => {
  // Ground metres across the map's middle, for checking the ratio: map width in metres over
  // paper width in metres.
  const b = map.getBounds();
  const phi = (lat * Math.PI) / 180;
  const across = ((b.getEast() - b.getWest()) * Math.PI / 180) * 6378137 * Math.cos(phi);
  const paper = frame.clientWidth / MM / 1000;
  document.body.dataset.ratio = String(across / paper);
  document.body.dataset.ready = 'true';
});

document.getElementById('to-pdf').addEventListener('click', () => window.print());
document.getElementById('to-png').addEventListener('click', () => {
  // The sheet at the map's resolution: title, map, legend, scale and notes drawn on a canvas.
  const k = dpi / 25.4; // device pixels per millimetre
  const c = document.createElement('canvas');
  c.width = Math.round(W * k);
  c.height = Math.round(H * k);
  const g = c.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, c.width, c.height);
  g.fillStyle = '#111';
  g.textAlign = 'center';
  g.font = `bold ${7 * k}px 'Noto Sans CJK SC', sans-serif`;
  g.fillText(title, c.width / 2, 18 * k);
  g.drawImage(map.getCanvas(), 10 * k, 23 * k, mapW * k, mapH * k);
  g.strokeRect(10 * k, 23 * k, mapW * k, mapH * k);
  g.textAlign = 'left';
  g.font = `${3 * k}px 'Noto Sans CJK SC', sans-serif`;
  let x = 10 * k;
  const y = (23 + mapH + 7) * k;
  for (const [name, colour] of legend) {
    g.fillStyle = colour;
    g.fillRect(x, y - 3 * k, 4 * k, 3 * k);
    g.fillStyle = '#111';
    g.fillText(name, x + 5 * k, y);
    x += (6 + name.length * 3.2) * k;
  }
  g.textAlign = 'right';
  g.fillText(`比例尺 1:${scale}　制图日期 ${date}　CGCS2000`, c.width - 10 * k, y);
  const link = document.getElementById('png-link');
  link.href = c.toDataURL('image/png');
  link.download = `${title}.png`;
  link.hidden = false;
  link.click();
  document.body.dataset.png = String(link.href.length);
});

// ECharts glue for the statistics page (统计分析). ECharts is vendored from npm
// (dist/vendor/echarts) and loaded on first use, so the map does not wait for it.
let loading;

function echarts() {
  if (!loading) loading = import('/vendor/echarts/echarts.esm.min.mjs');
  return loading;
}

// Draws (or redraws) the chart of `option` (ECharts option as JSON text) in `el`, as SVG so
// that its labels are text in the page.
export async function drawChart(el, optionJson) {
  const e = await echarts();
  const chart = e.getInstanceByDom(el) || e.init(el, null, { renderer: 'svg' });
  chart.setOption(JSON.parse(optionJson), true);
  el.dataset.chartReady = 'true';
}

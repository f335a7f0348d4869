// ECharts on demand for the 数据看板 only: the core, the two chart types and the components
// the page uses, drawn on canvas. Imported by Stats.vue, itself a lazy route, so no other
// page loads any of it.
import { init, use } from 'echarts/core';
import { BarChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendPlainComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

use([BarChart, PieChart, GridComponent, LegendPlainComponent, TitleComponent, TooltipComponent, CanvasRenderer]);

export { init };

// The site's red first, then colours that tell statuses apart.
export const PALETTE = ['#c8161d', '#f5a623', '#2f7de1', '#36a86b', '#8e5cd9', '#e8684a', '#13a8a8', '#9a9a9a'];

// A grey 暂无数据 in the middle of an empty chart.
export function emptyTitle(empty, text = '暂无数据') {
  return empty ? { text, left: 'center', top: 'middle', textStyle: { color: '#a8abb2', fontSize: 14, fontWeight: 'normal' } } : undefined;
}

/**
 * Charts for the statistics page: ECharts, tree-shaken to the bar and line charts, bundled (no CDN)
 * into a chunk of its own that only the statistics page loads.
 */
import { BarChart, LineChart } from 'echarts/charts';
import { DatasetComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, GridComponent, TooltipComponent, LegendComponent, TitleComponent, DatasetComponent, CanvasRenderer]);

export interface Series {
  name: string;
  values: number[];
}

const live = new Set<echarts.ECharts>();
let resizing = false;

function chartIn(el: HTMLElement): echarts.ECharts {
  const existing = echarts.getInstanceByDom(el);
  if (existing) existing.dispose();
  const chart = echarts.init(el, undefined, { renderer: 'canvas' });
  live.add(chart);
  if (!resizing) {
    resizing = true;
    window.addEventListener('resize', () => {
      for (const c of live) {
        if (c.isDisposed()) live.delete(c);
        else c.resize();
      }
    });
  }
  return chart;
}

const FONT = 'system-ui, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';

/** Bars (or lines) of several series over categories; horizontal when the labels are long or many. */
export function barChart(el: HTMLElement, categories: string[], series: Series[], options: { line?: boolean; horizontal?: boolean } = {}): void {
  const chart = chartIn(el);
  const horizontal = options.horizontal ?? false;
  const cat = { type: 'category' as const, data: categories, axisLabel: { interval: 0, hideOverlap: true, fontFamily: FONT } };
  const val = { type: 'value' as const, minInterval: 1 };
  chart.setOption({
    textStyle: { fontFamily: FONT },
    color: ['#07a356', '#2f5fb3', '#e0a800', '#c8322f', '#7b4fc9', '#15a0a8'],
    tooltip: { trigger: 'axis' },
    legend: series.length > 1 ? { type: 'scroll', bottom: 0 } : undefined,
    grid: { left: 8, right: 16, top: 16, bottom: series.length > 1 ? 36 : 8, containLabel: true },
    xAxis: horizontal ? val : cat,
    yAxis: horizontal ? { ...cat, inverse: true } : val,
    series: series.map((s) => ({ name: s.name, type: options.line ? 'line' : 'bar', data: s.values, smooth: true, barMaxWidth: 28 })),
  });
}

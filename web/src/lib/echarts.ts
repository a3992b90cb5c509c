// Only the ECharts parts the UI uses, to keep the bundle small.
import * as echarts from 'echarts/core';
import { LineChart, LinesChart, ScatterChart, EffectScatterChart } from 'echarts/charts';
import { GeoComponent, GridComponent, LegendComponent, TooltipComponent, MarkLineComponent, DataZoomComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import nlGeo from 'virtual:nl-geo';

echarts.use([LineChart, LinesChart, ScatterChart, EffectScatterChart, GeoComponent, GridComponent, LegendComponent,
  TooltipComponent, MarkLineComponent, DataZoomComponent, CanvasRenderer]);

let registered = false;
export function ensureMap(): void {
  if (registered) return;
  echarts.registerMap('NL', nlGeo as unknown as Parameters<typeof echarts.registerMap>[1]);
  registered = true;
}

export { echarts };

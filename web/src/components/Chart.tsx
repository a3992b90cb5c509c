import { useEffect, useRef } from 'react';
import { echarts } from '../lib/echarts';

type Option = Parameters<echarts.ECharts['setOption']>[0];

/** Thin React wrapper around one ECharts instance; resizes with its box. */
export function Chart({ option, className, onClick, ariaLabel }: {
  option: Option; className?: string; ariaLabel?: string;
  onClick?: (params: { seriesType?: string; data?: unknown; dataIndex?: number }) => void;
}) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const clickRef = useRef(onClick);
  clickRef.current = onClick;

  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current, undefined, { renderer: 'canvas' });
    chart.current = c;
    c.on('click', (p) => clickRef.current?.(p as never));
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current);
    return () => { ro.disconnect(); c.dispose(); chart.current = null; };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: false, lazyUpdate: true });
  }, [option]);

  return <div ref={el} className={className ?? 'chart'} role="img" aria-label={ariaLabel} />;
}

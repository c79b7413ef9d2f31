// ECharts on demand (bar + line, canvas) for the 月度报表 page, and the Chinese font the
// charts draw with: canvas text does not follow CSS, so the page's font stack is passed
// to ECharts explicitly, once the font is ready.
import { use } from 'echarts/core'
import { BarChart, LineChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer])

const FALLBACK =
  "'Microsoft YaHei', 'PingFang SC', 'Noto Sans CJK SC', 'Noto Sans SC', 'WenQuanYi Micro Hei', sans-serif"

/** The page's font stack (`--el-font-family` in style.css), for ECharts' `textStyle`. */
export function chartFont(): string {
  if (typeof document === 'undefined') return FALLBACK
  const css = getComputedStyle(document.documentElement).getPropertyValue('--el-font-family').trim()
  return css || FALLBACK
}

/** Resolves when the Chinese font can be drawn, so the first chart draw is not in a fallback. */
export async function fontReady(): Promise<void> {
  const fonts = typeof document === 'undefined' ? undefined : document.fonts
  if (!fonts?.load) return
  try {
    await fonts.load(`14px ${chartFont()}`, '报修月度')
  } catch {
    // A font that cannot be loaded leaves the browser's fallback, which still draws.
  }
}

/** Shared look: the Chinese font everywhere, tooltips included. */
export function baseOption() {
  const fontFamily = chartFont()
  return {
    textStyle: { fontFamily },
    tooltip: { trigger: 'axis' as const, textStyle: { fontFamily } },
    legend: { top: 0, textStyle: { fontFamily } },
    grid: {
      left: 8,
      right: 16,
      top: 36,
      bottom: 8,
      outerBoundsMode: 'same' as const,
      outerBoundsContain: 'axisLabel' as const,
    },
  }
}

// Display only. Times arrive as RFC 3339 already in the office's offset (+08:00), so
// showing them is cutting the string, not converting zones.

export function time(t: string | null | undefined): string {
  if (!t) return ''
  return t.slice(0, 16).replace('T', ' ')
}

export function date(t: string | null | undefined): string {
  return t ? t.slice(0, 10) : ''
}

/** 分 → "12.50" 元 */
export function yuan(fen: number | null | undefined): string {
  return ((fen ?? 0) / 100).toFixed(2)
}

/** "12.5" 元 → 1250 分; NaN for what is not a number. */
export function toFen(yuanText: string | number | null | undefined): number {
  if (yuanText === null || yuanText === undefined || yuanText === '') return 0
  const n = Number(yuanText)
  return Number.isFinite(n) ? Math.round(n * 100) : NaN
}

/** 今天 in the browser's local calendar, for date pickers' defaults. */
export function todayText(): string {
  const d = new Date()
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
}

/** el-table row class: overdue rows stand out. */
export function overdueRow({ row }: { row: { overdue: boolean } }): string {
  return row.overdue ? 'row-overdue' : ''
}

/** 125 → "2 小时 5 分", 3000 → "2 天 2 小时" */
export function duration(minutes: number): string {
  const d = Math.floor(minutes / 1440)
  const h = Math.floor((minutes % 1440) / 60)
  const m = minutes % 60
  if (d > 0) return `${d} 天 ${h} 小时`
  if (h > 0) return `${h} 小时 ${m} 分`
  return `${m} 分`
}

/** A performance mark once the current update is on screen (read by the measurements). */
export function paintedMark(name: string) {
  if (typeof requestAnimationFrame !== 'function') return
  requestAnimationFrame(() => requestAnimationFrame(() => performance.mark(name)))
}

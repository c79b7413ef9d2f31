// Display only, for the 月度报表 page: the core computes every figure; these only print
// them the way the exports do (report::percent, report::yuan).

/** `0.8571` → `85.71%`; `null` (no denominator) → `—`. */
export function percent(r: number | null | undefined): string {
  return r === null || r === undefined ? '—' : `${(r * 100).toFixed(2)}%`
}

/** A mean or median in minutes, as the core rounded it; `null` → `—`. */
export function minutes(m: number | null | undefined): string {
  return m === null || m === undefined ? '—' : String(m)
}

/** `2026-11` → `2026年11月` */
export function monthTitle(month: string): string {
  const [y, m] = month.split('-')
  return y && m ? `${y}年${Number(m)}月` : month
}

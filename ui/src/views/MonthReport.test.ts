import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import { createMemoryHistory, createRouter } from 'vue-router'
import MonthReportView from './MonthReport.vue'
import { setLabels } from '../labels'
import type { DayRow } from '../bindings/DayRow'
import { labelsWith } from '../testing'
import type { MonthReport } from '../bindings/MonthReport'

// jsdom has no canvas: the chart is replaced by a stub that shows what it was given.
vi.mock('vue-echarts', () => ({
  default: defineComponent({
    props: { option: { type: Object, required: true } },
    setup(props) {
      return () => h('div', { class: 'chart-stub', 'data-option': JSON.stringify(props.option) })
    },
  }),
}))

const labels = labelsWith({
  scope: [
    { code: 'in_home', label: '入户' },
    { code: 'public', label: '公区' },
  ],
})

const xss = '<img src=x onerror=alert(1)>'

const group = (key: string, received: number, completed: number, overdue: number) => ({
  key,
  label: key,
  received,
  completed,
  overdue,
  mean_completion_minutes: completed ? 95.5 : null,
})

const report: MonthReport = {
  received: 12,
  completed: 7,
  closed: 5,
  resolved: 0,
  cancelled: 1,
  open_at_month_end: 4,
  reschedules: 3,
  by_category: [group('水路', 8, 5, 1), group('电路', 4, 2, 0)],
  by_site: [group('翠湖苑', 12, 7, 1)],
  by_building: [{ ...group('翠湖苑/3', 9, 6, 1), label: '翠湖苑 3栋' }],
  by_technician: [
    {
      key: '张师傅',
      label: '张师傅',
      received: 9,
      completed: 6,
      overdue: 1,
      mean_completion_minutes: 88.3,
      visits: 4,
      satisfaction_rate: 0.75,
      rework_count: 1,
      labour_minutes: 420,
    },
    {
      key: '',
      label: '（未派单）',
      received: 3,
      completed: 0,
      overdue: 0,
      mean_completion_minutes: null,
      visits: 0,
      satisfaction_rate: null,
      rework_count: 0,
      labour_minutes: 0,
    },
  ],
  by_channel: [{ ...group('phone', 10, 6, 1), label: '电话' }],
  by_urgency: [],
  by_kind: [],
  dispatch_minutes: { count: 11, mean: 12.5, median: 10, p90: 30 },
  arrival_minutes: { count: 9, mean: 45.2, median: 40, p90: 90 },
  completion_minutes: { count: 7, mean: 130.1, median: 120, p90: 300 },
  on_time_rate: 0.8571,
  visit_rate: 0.7143,
  satisfaction_rate: 0.8,
  rework_rate: null,
  visit_attempts: 3,
  materials_fen: { total: 12345, paid: 10000, unpaid: 2345 },
  fees_fen: { total: 5000, paid: 5000, unpaid: 0 },
  labour_minutes: { total: 420, paid: 120, unpaid: 300 },
  hot_spots: [
    {
      site: '翠湖苑',
      place: xss,
      scope: 'in_home',
      category: '水路',
      tickets: 3,
      last_received_at: '2026-11-20T09:30:00+08:00',
      numbers: ['BX-202611-0001', 'BX-202611-0005', 'BX-202611-0009'],
    },
  ],
}

const days: DayRow[] = [
  { date: '2026-11-01', received: 2, completed: 0 },
  { date: '2026-11-02', received: 0, completed: 1 },
]

type Handler = (cmd: string, args: Record<string, unknown>) => unknown

async function render(extra: Handler = () => undefined) {
  const calls: { cmd: string; args: Record<string, unknown> }[] = []
  mockIPC((cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>
    calls.push({ cmd, args })
    if (cmd === 'report_current_month') return '2026-11'
    if (cmd === 'report_month')
      return args.month === '2026-11' ? report : { ...report, received: 0 }
    if (cmd === 'report_daily') return days
    const v = extra(cmd, args)
    if (v !== undefined) return v
    throw new Error(`unexpected ${cmd}`)
  })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: MonthReportView },
      { path: '/tickets/:number', component: { render: () => null } },
    ],
  })
  const w = mount(MonthReportView, {
    global: { plugins: [ElementPlus, router] },
    attachTo: document.body,
  })
  await flushPromises()
  return { w, calls }
}

const kpi = (w: Awaited<ReturnType<typeof render>>['w'], key: string) =>
  w.find(`[data-kpi="${key}"] [data-test="kpi-value"]`).text()

describe('月度报表', () => {
  beforeEach(() => setLabels(labels))
  afterEach(() => {
    clearMocks()
    document.body.innerHTML = ''
  })

  it("opens on the office's current month and shows the core's figures as they are", async () => {
    const { w, calls } = await render()
    expect(calls.filter((c) => c.cmd === 'report_month').map((c) => c.args.month)).toEqual([
      '2026-11',
    ])
    expect(kpi(w, 'received')).toBe('12')
    expect(kpi(w, 'open_at_month_end')).toBe('4')
    expect(w.find('[data-kpi="open_at_month_end"]').text()).toContain('截至现在')
    expect(kpi(w, 'reschedules')).toBe('3')
    expect(kpi(w, 'on_time_rate')).toBe('85.71%')
    expect(kpi(w, 'satisfaction_rate')).toBe('80.00%')
    // No denominator: the core says null, the page says so.
    expect(kpi(w, 'rework_rate')).toBe('—')
    expect(w.find('[data-kpi="visit_rate"]').text()).toContain('另有回访未果 3 次')
    expect(kpi(w, 'materials_fen')).toBe('123.45')
    expect(kpi(w, 'labour_minutes')).toBe('420')
    expect(w.find('[data-kpi="materials_fen"]').text()).toContain('有偿 100.00 / 无偿 23.45')

    const tech = w.find('[data-test="table-technician"]').text()
    expect(tech).toContain('张师傅')
    expect(tech).toContain('75.00%')
    expect(tech).toContain('（未派单）')
    expect(w.find('[data-test="table-building"]').text()).toContain('翠湖苑 3栋')
    expect(w.find('[data-test="table-channel"]').text()).toContain('电话')
    expect(w.find('[data-test="table-timing"]').text()).toContain('130.1')
  })

  it('draws the three charts from the breakdowns and the days, in the Chinese font', async () => {
    const { w } = await render()
    const option = (name: string) =>
      JSON.parse(w.find(`[data-test="chart-${name}"]`).attributes('data-option')!)
    const category = option('category')
    expect(category.xAxis.data).toEqual(['水路', '电路'])
    expect(category.series.map((s: { data: number[] }) => s.data)).toEqual([
      [8, 4],
      [5, 2],
      [1, 0],
    ])
    expect(category.textStyle.fontFamily).toMatch(/YaHei|Noto|WenQuanYi/)
    expect(option('technician').xAxis.data).toEqual(['张师傅', '（未派单）'])
    const daily = option('daily')
    expect(daily.xAxis.data).toEqual(['11-01', '11-02'])
    expect(daily.series[1].data).toEqual([0, 1])
  })

  it('renders text from the database as text', async () => {
    const { w } = await render()
    const hot = w.find('[data-test="table-hotspots"]')
    expect(hot.text()).toContain(xss)
    expect(hot.find('img').exists()).toBe(false)
    expect(hot.text()).toContain('BX-202611-0005')
  })

  it('exports through the save dialog, with progress, and says where the file went', async () => {
    let finish: (v: unknown) => void = () => {}
    const { w, calls } = await render((cmd) => {
      if (cmd === 'export_pick') return { token: 3, file_name: '十一月.xlsx' }
      if (cmd === 'export_write')
        return new Promise((resolve) => {
          finish = resolve
        })
      return undefined
    })
    await w.find('[data-test="mask-phones"] input').setValue(true)
    await w.find('[data-test="export-xlsx"]').trigger('click')
    await flushPromises()
    // The page names the month and format, never a path: the dialog is Rust's.
    expect(calls.find((c) => c.cmd === 'export_pick')!.args).toEqual({
      month: '2026-11',
      format: 'xlsx',
    })
    expect(calls.find((c) => c.cmd === 'export_write')!.args).toEqual({
      token: 3,
      month: '2026-11',
      options: { mask_phones: true },
    })
    expect(w.find('[data-test="export-xlsx"]').classes()).toContain('is-loading')
    expect(w.find('[data-test="export-pdf"]').attributes('disabled')).toBeDefined()
    expect(w.find('[data-test="export-progress"]').exists()).toBe(true)

    finish({ path: '/home/office/十一月.xlsx', format: 'xlsx', bytes: 20480, tickets: 13 })
    await flushPromises()
    expect(w.find('[data-test="export-progress"]').exists()).toBe(false)
    expect(w.find('[data-test="export-result"]').text()).toContain('/home/office/十一月.xlsx')
    expect(w.find('[data-test="export-xlsx"]').classes()).not.toContain('is-loading')
  })

  it('does nothing when the save dialog is cancelled', async () => {
    const { w, calls } = await render((cmd) => (cmd === 'export_pick' ? null : undefined))
    await w.find('[data-test="export-pdf"]').trigger('click')
    await flushPromises()
    expect(calls.find((c) => c.cmd === 'export_pick')!.args).toEqual({
      month: '2026-11',
      format: 'pdf',
    })
    expect(calls.some((c) => c.cmd === 'export_write')).toBe(false)
    expect(w.find('[data-test="export-result"]').exists()).toBe(false)
    expect(w.find('[data-test="export-progress"]').exists()).toBe(false)
    expect(document.querySelector('.el-message--error')).toBeNull()
  })
})

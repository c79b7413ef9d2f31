import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import { createMemoryHistory, createRouter } from 'vue-router'
import DashboardView from './Dashboard.vue'
import { setLabels } from '../labels'
import { labelsWith } from '../testing'
import type { Counters } from '../bindings/Counters'
import type { Escalation } from '../bindings/Escalation'
import type { EscalationPage } from '../bindings/EscalationPage'

const counters: Counters = {
  received: 45,
  in_progress: 3,
  on_hold: 0,
  overdue: 45,
  to_visit: 0,
  today: 0,
}

/** The 催办清单 the core holds: `n` tickets not dispatched in time, longest late first. */
function list(n: number): Escalation[] {
  return Array.from({ length: n }, (_, i) => ({
    number: `BX-202611-${String(i + 1).padStart(4, '0')}`,
    reason: 'not_dispatched',
    reason_label: '超时未派单',
    due_at: '2026-11-20T08:00:00+08:00',
    overdue_minutes: 600 - i,
    status: 'received',
    urgency: 'normal',
    category: '水路',
    place: '翠湖苑 3栋2单元501',
    reporter: '王秀英',
    phone: '13812348000',
    assignee: null,
    chase: '工程主管',
  }))
}

/** Mount the 工作台 on a core holding `held` (changeable between refreshes). */
async function render(held: { rows: Escalation[]; stale?: boolean }) {
  const asked: { limit: number; offset: number }[] = []
  let backupsAsked = 0
  mockIPC(
    (cmd, payload) => {
      const args = (payload ?? {}) as Record<string, unknown>
      if (cmd === 'counters') return counters
      if (cmd === 'today_tickets')
        return { total: 0, total_capped: false, limit: 200, offset: 0, tickets: [] }
      if (cmd === 'backups') {
        backupsAsked += 1
        return {
          copies: [],
          last_good: null,
          stale: held.stale ?? false,
          folder: '',
          daily_kept: 30,
        }
      }
      if (cmd === 'escalations') {
        const limit = Number(args.limit)
        const offset = Number(args.offset)
        asked.push({ limit, offset })
        const page: EscalationPage = {
          total: held.rows.length,
          limit,
          offset,
          escalations: held.rows.slice(offset, offset + limit),
        }
        return page
      }
      throw new Error(`unexpected ${cmd}`)
    },
    { shouldMockEvents: true },
  )
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: DashboardView },
      { path: '/tickets', component: { render: () => null } },
      { path: '/tickets/:number', component: { render: () => null } },
    ],
  })
  const w = mount(DashboardView, {
    global: { plugins: [ElementPlus, router] },
    attachTo: document.body,
  })
  await flushPromises()
  return { w, asked, backupsAsked: () => backupsAsked }
}

const rows = (w: Awaited<ReturnType<typeof render>>['w']) =>
  w.find('[data-test="escalations"] .el-table__body-wrapper').text()

describe('工作台 催办清单', () => {
  beforeEach(() => setLabels(labelsWith({ status: [{ code: 'received', label: '待派单' }] })))
  afterEach(() => {
    vi.useRealTimers()
    clearMocks()
    document.body.innerHTML = ''
  })

  it('asks the core for one page at a time and shows the whole list’s total', async () => {
    const held = { rows: list(45) }
    const { w, asked } = await render(held)
    expect(asked).toEqual([{ limit: 20, offset: 0 }])
    expect(rows(w)).toContain('BX-202611-0001')
    expect(rows(w)).toContain('BX-202611-0020')
    expect(rows(w)).not.toContain('BX-202611-0021')
    const pager = w.find('[data-test="escalation-pager"]')
    expect(pager.text()).toContain('45')

    // The third page: only its rows cross over.
    await pager
      .findAll('.el-pager li')
      .find((li) => li.text() === '3')!
      .trigger('click')
    await flushPromises()
    expect(asked[asked.length - 1]).toEqual({ limit: 20, offset: 40 })
    expect(rows(w)).toContain('BX-202611-0041')
    expect(rows(w)).toContain('BX-202611-0045')
    expect(rows(w)).not.toContain('BX-202611-0001')
  })

  it('moves to the new last page when the list shrank under the one being looked at', async () => {
    // Only the 30 s refresh timer is faked; Element Plus keeps its real timeouts.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    const held = { rows: list(45) }
    const { w, asked } = await render(held)
    const pager = () => w.find('[data-test="escalation-pager"]')
    await pager()
      .findAll('.el-pager li')
      .find((li) => li.text() === '3')!
      .trigger('click')
    await flushPromises()
    // Tickets were dispatched meanwhile: 30 left, so page 3 is gone.
    held.rows = list(30)
    vi.advanceTimersByTime(30_000)
    await flushPromises()
    expect(asked.slice(-2)).toEqual([
      { limit: 20, offset: 40 },
      { limit: 20, offset: 20 },
    ])
    expect(rows(w)).toContain('BX-202611-0021')
    expect(rows(w)).toContain('BX-202611-0030')
    expect(pager().find('.el-pager li.is-active').text()).toBe('2')
    expect(pager().text()).toContain('30')

    // Down to one page: no pager, the rows still there.
    held.rows = list(7)
    vi.advanceTimersByTime(30_000)
    await flushPromises()
    expect(w.find('[data-test="escalation-pager"]').exists()).toBe(false)
    expect(rows(w)).toContain('BX-202611-0007')
    expect(asked[asked.length - 1]).toEqual({ limit: 20, offset: 0 })
  })

  it('looks at the backups again while the stale warning shows, until the day’s copy is made', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    // The day's first start: the copy is still being made when the screen comes up.
    const held = { rows: list(3), stale: true }
    const { w, backupsAsked } = await render(held)
    expect(w.find('[data-test="backup-stale-warning"]').exists()).toBe(true)
    held.stale = false
    vi.advanceTimersByTime(30_000)
    await flushPromises()
    expect(w.find('[data-test="backup-stale-warning"]').exists()).toBe(false)
    // No warning, no more looking: the list of copies is not read every 30 s.
    const after = backupsAsked()
    vi.advanceTimersByTime(60_000)
    await flushPromises()
    expect(backupsAsked()).toBe(after)
  })
})

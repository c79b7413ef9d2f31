import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import { emit } from '@tauri-apps/api/event'
import { createMemoryHistory, createRouter } from 'vue-router'
import TicketDetail from './TicketDetail.vue'
import ResolveDialog from '../components/steps/ResolveDialog.vue'
import { setLabels } from '../labels'
import { CHANGED, DEBOUNCE_MS, resetLive } from '../live'
import { labelsWith } from '../testing'
import type { TicketDetail as Detail } from '../bindings/TicketDetail'
import type { EventAction } from '../bindings/EventAction'

const labels = labelsWith({
  kind: [{ code: 'repair', label: '报修' }],
  status: [
    { code: 'received', label: '待派单' },
    { code: 'assigned', label: '已派单' },
  ],
  channel: [{ code: 'phone', label: '电话' }],
  scope: [{ code: 'in_home', label: '入户' }],
  urgency: [{ code: 'normal', label: '一般' }],
  stage: [{ code: 'dispatch', label: '派单' }],
  action: [
    { code: 'created', label: '登记' },
    { code: 'assign', label: '派单' },
    { code: 'reassign', label: '改派' },
    { code: 'start', label: '到场' },
    { code: 'hold', label: '挂起' },
    { code: 'resume', label: '恢复' },
    { code: 'complete', label: '完工' },
    { code: 'visit', label: '回访' },
    { code: 'cancel', label: '取消' },
    { code: 'rework', label: '返修' },
    { code: 'remind', label: '跟催' },
    { code: 'printed', label: '打印维修单' },
    { code: 'resolve', label: '办结' },
    { code: 'handover', label: '转交' },
  ],
})

const xss = '<img src=x onerror=alert(1)>'

function detail(available: EventAction[]): Detail {
  return {
    ticket: {
      number: 'BX-202611-0007',
      kind: 'repair',
      status: 'received',
      channel: 'phone',
      reporter: '王秀英',
      phone: '13812348000',
      site: '翠湖苑',
      building: '3',
      unit: '2',
      room: '501',
      location: null,
      scope: 'in_home',
      category: '水路',
      urgency: 'normal',
      appointment_at: null,
      description: xss,
      received_at: '2026-11-27T09:30:00+08:00',
      assignee: null,
      dispatched_at: null,
      arrived_at: null,
      completed_at: null,
      visited_at: null,
      closed_at: null,
      cancelled_at: null,
      hold_reason: null,
      cause: null,
      measures: null,
      materials: [],
      labour_minutes: 0,
      paid: false,
      fee_fen: 0,
      payment_method: null,
      owner_signed: false,
      satisfaction: null,
      visit_note: null,
      rework_count: 0,
      duplicate_of: null,
      deadlines: { dispatch: '2026-11-27T10:00:00+08:00', arrival: null, completion: null, visit: null },
      overdue: true,
      overdue_stage: 'dispatch',
      cancel_reason: null,
      held_minutes: 0,
      print_count: 0,
      remind_count: 0,
      reschedule_count: 0,
      resolution: null,
      dept: null,
      resolved_at: null,
      occurred_at: null,
      requested_technician: null,
    },
    history: [
      {
        at: '2026-11-27T09:30:00+08:00',
        operator: '前台',
        action: 'created',
        action_label: '登记',
        from_status: null,
        to_status: 'received',
        note: xss,
      },
    ],
    available,
    place: '翠湖苑 3栋2单元501',
    materials_total_fen: 0,
    attachments: [],
    rounds: [],
    visit_attempts: [],
    quotes: [],
  }
}

let calls: { cmd: string; args: Record<string, unknown> }[] = []

async function render(
  available: EventAction[],
  extra: (cmd: string, args: Record<string, unknown>) => unknown = () => undefined,
) {
  mockIPC((cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>
    calls.push({ cmd, args })
    if (cmd === 'ticket_detail') return detail(available)
    const v = extra(cmd, args)
    if (v !== undefined) return v
    throw new Error(`unexpected ${cmd}`)
  }, { shouldMockEvents: true })
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: TicketDetail }] })
  const w = mount(TicketDetail, {
    props: { number: 'BX-202611-0007' },
    global: { plugins: [ElementPlus, router] },
  })
  await flushPromises()
  return w
}

describe('工单详情', () => {
  beforeEach(() => setLabels(labels))
  afterEach(() => {
    resetLive()
    clearMocks()
    calls = []
  })

  it('enables exactly the actions the core allows', async () => {
    const w = await render(['assign', 'cancel', 'remind', 'printed'])
    const enabled = w
      .findAll('[data-test="actions"] button')
      .filter((b) => b.attributes('disabled') === undefined)
      .map((b) => b.text())
    expect(enabled).toEqual(['派单', '跟催', '取消', '打印维修单'])
    expect(w.find('[data-test="ticket-status"]').text()).toBe('待派单')
    expect(w.find('[data-test="ticket-overdue"]').text()).toBe('派单超时')
  })

  it('offers 编辑 and 改约 only when the core allows them, each in its own dialog', async () => {
    const none = await render(['assign'])
    expect(none.find('[data-test="action-edit"]').attributes('disabled')).toBeDefined()
    expect(none.find('[data-test="action-reschedule"]').attributes('disabled')).toBeDefined()
    none.unmount()
    const w = await render(['edit', 'reschedule'], (cmd) =>
      cmd === 'categories' || cmd === 'sites' ? [] : undefined,
    )
    expect(w.find('[data-test="action-edit"]').attributes('disabled')).toBeUndefined()
    await w.find('[data-test="action-edit"]').trigger('click')
    await flushPromises()
    expect(w.find('[data-test="edit-dialog"]').isVisible()).toBe(true)
    expect(calls.map((c) => c.cmd)).toContain('categories')
  })

  it('offers 办结 and 转交 only when the core allows them (报事, not repairs)', async () => {
    const repair = await render(['assign', 'remind'])
    expect(repair.find('[data-test="action-resolve"]').exists()).toBe(false)
    expect(repair.find('[data-test="action-handover"]').exists()).toBe(false)
    repair.unmount()
    const w = await render(['remind', 'handover', 'resolve'])
    expect(w.find('[data-test="action-handover"]').text()).toBe('转交')
    await w.find('[data-test="action-resolve"]').trigger('click')
    await flushPromises()
    const dialog = w.findComponent(ResolveDialog)
    expect(dialog.props('open')).toBe(true)
    expect(dialog.props('detail').ticket.number).toBe('BX-202611-0007')
    w.unmount()
  })

  it('renders owner-entered text as text', async () => {
    const w = await render([])
    expect(w.find('[data-test="ticket-description"]').text()).toBe(xss)
    expect(w.find('[data-test="ticket-detail"] img').exists()).toBe(false)
  })

  it('attaches through the dialog the window opens: the page names the ticket and kind, no file', async () => {
    const w = await render([], (cmd) =>
      cmd === 'attach_pick'
        ? { id: 1, kind: 'fault_photo', kind_label: '故障照片', file_name: '漏水.png' }
        : undefined,
    )
    await w.find('[data-test="attach-fault_photo"]').trigger('click')
    await flushPromises()
    const pick = calls.find((c) => c.cmd === 'attach_pick')!
    expect(Object.keys(pick.args).sort()).toEqual(['kind', 'number', 'operator'])
    expect(pick.args).toMatchObject({ number: 'BX-202611-0007', kind: 'fault_photo' })
    // Reloaded to show the new attachment.
    expect(calls.filter((c) => c.cmd === 'ticket_detail')).toHaveLength(2)
  })

  it('does nothing when the attach dialog is cancelled', async () => {
    const w = await render([], (cmd) => (cmd === 'attach_pick' ? null : undefined))
    await w.find('[data-test="attach-signed_slip"]').trigger('click')
    await flushPromises()
    expect(calls.map((c) => c.cmd)).toEqual(['ticket_detail', 'attach_pick'])
  })

  it('reloads when another PC changes this ticket, and only this one', async () => {
    await render([])
    const change = (number: string) => ({
      number,
      action: 'assign',
      action_label: '派单',
      operator: '调度王姐',
      status: 'assigned',
    })
    await emit(CHANGED, change('BX-202611-0001'))
    await new Promise((r) => setTimeout(r, DEBOUNCE_MS + 50))
    expect(calls.filter((c) => c.cmd === 'ticket_detail')).toHaveLength(1)
    await emit(CHANGED, change('BX-202611-0007'))
    await new Promise((r) => setTimeout(r, DEBOUNCE_MS + 50))
    await flushPromises()
    expect(calls.filter((c) => c.cmd === 'ticket_detail')).toHaveLength(2)
    expect(document.body.textContent).toContain('BX-202611-0007 已由 调度王姐 派单')
  })
})

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import AssignDialog from './AssignDialog.vue'
import { setLabels } from '../../labels'
import { labelsWith, ticketDetail } from '../../testing'
import type { Suggestion } from '../../bindings/Suggestion'
import type { Technician } from '../../bindings/Technician'
import type { TicketDetail } from '../../bindings/TicketDetail'

const labels = labelsWith({
  action: [
    { code: 'assign', label: '派单' },
    { code: 'reassign', label: '改派' },
  ],
})

const suggestion = (name: string, today_load: number, at_capacity = false): Suggestion => ({
  name,
  phone: '13900000000',
  team: '水电班',
  open_tickets: today_load + 2,
  today_load,
  daily_capacity: 4,
  at_capacity,
})
// Least loaded first, as the core orders them.
const SUGGESTED = [suggestion('张师傅', 1), suggestion('刘师傅', 4, true)]
const technician = (name: string, active = true) =>
  ({ name, skills: ['水路'], active }) as unknown as Technician
const TECHNICIANS = [technician('张师傅'), technician('刘师傅'), technician('赵师傅', false)]

type Call = { cmd: string; args: Record<string, unknown> }
let calls: Call[] = []

async function render(detail: TicketDetail) {
  mockIPC((cmd, payload) => {
    calls.push({ cmd, args: (payload ?? {}) as Record<string, unknown> })
    if (cmd === 'suggest_technicians') return SUGGESTED
    if (cmd === 'technicians') return TECHNICIANS
    if (cmd === 'apply_step') return ticketDetail('assigned')
    throw new Error(`unexpected ${cmd}`)
  })
  const w = mount(AssignDialog, {
    props: { detail, modelValue: true },
    global: { plugins: [ElementPlus] },
    attachTo: document.body,
  })
  await flushPromises()
  return w
}

const q = (sel: string) => document.body.querySelector<HTMLElement>(sel)
const chosen = () => q('[data-test="technician"]')!.textContent

describe('派单', () => {
  beforeEach(() => {
    setLabels(labels)
    calls = []
  })
  afterEach(() => {
    clearMocks()
    document.body.innerHTML = ''
  })

  it('lists the 派单建议 for the category and preselects the least loaded', async () => {
    const w = await render(ticketDetail())
    expect(calls.find((c) => c.cmd === 'suggest_technicians')!.args).toEqual({ category: '水路' })
    const rows = [...document.querySelectorAll('[data-test="suggestions"] .el-table__row')].map(
      (r) => r.textContent,
    )
    expect(rows).toHaveLength(2)
    expect(rows[1]).toContain('4 / 4')
    expect(rows[1]).toContain('今日已满')
    expect(chosen()).toContain('张师傅')
    expect(q('[data-test="capacity-warning"]')).toBeNull()
    q('[data-test="step-submit"]')!.click()
    await flushPromises()
    expect(calls.find((c) => c.cmd === 'apply_step')!.args).toMatchObject({
      step: { action: 'assign', args: { technician: '张师傅' } },
      seen: 'received',
    })
    expect(w.emitted('done')).toHaveLength(1)
  })

  it('preselects the technician the owner asked for (指定师傅), unless no longer active', async () => {
    const asked = ticketDetail()
    asked.ticket.requested_technician = '刘师傅'
    await render(asked)
    expect(q('[data-test="requested-technician"]')!.textContent).toContain('业主指定：刘师傅')
    expect(chosen()).toContain('刘师傅')
    document.body.innerHTML = ''
    const left = ticketDetail()
    left.ticket.requested_technician = '赵师傅'
    await render(left)
    expect(chosen()).toContain('张师傅')
  })

  it('picking a full technician from the table warns but still allows it', async () => {
    await render(ticketDetail())
    ;(
      document.querySelectorAll('[data-test="suggestions"] .el-table__row')[1] as HTMLElement
    ).click()
    await flushPromises()
    expect(chosen()).toContain('刘师傅')
    expect(q('[data-test="capacity-warning"]')!.textContent).toContain('仍可派单')
    q('[data-test="step-submit"]')!.click()
    await flushPromises()
    expect(calls.find((c) => c.cmd === 'apply_step')!.args).toMatchObject({
      step: { args: { technician: '刘师傅' } },
    })
  })

  it('改派 skips the technician who already has the ticket', async () => {
    const d = ticketDetail('assigned')
    d.ticket.assignee = '张师傅'
    await render(d)
    expect(q('.el-dialog__title')!.textContent).toBe('改派')
    expect(chosen()).toContain('刘师傅')
  })
})

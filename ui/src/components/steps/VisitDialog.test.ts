import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import VisitDialog from './VisitDialog.vue'
import { setLabels } from '../../labels'
import { labelsWith } from '../../testing'
import type { TicketDetail } from '../../bindings/TicketDetail'

const labels = labelsWith({
  satisfaction: [
    { code: 'very_satisfied', label: '非常满意' },
    { code: 'satisfied', label: '满意' },
    { code: 'neutral', label: '一般' },
    { code: 'dissatisfied', label: '不满意' },
  ],
  visit_method: [
    { code: 'phone', label: '电话' },
    { code: 'visit', label: '上门' },
    { code: 'wechat', label: '微信' },
  ],
  visit_failure: [
    { code: 'no_answer', label: '未接通' },
    { code: 'refused', label: '拒访' },
    { code: 'wrong_number', label: '号码错误' },
  ],
  action: [
    { code: 'visit', label: '回访' },
    { code: 'rework', label: '返修' },
  ],
})

// Only what the dialog reads; the rest of the detail does not matter here.
const detail = (satisfaction: string | null = null, available: string[] = ['visit', 'visit_attempt', 'rework']) =>
  ({
    ticket: { number: 'BX-202611-0007', status: 'completed', satisfaction },
    available,
    visit_attempts: [],
    rounds: [],
  }) as unknown as TicketDetail

type Call = { cmd: string; args: Record<string, unknown> }

async function render(reply: () => TicketDetail) {
  const calls: Call[] = []
  mockIPC((cmd, payload) => {
    calls.push({ cmd, args: (payload ?? {}) as Record<string, unknown> })
    if (cmd === 'apply_step') return reply()
    throw new Error(`unexpected ${cmd}`)
  })
  const w = mount(VisitDialog, {
    props: { detail: detail(), open: false },
    global: { plugins: [ElementPlus] },
    attachTo: document.body,
  })
  await w.setProps({ open: true })
  await flushPromises()
  return { w, calls }
}

const q = (sel: string) => document.body.querySelector<HTMLElement>(sel)
/** Click the radio labelled `text` inside the group `group`. */
async function pick(group: string, text: string) {
  const radios = [...document.body.querySelectorAll<HTMLElement>(`[data-test="${group}"] label`)]
  const r = radios.find((x) => x.textContent?.trim() === text)
  if (!r) throw new Error(`no ${text} in ${group}`)
  r.querySelector('input')!.click()
  await flushPromises()
}

describe('回访', () => {
  beforeEach(() => setLabels(labels))
  afterEach(() => {
    clearMocks()
    document.body.innerHTML = ''
  })

  it('records an unanswered call as a visit attempt and closes', async () => {
    const { w, calls } = await render(() => detail())
    await pick('visit-reached', '未接通 / 未果')
    await pick('visit-failure', '拒访')
    q('[data-test="step-submit"]')!.click()
    await flushPromises()
    const sent = calls.find((c) => c.cmd === 'apply_step')!.args
    expect(sent.step).toEqual({ action: 'visit_attempt', args: { result: 'refused', note: null } })
    expect(sent.seen).toBe('completed')
    expect(w.emitted('done')).toHaveLength(1)
    expect(w.emitted('close')).toHaveLength(1)
  })

  it('sends quality, attitude and method, shows the lower as overall, and offers 返修 when 不满意', async () => {
    const { w, calls } = await render(() => detail('dissatisfied'))
    await pick('visit-method', '上门')
    await pick('visit-quality', '非常满意')
    await pick('visit-attitude', '不满意')
    expect(q('[data-test="visit-overall"]')!.textContent).toContain('将记为：不满意')
    q('[data-test="step-submit"]')!.click()
    await flushPromises()
    const sent = calls.find((c) => c.cmd === 'apply_step')!.args
    expect(sent.step).toEqual({
      action: 'visit',
      args: { satisfaction: '', note: null, method: 'visit', quality: 'very_satisfied', attitude: 'dissatisfied' },
    })
    expect(w.emitted('done')).toHaveLength(1)
    expect(w.emitted('close')).toBeUndefined()
    expect(q('[data-test="visit-dissatisfied"]')).not.toBeNull()
    q('[data-test="visit-rework"]')!.click()
    await flushPromises()
    expect(w.emitted('rework')).toHaveLength(1)
  })

  it("shows the core's refusal and stays open", async () => {
    const { w } = await render(() => {
      throw { code: 'invalid_input', message: '回访需填写满意度（或维修质量和服务态度）；未接通请登记为回访未果' }
    })
    q('[data-test="step-submit"]')!.click()
    await flushPromises()
    expect(q('[data-test="step-error"]')!.textContent).toContain('未接通请登记为回访未果')
    expect(w.emitted('done')).toBeUndefined()
  })
})

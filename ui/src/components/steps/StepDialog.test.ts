import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import type { Component } from 'vue'
import StepDialog from './StepDialog.vue'
import ReasonDialog from './ReasonDialog.vue'
import CancelDialog from './CancelDialog.vue'
import RemindDialog from './RemindDialog.vue'
import { setLabels } from '../../labels'
import { labelsWith, ticketDetail } from '../../testing'

const labels = labelsWith({
  action: [
    { code: 'start', label: '开始维修' },
    { code: 'hold', label: '挂起' },
    { code: 'rework', label: '返修' },
    { code: 'cancel', label: '取消工单' },
    { code: 'remind', label: '跟催' },
  ],
})

type Call = { cmd: string; args: Record<string, unknown> }
let calls: Call[] = []

/** Mounted open, as the detail page mounts the step it opens. */
async function render(component: Component, props: Record<string, unknown>, reply: () => unknown) {
  mockIPC((cmd, payload) => {
    calls.push({ cmd, args: (payload ?? {}) as Record<string, unknown> })
    if (cmd === 'apply_step') return reply()
    throw new Error(`unexpected ${cmd}`)
  })
  const w = mount(component, {
    props: { modelValue: true, ...props },
    global: { plugins: [ElementPlus] },
    attachTo: document.body,
  })
  await flushPromises()
  return w
}

const q = (sel: string) => document.body.querySelector<HTMLElement>(sel)
async function type(sel: string, value: string) {
  const el = q(`${sel} input, ${sel} textarea, input${sel}, textarea${sel}`) as HTMLInputElement
  el.value = value
  el.dispatchEvent(new Event('input'))
  await flushPromises()
}
async function submit() {
  q('[data-test="step-submit"]')!.click()
  await flushPromises()
}
const sent = () => calls.find((c) => c.cmd === 'apply_step')?.args

describe('step dialogs', () => {
  beforeEach(() => {
    setLabels(labels)
    calls = []
  })
  afterEach(() => {
    clearMocks()
    document.body.innerHTML = ''
  })

  it('开始维修 sends the step with the status the screen showed and closes', async () => {
    const after = ticketDetail('in_progress')
    const w = await render(
      StepDialog,
      { detail: ticketDetail('assigned'), action: 'start', step: () => ({ action: 'start' }) },
      () => after,
    )
    expect(q('.el-dialog__title')!.textContent).toBe('开始维修')
    expect(q('[data-test="step-submit"]')!.textContent).toBe('确定开始维修')
    await submit()
    expect(sent()).toMatchObject({
      number: 'BX-202611-0007',
      step: { action: 'start' },
      at: null,
      seen: 'assigned',
    })
    expect(w.emitted('done')).toEqual([[after]])
    expect(w.emitted('update:modelValue')).toEqual([[false]])
  })

  it('shows the core refusal in Chinese and stays open', async () => {
    const w = await render(
      StepDialog,
      { detail: ticketDetail('assigned'), action: 'start', step: () => ({ action: 'start' }) },
      () => {
        throw { code: 'wrong_status', message: '工单状态为“维修中”，不能开始维修' }
      },
    )
    await submit()
    expect(q('[data-test="step-error"]')!.textContent).toContain('不能开始维修')
    expect(w.emitted('done')).toBeUndefined()
    expect(w.emitted('update:modelValue')).toBeUndefined()
    expect(w.emitted('stale')).toBeUndefined()
  })

  it('asks the page to reload when another PC moved the ticket on', async () => {
    const w = await render(
      StepDialog,
      { detail: ticketDetail('assigned'), action: 'start', step: () => ({ action: 'start' }) },
      () => {
        throw { code: 'conflict', message: '工单已被其他电脑更新为“维修中”，请核对后重试' }
      },
    )
    await submit()
    expect(q('[data-test="step-error"]')!.textContent).toContain('其他电脑')
    expect(w.emitted('stale')).toHaveLength(1)
  })

  it('挂起 and 返修 send the typed reason under their own label', async () => {
    for (const action of ['hold', 'rework'] as const) {
      calls = []
      const w = await render(ReasonDialog, { detail: ticketDetail('in_progress'), action }, () =>
        ticketDetail('on_hold'),
      )
      expect(q('.el-form-item__label')!.textContent).toBe(
        action === 'hold' ? '挂起原因' : '返修原因',
      )
      await type('[data-test="reason"]', '等待业主购买配件')
      await submit()
      expect(sent()).toMatchObject({ step: { action, args: { reason: '等待业主购买配件' } } })
      expect(w.emitted('done')).toHaveLength(1)
      w.unmount()
      document.body.innerHTML = ''
    }
  })

  it('取消 marks a 重复单 with the ticket it repeats; blank means not a duplicate', async () => {
    await render(CancelDialog, { detail: ticketDetail() }, () => ticketDetail('cancelled'))
    await type('[data-test="reason"]', '重复报修')
    await type('[data-test="duplicate-of"]', ' BX-202611-0001 ')
    await submit()
    expect(sent()).toMatchObject({
      step: { action: 'cancel', args: { reason: '重复报修', duplicate_of: 'BX-202611-0001' } },
    })
    document.body.innerHTML = ''
    calls = []
    await render(CancelDialog, { detail: ticketDetail() }, () => ticketDetail('cancelled'))
    await type('[data-test="reason"]', '业主自行修好')
    await submit()
    expect(sent()).toMatchObject({ step: { args: { duplicate_of: null } } })
  })

  it('跟催 without a note sends none', async () => {
    await render(RemindDialog, { detail: ticketDetail('assigned') }, () => ticketDetail())
    await type('[data-test="note"]', '   ')
    await submit()
    expect(sent()).toMatchObject({ step: { action: 'remind', args: { note: null } } })
  })
})

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import RescheduleDialog from './RescheduleDialog.vue'
import { setLabels } from '../../labels'
import { stepLabels, ticketDetail } from '../../testing'

type Call = { cmd: string; args: Record<string, unknown> }

async function render(reply: (cmd: string) => unknown) {
  const calls: Call[] = []
  mockIPC((cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>
    calls.push({ cmd, args })
    const r = reply(cmd)
    if (r !== undefined) return r
    throw new Error(`unexpected ${cmd}`)
  })
  const w = mount(RescheduleDialog, {
    props: { detail: ticketDetail(), modelValue: false },
    global: { plugins: [ElementPlus] },
    attachTo: document.body,
  })
  await w.setProps({ modelValue: true })
  await flushPromises()
  return { w, calls }
}

describe('改约', () => {
  beforeEach(() => setLabels(stepLabels))
  afterEach(() => {
    clearMocks()
    document.body.innerHTML = ''
  })

  it('offers the usual reasons and sends a reschedule step with the seen status', async () => {
    const { w, calls } = await render((cmd) => (cmd === 'apply_step' ? ticketDetail() : undefined))
    expect(w.find('[data-test="reschedule-from"]').text()).toBe('2026-11-28 10:00')
    const reasons = w.findAll('[data-test="reschedule-reason"] label').map((l) => l.text())
    expect(reasons).toEqual(['业主不在家', '业主改时间', '材料未到', '其他'])
    const when = w.find('[data-test="reschedule-appointment"] input')
    await when.setValue('2026-11-29 09:00')
    await when.trigger('change')
    await w
      .find('[data-test="reschedule-note"] input, input[data-test="reschedule-note"]')
      .setValue('明天出差')
    await w.find('[data-test="step-submit"]').trigger('click')
    await flushPromises()
    const step = calls.find((c) => c.cmd === 'apply_step')!
    expect(step.args).toMatchObject({
      number: 'BX-202611-0007',
      seen: 'received',
      step: {
        action: 'reschedule',
        args: { appointment: '2026-11-29 09:00', reason: '业主不在家：明天出差' },
      },
    })
    expect(w.emitted('done')).toHaveLength(1)
  })

  it('shows the core refusal and stays open', async () => {
    const { w } = await render((cmd) => {
      if (cmd === 'apply_step') throw { code: 'invalid_input', message: '改约原因不能为空，请填写' }
      return undefined
    })
    await w.find('[data-test="reschedule-reason"] label:last-child').trigger('click')
    await w.find('[data-test="step-submit"]').trigger('click')
    await flushPromises()
    expect(w.find('[data-test="step-error"]').text()).toContain('改约原因不能为空')
    expect(w.emitted('done')).toBeUndefined()
  })
})

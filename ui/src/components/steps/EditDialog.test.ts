import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import EditDialog from './EditDialog.vue'
import { setLabels } from '../../labels'
import type { Status } from '../../bindings/Status'
import { stepLabels, ticketDetail } from '../../testing'

type Call = { cmd: string; args: Record<string, unknown> }

async function render(status: Status, reply: (cmd: string) => unknown = () => undefined) {
  const calls: Call[] = []
  mockIPC((cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>
    calls.push({ cmd, args })
    if (cmd === 'categories')
      return [
        { id: 1, name: '水路', default_urgency: 'normal', active: true, kind: 'repair' },
        { id: 2, name: '电路', default_urgency: 'normal', active: true, kind: 'repair' },
      ]
    if (cmd === 'sites') return [{ name: '翠湖苑', units: 12, locations: [] }]
    const r = reply(cmd)
    if (r !== undefined) return r
    throw new Error(`unexpected ${cmd}`)
  })
  const w = mount(EditDialog, {
    props: { detail: ticketDetail(status), modelValue: false },
    global: { plugins: [ElementPlus] },
    attachTo: document.body,
  })
  await w.setProps({ modelValue: true })
  await flushPromises()
  return { w, calls }
}

const input = (w: ReturnType<typeof mount>, name: string) =>
  w.find<HTMLInputElement>(
    `[data-test="edit-${name}"] input, input[data-test="edit-${name}"], textarea[data-test="edit-${name}"], [data-test="edit-${name}"] textarea`,
  )

describe('更正', () => {
  beforeEach(() => setLabels(stepLabels))
  afterEach(() => {
    clearMocks()
    document.body.innerHTML = ''
  })

  it('is pre-filled and sends only the fields the user changed', async () => {
    const { w, calls } = await render('received', (cmd) =>
      cmd === 'edit_ticket' ? ticketDetail() : undefined,
    )
    expect(input(w, 'phone').element.value).toBe('13812348000')
    expect(input(w, 'room').element.value).toBe('501')
    await input(w, 'phone').setValue('13812348001')
    await input(w, 'description').setValue('卫生间漏水')
    await w.find('[data-test="edit-submit"]').trigger('click')
    await flushPromises()
    const edit = calls.find((c) => c.cmd === 'edit_ticket')!
    expect(edit.args.number).toBe('BX-202611-0007')
    expect(edit.args.patch).toEqual({ phone: '13812348001', description: '卫生间漏水' })
    expect(w.emitted('done')).toHaveLength(1)
    expect(w.emitted('update:modelValue')).toEqual([[false]])
  })

  it('shows the core refusal where the user looks and stays open', async () => {
    const { w } = await render('received', (cmd) => {
      if (cmd === 'edit_ticket')
        throw { code: 'invalid_input', message: '联系电话“12”格式不对，请填写 11 位手机号' }
      return undefined
    })
    await input(w, 'phone').setValue('12')
    await w.find('[data-test="edit-submit"]').trigger('click')
    await flushPromises()
    expect(w.find('[data-test="edit-error"]').text()).toContain('联系电话“12”格式不对')
    expect(w.emitted('done')).toBeUndefined()
  })

  it('after completion locks everything but category and urgency', async () => {
    const { w } = await render('completed')
    expect(w.find('[data-test="edit-closed-hint"]').exists()).toBe(true)
    expect(input(w, 'phone').attributes('disabled')).toBeDefined()
    expect(input(w, 'reporter').attributes('disabled')).toBeDefined()
    expect(w.find('[data-test="edit-category"] input').attributes('disabled')).toBeUndefined()
  })
})

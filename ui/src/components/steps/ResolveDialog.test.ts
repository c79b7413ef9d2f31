import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import ResolveDialog from './ResolveDialog.vue'
import HandoverDialog from './HandoverDialog.vue'
import { setLabels } from '../../labels'
import { labelsWith } from '../../testing'
import type { Ticket } from '../../bindings/Ticket'
import type { TicketDetail } from '../../bindings/TicketDetail'

const labels = labelsWith({
  action: [
    { code: 'resolve', label: '办结' },
    { code: 'handover', label: '转交' },
  ],
})

function detail(kind: 'complaint' | 'inquiry', dept: string | null = null): TicketDetail {
  const ticket = {
    number: 'BX-202611-0009',
    kind,
    status: 'received',
    dept,
    resolution: null,
    resolved_at: null,
  } as unknown as Ticket
  return {
    ticket,
    history: [],
    available: ['resolve'],
    place: '',
    materials_total_fen: 0,
    attachments: [],
    rounds: [],
    visit_attempts: [],
    quotes: [],
  }
}

let calls: { cmd: string; args: Record<string, unknown> }[] = []

function render(
  component: typeof ResolveDialog | typeof HandoverDialog,
  d: TicketDetail,
  reply: () => unknown,
) {
  mockIPC((cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>
    calls.push({ cmd, args })
    if (cmd === 'apply_step') return reply()
    throw new Error(`unexpected ${cmd}`)
  })
  return mount(component, {
    props: { detail: d, open: true },
    global: { plugins: [ElementPlus] },
    attachTo: document.body,
  })
}

const field = (sel: string) => document.querySelector(sel) as HTMLInputElement

async function type(sel: string, value: string) {
  const el = field(sel)
  el.value = value
  el.dispatchEvent(new Event('input'))
  await flushPromises()
}

async function click(sel: string) {
  ;(document.querySelector(sel) as HTMLElement).click()
  await flushPromises()
}

describe('报事 dialogs', () => {
  beforeEach(() => setLabels(labels))
  afterEach(() => {
    clearMocks()
    calls = []
    document.body.innerHTML = ''
  })

  it('办结 sends the result and the department kept from 转交, then reports done', async () => {
    const after = detail('complaint', '保洁部')
    const w = render(ResolveDialog, detail('complaint', '保洁部'), () => after)
    await flushPromises()
    expect(document.body.textContent).toContain('投诉办结后待回访')
    await type('[data-test="resolve-result"]', '已清理楼道')
    await click('[data-test="resolve-submit"]')
    const call = calls.find((c) => c.cmd === 'apply_step')
    expect(call?.args.step).toEqual({
      action: 'resolve',
      args: { result: '已清理楼道', dept: '保洁部' },
    })
    expect(call?.args.seen).toBe('received')
    expect(w.emitted('done')?.[0]).toEqual([after])
    w.unmount()
  })

  it('shows the core’s refusal and stays open', async () => {
    const w = render(ResolveDialog, detail('inquiry'), () => {
      throw { code: 'invalid_input', message: '处理结果不能为空，请填写' }
    })
    await flushPromises()
    expect(document.body.textContent).toContain('咨询办结后即为已完结')
    await click('[data-test="resolve-submit"]')
    expect(document.querySelector('[data-test="resolve-error"]')?.textContent).toContain(
      '处理结果不能为空',
    )
    expect(w.emitted('done')).toBeUndefined()
    w.unmount()
  })

  it('转交 sends the department', async () => {
    const after = detail('complaint', '秩序部')
    const w = render(HandoverDialog, detail('complaint'), () => after)
    await flushPromises()
    await type('[data-test="handover-dept"]', '秩序部')
    await click('[data-test="handover-submit"]')
    const call = calls.find((c) => c.cmd === 'apply_step')
    expect(call?.args.step).toEqual({ action: 'handover', args: { dept: '秩序部' } })
    expect(w.emitted('done')?.[0]).toEqual([after])
    w.unmount()
  })
})

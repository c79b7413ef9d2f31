import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import QuoteDialog from './QuoteDialog.vue'
import { setLabels } from '../../labels'
import { stepLabels, ticketDetail } from '../../testing'

let calls: { cmd: string; args: Record<string, unknown> }[] = []

async function type(sel: string, value: string) {
  const el = document.querySelector(sel) as HTMLInputElement
  el.value = value
  el.dispatchEvent(new Event('input'))
  await flushPromises()
}

describe('报价', () => {
  beforeEach(() => setLabels(stepLabels))
  afterEach(() => {
    clearMocks()
    calls = []
    document.body.innerHTML = ''
  })

  it('sends the items, the amount in 分 and the owner’s answer; the core’s refusal shows', async () => {
    mockIPC((cmd, payload) => {
      calls.push({ cmd, args: (payload ?? {}) as Record<string, unknown> })
      if (cmd === 'prices') return []
      if (cmd === 'apply_step') throw { code: 'wrong_status', message: '报价在派单后、完工前登记（已派单、维修中或挂起）' }
      throw new Error(`unexpected ${cmd}`)
    })
    mount(QuoteDialog, {
      props: { detail: ticketDetail('assigned'), open: true },
      global: { plugins: [ElementPlus] },
      attachTo: document.body,
    })
    await flushPromises()
    await type('[data-test="quote-items"] textarea, textarea[data-test="quote-items"]', '更换三角阀1个')
    await type('[data-test="quote-amount"] input, input[data-test="quote-amount"]', '35.5')
    ;(document.querySelector('[data-test="quote-submit"]') as HTMLElement).click()
    await flushPromises()
    const step = calls.find((c) => c.cmd === 'apply_step')
    expect(step?.args.step).toEqual({
      action: 'quote',
      args: { items: '更换三角阀1个', amount_fen: 3550, consent: true },
    })
    expect(document.querySelector('[data-test="quote-error"]')?.textContent).toContain('报价在派单后')
  })
})

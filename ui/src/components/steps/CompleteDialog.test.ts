import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import CompleteDialog from './CompleteDialog.vue'
import { setLabels } from '../../labels'
import { labelsWith, ticketDetail } from '../../testing'
import type { PriceItem } from '../../bindings/PriceItem'

const labels = labelsWith({ action: [{ code: 'complete', label: '完工' }] })

/** The office's 收费标准: one item withdrawn, kept for the history. */
const PRICES: PriceItem[] = [
  { name: '更换三角阀', unit: '个', price_fen: 3500, active: true },
  { name: '疏通下水道', unit: '次', price_fen: 8000, active: true },
  { name: '更换旧式阀门', unit: '个', price_fen: 2000, active: false },
]

type Call = { cmd: string; args: Record<string, unknown> }
let calls: Call[] = []

async function render(prices: () => PriceItem[] = () => PRICES) {
  mockIPC((cmd, payload) => {
    calls.push({ cmd, args: (payload ?? {}) as Record<string, unknown> })
    if (cmd === 'prices') return prices()
    if (cmd === 'apply_step') return ticketDetail('completed')
    throw new Error(`unexpected ${cmd}`)
  })
  const w = mount(CompleteDialog, {
    props: { detail: ticketDetail('in_progress'), modelValue: true },
    global: { plugins: [ElementPlus] },
    attachTo: document.body,
  })
  await flushPromises()
  return w
}

const q = (sel: string) => document.body.querySelector<HTMLElement>(sel)
const input = (sel: string) =>
  q(`${sel} input, ${sel} textarea, input${sel}, textarea${sel}`) as HTMLInputElement
async function type(sel: string, value: string) {
  const el = input(sel)
  el.value = value
  el.dispatchEvent(new Event('input'))
  await flushPromises()
}
/** el-autocomplete asks for its offers after a debounce. */
const settle = () => new Promise((r) => setTimeout(r, 400)).then(flushPromises)
/** The 收费标准 offers shown under the material name being typed. */
async function offers(row: number, typed: string) {
  const el = input(`[data-test="material-${row}"] .m-name`)
  el.focus()
  el.dispatchEvent(new Event('focus'))
  await type(`[data-test="material-${row}"] .m-name`, typed)
  await settle()
  return [...document.querySelectorAll<HTMLElement>('.price-offers li')]
}
const sent = () =>
  calls.find((c) => c.cmd === 'apply_step')!.args as { step: { args: Record<string, unknown> } }

describe('完工', () => {
  beforeEach(() => {
    setLabels(labels)
    calls = []
  })
  afterEach(() => {
    clearMocks()
    document.body.innerHTML = ''
  })

  it('offers only the active 收费标准 items; picking one fills the unit price and unit', async () => {
    await render()
    const shown = await offers(0, '')
    expect(shown.map((li) => li.textContent)).toEqual([
      '更换三角阀35.00 元/个',
      '疏通下水道80.00 元/次',
    ])
    const matching = await offers(0, '疏通')
    expect(matching.map((li) => li.textContent)).toEqual(['疏通下水道80.00 元/次'])
    matching[0].click()
    await flushPromises()
    expect(input('[data-test="material-0"] .m-name').value).toBe('疏通下水道')
    expect(input('[data-test="material-0"] .m-price').value).toBe('80.00')
    expect(input('[data-test="material-0"] .m-spec').value).toBe('次')
    await type('[data-test="cause"]', '下水道堵塞')
    await type('[data-test="measures"]', '疏通')
    q('[data-test="step-submit"]')!.click()
    await flushPromises()
    expect(sent().step.args.materials).toEqual([
      { name: '疏通下水道', spec: '次', quantity: 1, unit_price_fen: 8000 },
    ])
  })

  it('a typed spec is kept when an item is picked', async () => {
    await render()
    await type('[data-test="material-0"] .m-spec', 'DN15')
    const shown = await offers(0, '三角阀')
    shown[0].click()
    await flushPromises()
    expect(input('[data-test="material-0"] .m-spec').value).toBe('DN15')
    expect(input('[data-test="material-0"] .m-price').value).toBe('35.00')
  })

  it('free lines beside picked ones, with labour and the fee, as the signed slip says', async () => {
    await render()
    await type('[data-test="cause"]', '水龙头阀芯老化')
    await type('[data-test="measures"]', '更换阀芯并加装生料带')
    await type('[data-test="material-0"] .m-name', '陶瓷阀芯')
    await type('[data-test="material-0"] .m-spec', 'DN15')
    await type('[data-test="material-0"] .m-price', '35.5')
    q('[data-test="add-material"]')!.click()
    await flushPromises()
    await type('[data-test="material-1"] .m-name', '生料带')
    await type('[data-test="material-1"] .m-price', '3')
    q('[data-test="add-material"]')!.click()
    await flushPromises()
    await type('[data-test="labour"]', '40')
    ;(q('[data-test="paid"] input') as HTMLInputElement).click()
    await flushPromises()
    await type('[data-test="fee"]', '50')
    await type('[data-test="payment-method"]', '微信')
    q('[data-test="step-submit"]')!.click()
    await flushPromises()
    expect(sent().step.args).toMatchObject({
      cause: '水龙头阀芯老化',
      measures: '更换阀芯并加装生料带',
      // The third, empty line is not sent.
      materials: [
        { name: '陶瓷阀芯', spec: 'DN15', quantity: 1, unit_price_fen: 3550 },
        { name: '生料带', spec: null, quantity: 1, unit_price_fen: 300 },
      ],
      labour_minutes: 40,
      paid: true,
      fee_fen: 5000,
      payment_method: '微信',
      owner_signed: true,
    })
  })

  it('without the 收费标准 every line is still typed by hand', async () => {
    await render(() => {
      throw { code: 'forbidden', message: '没有权限查看收费标准' }
    })
    expect(q('[data-test="prices-error"]')!.textContent).toContain('没有权限查看收费标准')
    await type('[data-test="material-0"] .m-name', '陶瓷阀芯')
    expect(input('[data-test="material-0"] .m-name').value).toBe('陶瓷阀芯')
  })
})

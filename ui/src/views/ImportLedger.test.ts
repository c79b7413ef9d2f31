import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import ImportLedger from './ImportLedger.vue'
import type { ImportPreview } from '../bindings/ImportPreview'
import type { ImportReport } from '../bindings/ImportReport'

const xss = '<img src=x onerror=alert(1)>'
const picked = { token: 5, file_name: '住户名单-枫林湾-GBK.csv' }

function preview(rowsOk = 2): ImportPreview {
  const rows = [
    {
      row: 3,
      site: '枫林湾',
      building: '3',
      unit: '1',
      room: '501',
      name: '王秀英',
      phones: ['13800138000', '13900139000'],
    },
    { row: 4, site: '枫林湾', building: '3', unit: '1', room: '502', name: xss, phones: [] },
  ].slice(0, rowsOk)
  return {
    file: '住户名单-枫林湾-GBK.csv',
    sheet: null,
    encoding: 'GBK',
    header_row: 2,
    columns: [
      { field: 'site', label: '小区', header: '小区名称', column: 'A' },
      { field: 'room', label: '房号', header: '房间号', column: 'D' },
    ],
    rows_total: rowsOk + 1,
    rows_ok: rowsOk,
    rows_blank: 2,
    problems: [{ row: 7, reason: '电话“12345”不是有效的手机或座机号码' }],
    rows,
    units_new: rowsOk,
    contacts_new: 1,
    phones_new: 2,
  }
}

const report: ImportReport = {
  file: '住户名单-枫林湾-GBK.csv',
  rows_imported: 2,
  units_added: 2,
  contacts_added: 1,
  phones_added: 2,
  problems: [{ row: 7, reason: '电话“12345”不是有效的手机或座机号码' }],
}

async function render(p: ImportPreview, pick: typeof picked | null = picked) {
  const calls: { cmd: string; args: Record<string, unknown> }[] = []
  mockIPC((cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>
    calls.push({ cmd, args })
    if (cmd === 'import_pick') return pick
    if (cmd === 'import_preview') return p
    if (cmd === 'import_commit') return report
    throw new Error(`unexpected ${cmd}`)
  })
  const w = mount(ImportLedger, {
    global: { plugins: [ElementPlus] },
    attachTo: document.body,
  })
  await flushPromises()
  await w.find('[data-test="pick-file"]').trigger('click')
  await flushPromises()
  return { w, calls }
}

describe('导入', () => {
  afterEach(() => {
    clearMocks()
    document.body.innerHTML = ''
  })

  it('previews the picked file: what was detected, the good rows, the problem rows', async () => {
    const { w, calls } = await render(preview())
    // The page sends no path: the dialog is Rust's, the file is the token's.
    expect(calls.map((c) => c.cmd)).toEqual(['import_pick', 'import_preview'])
    expect(calls.find((c) => c.cmd === 'import_pick')!.args).toEqual({})
    expect(calls.find((c) => c.cmd === 'import_preview')!.args).toEqual({ token: 5 })
    expect(w.find('[data-test="import-path"]').text()).toBe('住户名单-枫林湾-GBK.csv')
    expect(calls.some((c) => c.cmd === 'import_commit')).toBe(false)
    expect(w.find('[data-test="import-source"]').text()).toBe('CSV，编码 GBK')
    expect(w.find('[data-test="import-header-row"]').text()).toBe('第 2 行')
    expect(w.findAll('[data-test="import-column"]').map((c) => c.text())).toEqual([
      '小区 ← A 列“小区名称”',
      '房号 ← D 列“房间号”',
    ])
    expect(w.find('[data-count="rows_ok"]').text()).toBe('2')
    expect(w.find('[data-count="problems"]').text()).toBe('1')
    expect(w.find('[data-count="units_new"]').text()).toBe('2')
    const rows = w.find('[data-test="import-rows"]').text()
    expect(rows).toContain('13800138000、13900139000')
    const problems = w.find('[data-test="import-problems"]').text()
    expect(problems).toContain('7')
    expect(problems).toContain('电话“12345”不是有效的手机或座机号码')
  })

  it("shows the file's text as text", async () => {
    const { w } = await render(preview())
    expect(w.find('[data-test="import-rows"]').text()).toContain(xss)
    expect(w.find('[data-test="import"] img').exists()).toBe(false)
  })

  it('commits on 确认导入 and shows what was added', async () => {
    const { w, calls } = await render(preview())
    await w.find('[data-test="import-commit"]').trigger('click')
    await flushPromises()
    expect(calls.find((c) => c.cmd === 'import_commit')!.args).toEqual({ token: 5 })
    const result = w.find('[data-test="import-result"]').text()
    expect(result).toContain('导入 2 行')
    expect(result).toContain('新增房屋 2 户')
    expect(w.find('[data-test="result-problems"]').text()).toContain('电话“12345”')
    expect(w.find('[data-test="import-summary"]').exists()).toBe(false)
  })

  it('stays as it was when the file dialog is cancelled', async () => {
    const { w, calls } = await render(preview(), null)
    expect(calls.map((c) => c.cmd)).toEqual(['import_pick'])
    expect(w.find('[data-test="import-path"]').exists()).toBe(false)
    expect(w.find('[data-test="import-summary"]').exists()).toBe(false)
    expect(w.find('[data-test="import-error"]').exists()).toBe(false)
  })

  it('re-reads the same picked file on 重新读取', async () => {
    const { w, calls } = await render(preview())
    await w.find('[data-test="reread"]').trigger('click')
    await flushPromises()
    expect(calls.map((c) => [c.cmd, c.args])).toEqual([
      ['import_pick', {}],
      ['import_preview', { token: 5 }],
      ['import_preview', { token: 5 }],
    ])
  })

  it('offers no commit when no row can be imported', async () => {
    const { w } = await render(preview(0))
    expect(w.find('[data-test="import-commit"]').attributes('disabled')).toBeDefined()
  })
})

import { afterEach, describe, expect, it } from 'vitest'
import { defineComponent, h } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import { emit } from '@tauri-apps/api/event'
import type { Change } from './bindings/Change'
import { CHANGED, DEBOUNCE_MS, STATUS, changeMessage, resetLive, useLiveDesk } from './live'

const change = (number: string, over: Partial<Change> = {}): Change => ({
  number,
  action: 'complete',
  action_label: '完工',
  operator: '张师傅',
  status: 'completed',
  ...over,
})

const settle = () => new Promise((r) => setTimeout(r, DEBOUNCE_MS + 50))

function host(wants?: (c: Change) => boolean) {
  const got: Change[][] = []
  const C = defineComponent({
    setup() {
      useLiveDesk((cs) => got.push(cs), wants)
      return () => h('div')
    },
  })
  return { w: mount(C), got }
}

describe('实时同步 useLiveDesk', () => {
  afterEach(() => {
    resetLive()
    clearMocks()
    document.body.innerHTML = ''
  })

  it('says who did what to which ticket', () => {
    expect(changeMessage([change('BX-202611-0001')])).toBe('BX-202611-0001 已由 张师傅 完工')
    expect(
      changeMessage([change('BX-202611-0001'), change('BX-202611-0002'), change('BX-202611-0001')]),
    ).toBe('其他电脑更新了 2 张工单')
  })

  it('reloads once for a burst of changes and shows one quiet message', async () => {
    mockIPC(() => undefined, { shouldMockEvents: true })
    const { got } = host()
    await flushPromises()
    await emit(CHANGED, change('BX-202611-0001'))
    await emit(CHANGED, change('BX-202611-0002', { action: 'assign', action_label: '派单' }))
    expect(got).toHaveLength(0)
    await settle()
    expect(got).toHaveLength(1)
    expect(got[0].map((c) => c.number)).toEqual(['BX-202611-0001', 'BX-202611-0002'])
    expect(document.body.textContent).toContain('其他电脑更新了 2 张工单')
  })

  it('reloads only for the changes a view wants, and not after it is gone', async () => {
    mockIPC(() => undefined, { shouldMockEvents: true })
    const { w, got } = host((c) => c.number === 'BX-202611-0007')
    await flushPromises()
    await emit(CHANGED, change('BX-202611-0001'))
    await settle()
    expect(got).toHaveLength(0)
    expect(document.body.textContent).toContain('BX-202611-0001 已由 张师傅 完工')
    await emit(CHANGED, change('BX-202611-0007'))
    await settle()
    expect(got).toHaveLength(1)
    w.unmount()
    await emit(CHANGED, change('BX-202611-0007'))
    await settle()
    expect(got).toHaveLength(1)
  })

  it('warns once when the live connection is lost and reloads when it is back', async () => {
    mockIPC(() => undefined, { shouldMockEvents: true })
    const { got } = host()
    await flushPromises()
    await emit(STATUS, { online: false, message: '与共享数据库的实时连接断开了' })
    await flushPromises()
    expect(document.body.textContent).toContain('实时连接断开了')
    expect(got).toHaveLength(0)
    await emit(STATUS, { online: true, message: '已重新连上共享数据库' })
    await flushPromises()
    expect(got).toEqual([[]])
  })
})

import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import ConnectionForm from './ConnectionForm.vue'
import type { AppInfo } from '../bindings/AppInfo'
import type { ConnectionView } from '../bindings/ConnectionView'

const localInfo: AppInfo = {
  version: '0.1.0',
  db_path: '/home/office/.local/share/com.baoxiu.desk/baoxiu.db',
  backend: 'local',
  backend_label: '本机数据库',
  open_error: null,
}
const sharedInfo: AppInfo = {
  ...localInfo,
  db_path: 'postgres://baoxiu:***@192.168.1.10:5432/baoxiu',
  backend: 'shared',
  backend_label: '共享数据库',
}
const sharedView: ConnectionView = {
  backend: 'shared',
  backend_label: '共享数据库',
  host: '192.168.1.10',
  port: 5432,
  database: 'baoxiu',
  user: 'baoxiu',
  has_password: true,
  location: 'postgres://baoxiu:***@192.168.1.10:5432/baoxiu',
  env_override: null,
}
const localView: ConnectionView = {
  ...sharedView,
  backend: 'local',
  backend_label: '本机数据库',
  host: '',
  database: '',
  user: '',
  has_password: false,
  location: localInfo.db_path,
}

type Call = { cmd: string; args: Record<string, unknown> }

async function render(opts: {
  info?: AppInfo
  view?: ConnectionView
  reply?: (cmd: string, args: Record<string, unknown>) => unknown
}) {
  const calls: Call[] = []
  let info = opts.info ?? sharedInfo
  let view = opts.view ?? sharedView
  mockIPC((cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>
    calls.push({ cmd, args })
    if (cmd === 'app_info') return info
    if (cmd === 'connection_get') return view
    if (opts.reply) {
      const r = opts.reply(cmd, args)
      if (cmd === 'connection_save') [info, view] = [sharedInfo, sharedView]
      return r
    }
    throw new Error(`unexpected ${cmd}`)
  })
  const w = mount(ConnectionForm, { global: { plugins: [ElementPlus] }, attachTo: document.body })
  await flushPromises()
  return { w, calls }
}

const input = (w: ReturnType<typeof mount>, name: string) =>
  w.find<HTMLInputElement>(`[data-test="conn-${name}"] input, input[data-test="conn-${name}"]`)

describe('数据库连接', () => {
  afterEach(() => {
    clearMocks()
    document.body.innerHTML = ''
  })

  it('shows the database in use and the saved server, never the password', async () => {
    const { w } = await render({})
    const current = w.find('[data-test="conn-current"]').text()
    expect(current).toContain('共享数据库')
    expect(current).toContain('postgres://baoxiu:***@192.168.1.10:5432/baoxiu')
    expect(input(w, 'host').element.value).toBe('192.168.1.10')
    expect(input(w, 'port').element.value).toBe('5432')
    expect(input(w, 'database').element.value).toBe('baoxiu')
    expect(input(w, 'user').element.value).toBe('baoxiu')
    const pw = input(w, 'password').element
    expect(pw.type).toBe('password')
    expect(pw.value).toBe('')
    expect(pw.placeholder).toBe('已保存，留空不变')
  })

  it('tests with an empty password (keep the stored one) and shows the success line', async () => {
    const ok =
      '连接成功：共享数据库（PostgreSQL）postgres://baoxiu:***@192.168.1.10:5432/baoxiu，已有 12 张工单'
    const { w, calls } = await render({
      reply: (cmd) => (cmd === 'connection_test' ? ok : undefined),
    })
    await w.find('[data-test="conn-test"]').trigger('click')
    await flushPromises()
    expect(calls.find((c) => c.cmd === 'connection_test')!.args).toEqual({
      candidate: {
        kind: 'shared',
        host: '192.168.1.10',
        port: 5432,
        database: 'baoxiu',
        user: 'baoxiu',
        password: '',
      },
    })
    expect(w.find('[data-test="conn-result"]').text()).toContain(ok)
    expect(calls.some((c) => c.cmd === 'connection_save')).toBe(false)
  })

  it("shows the server's refusal in Chinese with the address", async () => {
    const refused =
      '无法连接共享数据库“postgres://baoxiu:***@192.168.1.10:5433/baoxiu”：连接被拒绝：服务器没有运行，或端口不对'
    const { w, calls } = await render({
      reply: () => {
        throw { code: 'database', message: refused }
      },
    })
    await input(w, 'port').setValue('5433')
    await input(w, 'password').setValue('新密码')
    await w.find('[data-test="conn-test"]').trigger('click')
    await flushPromises()
    const sent = calls.find((c) => c.cmd === 'connection_test')!.args.candidate as Record<
      string,
      unknown
    >
    expect(sent.port).toBe(5433)
    expect(sent.password).toBe('新密码')
    const result = w.find('[data-test="conn-result"]')
    expect(result.attributes('data-ok')).toBe('false')
    expect(result.text()).toContain(refused)
  })

  it('saves a new server, clears the typed password and tells the desk to reload', async () => {
    const { w, calls } = await render({
      info: localInfo,
      view: localView,
      reply: (cmd) =>
        cmd === 'connection_save' ? '连接成功：共享数据库（PostgreSQL）…，还没有工单' : undefined,
    })
    expect(w.find('[data-test="conn-current"]').text()).toContain('本机数据库')
    expect(w.find('[data-test="conn-host"]').exists()).toBe(false)
    await w.find('[data-test="conn-shared"] input').setValue(true)
    await flushPromises()
    // A local choice has no stored password: nothing says one is kept.
    expect(input(w, 'password').element.placeholder).not.toContain('已保存')
    await input(w, 'host').setValue(' 192.168.1.10 ')
    await input(w, 'password').setValue('p@ss')
    await w.find('[data-test="conn-save"]').trigger('click')
    await flushPromises()
    expect(calls.find((c) => c.cmd === 'connection_save')!.args).toEqual({
      candidate: {
        kind: 'shared',
        host: '192.168.1.10',
        port: 5432,
        database: 'baoxiu',
        user: 'baoxiu',
        password: 'p@ss',
      },
    })
    expect(w.emitted('reconnected')).toHaveLength(1)
    // The other database's accounts decide who is signed in: asked again after the save.
    const save = calls.findIndex((c) => c.cmd === 'connection_save')
    expect(calls.slice(save).some((c) => c.cmd === 'session_get')).toBe(true)
    expect(w.find('[data-test="conn-result"]').text()).toContain('已保存并重新连接')
    expect(w.find('[data-test="conn-current"]').text()).toContain('共享数据库')
    expect(input(w, 'password').element.value).toBe('')
  })

  it('switching back to 本机数据库 sends only the kind', async () => {
    const { w, calls } = await render({
      reply: () => '连接成功：本机数据库 /x/baoxiu.db，还没有工单',
    })
    await w.find('[data-test="conn-local"] input').setValue(true)
    await flushPromises()
    await w.find('[data-test="conn-save"]').trigger('click')
    await flushPromises()
    expect(calls.find((c) => c.cmd === 'connection_save')!.args).toEqual({
      candidate: { kind: 'local' },
    })
  })

  it('cannot save while BAOXIU_DB decides the database, and says so', async () => {
    const { w } = await render({ view: { ...sharedView, env_override: '/srv/office.db' } })
    expect(w.find('[data-test="conn-env"]').text()).toContain('BAOXIU_DB')
    expect(w.find('[data-test="conn-env"]').text()).toContain('/srv/office.db')
    expect(w.find('[data-test="conn-save"]').attributes('disabled')).toBeDefined()
  })
})

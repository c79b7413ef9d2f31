// End-to-end, 实时同步 (issue 9): the window on the shared PostgreSQL database shows a
// ticket another PC registered (here: the CLI) within 2 s, without 刷新.
//
//   BAOXIU_TEST_PG=postgres://… APP=… CLI=… node --test tests/e2e/live.test.mjs
// (scripts/desktop.sh test starts a throwaway cluster with scripts/pg.sh for it.)
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Session, startDriver } from './webdriver.mjs'
import { signIn } from './signin.mjs'

const root = resolve(import.meta.dirname, '../..')
const app = resolve(process.env.APP ?? join(root, 'target/debug/baoxiu-desk'))
const cli = resolve(process.env.CLI ?? join(root, 'target/debug/baoxiu'))
const shots = resolve(process.env.E2E_SHOTS ?? join(root, 'tests/e2e/screenshots'))
const port = Number(process.env.E2E_PORT ?? 4444) + 10
const server = process.env.BAOXIU_TEST_PG

let driver
let s
let dir
let url
let env

/** The CLI on the same database, as a colleague's PC would be. */
function baoxiu(args, input) {
  return JSON.parse(execFileSync(cli, ['--db', url, ...args], { env, input, encoding: 'utf8' }))
}

before(async () => {
  assert.ok(server, 'BAOXIU_TEST_PG is not set: run this through scripts/desktop.sh test (it starts PostgreSQL)')
  mkdirSync(shots, { recursive: true })
  dir = mkdtempSync(join(tmpdir(), 'baoxiu-e2e-live-'))
  const name = `e2e_live_${process.pid}`
  execFileSync('psql', [`${server}/postgres`, '-qc', `CREATE DATABASE ${name} TEMPLATE template0`])
  url = `${server}/${name}`
  env = { ...process.env, BAOXIU_DB: url, BAOXIU_FILES_DIR: join(dir, 'files') }
  // Create the schema first (the window would too; this way the CLI never races it).
  baoxiu(['ticket', 'list', '--limit', '1'])
  // The office's accounts: this window's 王管理, and 张师傅 working from another PC.
  baoxiu(['user', 'add', '王管理', '--role', 'admin'], 'e2e-admin-1\n')
  baoxiu(['user', 'add', '张师傅', '--role', 'supervisor', '--by', '王管理'], 'e2e-zhang-1\n')
  baoxiu(['site', 'add', '翠湖苑', '--by', '王管理'])
  driver = await startDriver({ port, nativePort: port + 1, env, log: join(shots, 'live-app.log') })
  s = await Session.create(driver.base, app)
  await signIn(s, '王管理', 'e2e-admin-1')
})

after(async () => {
  await s?.quit()
  driver?.proc.kill('SIGTERM')
  await sleep(300)
  if (dir) rmSync(dir, { recursive: true, force: true })
})

test('a ticket registered on another PC appears in the open list within 2 s', async () => {
  await s.go('#/tickets')
  await s.waitFor(`document.querySelector('[data-test="list-total"]')?.innerText.startsWith('共 0 张')`)
  // The window's listener connects in the background: give it a moment to be there.
  await sleep(1500)
  const draft = {
    reporter: '王秀英', phone: '13812348000', site: '翠湖苑', building: '3', unit: '2', room: '501',
    category: '水路', description: '厨房水管漏水，地面有积水',
  }
  const started = Date.now()
  const t = baoxiu(['ticket', 'new', '--by', '张师傅'], JSON.stringify(draft))
  assert.match(t.number, /^BX-\d{6}-\d{4}$/)
  await s.waitFor(
    `document.querySelector('[data-test="ticket-table"]')?.innerText.includes(${JSON.stringify(t.number)})`,
    { timeout: 2000, what: `${t.number} in the list within 2 s` },
  )
  const ms = Date.now() - started
  console.log(`# ${t.number} appeared in the open list ${ms} ms after the CLI was started`)
  await s.waitFor(`document.body.innerText.includes(${JSON.stringify(`${t.number} 已由 张师傅 登记`)})`, {
    timeout: 2000, what: 'the quiet message',
  })
  await sleep(300)
  writeFileSync(join(shots, '20-live-ticket-from-another-pc.png'), await s.screenshot())
})

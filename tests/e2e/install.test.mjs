// The installed 报修台 (scripts/install-check.sh): the binary the .deb put on PATH, opened
// once under Xvfb through tauri-driver on a demo database the CLI seeded. Signs in as
// 前台 and checks the 工单 list shows the demo tickets; saves a screenshot of the page
// (WebDriver) and, with imagemagick present, of the whole X screen.
//
//   APP=/usr/bin/baoxiu-desk BAOXIU_DB=demo.db xvfb-run -a node --test tests/e2e/install.test.mjs
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Session, startDriver } from './webdriver.mjs'
import { signIn } from './signin.mjs'

const root = resolve(import.meta.dirname, '../..')
const app = process.env.APP ?? '/usr/bin/baoxiu-desk'
const shots = resolve(process.env.E2E_SHOTS ?? join(root, 'tests/e2e/screenshots'))
// Not the other suites' ports.
const port = Number(process.env.E2E_INSTALL_PORT ?? 4474)

let driver
let s

before(async () => {
  assert.ok(process.env.BAOXIU_DB, 'BAOXIU_DB: the demo database to open')
  mkdirSync(shots, { recursive: true })
  driver = await startDriver({
    port,
    nativePort: port + 1,
    env: process.env,
    log: join(shots, 'install-app.log'),
  })
  s = await Session.create(driver.base, app)
})

after(async () => {
  await s?.quit()
  driver?.proc.kill('SIGTERM')
  await sleep(300)
})

test('the installed app opens the demo database and lists its tickets', async () => {
  // The demo office has accounts (README: 前台 / demo1234), so the window asks who is at the desk.
  await signIn(s, '前台', 'demo1234')
  await s.go('#/tickets')
  const rows = await s.waitFor(
    `document.querySelectorAll('[data-test="ticket-table"] .el-table__body tr.el-table__row').length`,
    { timeout: 20000, what: 'rows in the ticket list' },
  )
  assert.ok(rows >= 10, `${rows} rows`)
  const total = await s.exec(`return document.querySelector('[data-test="list-total"]').innerText`)
  const n = Number(/共\s*(\d+)/.exec(total)?.[1])
  assert.ok(n >= rows, `list total: ${total}`)
  const first = await s.exec(
    `return document.querySelector('[data-test="ticket-table"] .el-table__body tr.el-table__row').innerText`,
  )
  assert.match(first, /BX|\d{4}/, `first row: ${first}`)
  assert.equal(await s.exec(`return document.title`), '报修台')

  await s.execAsync(`const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done()))`)
  writeFileSync(join(shots, 'install-ticket-list.png'), await s.screenshot())
  try {
    execFileSync('import', ['-window', 'root', join(shots, 'install-screen.png')], { stdio: 'ignore' })
  } catch {
    // imagemagick is optional: the WebDriver screenshot above is the check's record.
  }
})

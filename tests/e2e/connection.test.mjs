// End-to-end: 数据库连接 in the real window. The desk starts on its own local file (no
// BAOXIU_DB: the app data directory is a temporary XDG_DATA_HOME), is pointed at a
// PostgreSQL server through the form — a wrong port first, then the right one — and
// a ticket registered afterwards is read back from the server with the CLI.
//
//   BAOXIU_TEST_PG=postgres://postgres@127.0.0.1:PORT node --test tests/e2e/connection.test.mjs
//   (scripts/desktop.sh test starts a throwaway cluster with scripts/pg.sh when unset)
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Keys, Session, startDriver } from './webdriver.mjs'
import { signIn } from './signin.mjs'

/** The administrator created in each new database (the CLI acts for it). */
const ADMIN = { name: '测试', password: 'e2e-pass-1' }

const root = resolve(import.meta.dirname, '../..')
const app = resolve(process.env.APP ?? join(root, 'target/debug/baoxiu-desk'))
const shots = resolve(process.env.E2E_SHOTS ?? join(root, 'tests/e2e/screenshots'))
// Not the desk's (4444) nor the report suite's (4454) ports.
const port = Number(process.env.E2E_CONN_PORT ?? 4464)
const server = process.env.BAOXIU_TEST_PG

let driver
let s
let dir
let env
let pg
const database = `e2e_conn_${process.pid}`
/** The office's next server database, switched to in the third test. */
const database2 = `e2e_conn2_${process.pid}`

/** The test server's parts, as an office would read them off its server. */
function serverParts() {
  const u = new URL(server)
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username || 'postgres'),
  }
}

function psql(sql) {
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', `${server}/postgres`, '-c', sql], {
    encoding: 'utf8',
  })
}

/** The CLI on `env`; a first argument `{ input }` is its stdin. */
function cli(...args) {
  const input = typeof args[0] === 'object' ? args.shift().input : undefined
  const bin = process.env.CLI ?? join(dirname(app), 'baoxiu')
  const opts = { env, cwd: root, encoding: 'utf8', maxBuffer: 64 << 20, input }
  return existsSync(bin)
    ? execFileSync(bin, args, opts)
    : execFileSync('cargo', ['run', '-q', '--bin', 'baoxiu', '--', ...args], opts)
}

/** A TCP port nothing listens on (bound, noted, closed). */
async function closedPort() {
  const srv = createServer()
  await new Promise((ok) => srv.listen(0, '127.0.0.1', ok))
  const p = srv.address().port
  await new Promise((ok) => srv.close(ok))
  return p
}

async function screenshot(name) {
  await sleep(600)
  await s.execAsync(
    `const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done()))`,
  )
  const file = join(shots, `connection-${name}.png`)
  writeFileSync(file, await s.screenshot())
  return file
}

const text = (css) =>
  s.exec(`return document.querySelector(arguments[0])?.innerText.trim() ?? null`, css)

/** The text box of a form field (Element Plus puts `data-test` on the input itself). */
const field = (testId) =>
  `[data-test="${testId}"] input, input[data-test="${testId}"], textarea[data-test="${testId}"]`

/** Replace what a field holds, as a user would: select all, then type over it.
 * (WebDriver's clear fires no input event, so Vue would put the old value back; and
 * WebKit drops text sent in the same call as Ctrl+A on an empty field.) */
async function fill(testId, value) {
  const input = await s.find(field(testId))
  await input.click()
  await input.sendKeys(`${Keys.CONTROL}a${Keys.NULL}`)
  await input.sendKeys(String(value))
}

before(async () => {
  assert.ok(
    server,
    'BAOXIU_TEST_PG is not set: run this through scripts/desktop.sh test (it starts a throwaway PostgreSQL), ' +
      'or `source scripts/pg.sh && pg_start` first',
  )
  mkdirSync(shots, { recursive: true })
  dir = mkdtempSync(join(tmpdir(), 'baoxiu-e2e-conn-'))
  psql(`CREATE DATABASE ${database} TEMPLATE template0 ENCODING 'UTF8'`)
  pg = `${server}/${database}`
  env = {
    ...process.env,
    // The app data directory (connection.json, the local baoxiu.db) and the window's
    // saved state go to the temporary folder, never the user's own.
    XDG_DATA_HOME: join(dir, 'data'),
    XDG_CONFIG_HOME: join(dir, 'config'),
    BAOXIU_FILES_DIR: join(dir, 'files'),
    // The CLI acts for the administrator the window creates in each database.
    BAOXIU_OPERATOR: ADMIN.name,
  }
  delete env.BAOXIU_DB
  driver = await startDriver({
    port,
    nativePort: port + 1,
    env,
    log: join(shots, 'connection-app.log'),
  })
  s = await Session.create(driver.base, app)
  await signIn(s, ADMIN.name, ADMIN.password, { create: true })
})

after(async () => {
  await s?.quit()
  driver?.proc.kill('SIGTERM')
  await sleep(300)
  try {
    if (pg) psql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
    if (pg) psql(`DROP DATABASE IF EXISTS ${database2} WITH (FORCE)`)
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true })
  }
})

test('数据库连接: a wrong port is refused in Chinese, the right server is tested, saved and used', async () => {
  const { host, port: pgPort, user } = serverParts()
  assert.equal(await text('[data-test="backend"]'), '本机数据库')

  await s.go('#/master')
  await (await s.find('#tab-connection')).click()
  await s.waitFor(
    `document.querySelector('[data-test="conn-current"]')?.innerText.includes('本机数据库')`,
  )
  assert.ok(
    (await text('[data-test="conn-current"]')).includes(
      join(dir, 'data', 'com.baoxiu.desk', 'baoxiu.db'),
    ),
  )
  await (await s.find('[data-test="conn-shared"]')).click()
  await s.find(field('conn-host'))
  // No password is stored: the field is empty and does not pretend one is.
  const pw = await s.find(field('conn-password'))
  assert.equal(await pw.attr('type'), 'password')
  assert.equal(
    await s.exec(`return document.querySelector(arguments[0]).value`, field('conn-password')),
    '',
  )
  assert.equal(await pw.attr('placeholder'), '没有密码可留空')

  // A port nothing listens on: the store's Chinese refusal, naming the address.
  const wrong = await closedPort()
  await fill('conn-host', host)
  await fill('conn-port', wrong)
  await fill('conn-database', database)
  await fill('conn-user', user)
  await (await s.find('[data-test="conn-test"]')).click()
  const refused = await s.waitFor(
    `document.querySelector('[data-test="conn-result"][data-ok="false"]')?.innerText.trim()`,
    { timeout: 15000, what: 'the refusal' },
  )
  assert.equal(
    refused,
    `无法连接共享数据库“postgres://${user}@${host}:${wrong}/${database}”：连接被拒绝：服务器没有运行，或端口不对`,
  )
  await screenshot('wrong-port')
  // Saving it is refused the same way, and the desk stays on its local file.
  await (await s.find('[data-test="conn-save"]')).click()
  await s.waitFor(`document.querySelector('[data-test="conn-result"][data-ok="false"]')`, {
    timeout: 15000,
  })
  assert.equal(await text('[data-test="backend"]'), '本机数据库')
  assert.equal(existsSync(join(dir, 'data', 'com.baoxiu.desk', 'connection.json')), false)

  // The right port: 测试连接 says 连接成功.
  await fill('conn-port', pgPort)
  await (await s.find('[data-test="conn-test"]')).click()
  const ok = await s.waitFor(
    `document.querySelector('[data-test="conn-result"][data-ok="true"]')?.innerText.trim()`,
    { timeout: 15000, what: '连接成功' },
  )
  assert.ok(ok.startsWith('连接成功：共享数据库（PostgreSQL）'), ok)
  assert.ok(ok.includes(`${host}:${pgPort}/${database}`), ok)
  await screenshot('test-ok')

  // 保存并重新连接: the desk now works on the server.
  await (await s.find('[data-test="conn-save"]')).click()
  await s.waitFor(`document.querySelector('.el-message')?.innerText.includes('已保存并重新连接')`, {
    timeout: 15000,
    what: 'the saved message',
  })
  // The server's database has its own accounts (none yet): the window asks for its
  // administrator before the desk opens on it.
  await s.waitFor(`document.querySelector('[data-test="create-admin"]')`, {
    timeout: 15000,
    what: 'the new database asking for its administrator',
  })
  // The window stays on this page; the desk opens on 工作台.
  await s.go('#/')
  await signIn(s, ADMIN.name, ADMIN.password, { create: true })
  await s.go('#/master')
  await (await s.find('#tab-connection')).click()
  await s.waitFor(
    `document.querySelector('[data-test="backend"]')?.innerText.trim() === '共享数据库'`,
  )
  const current = await text('[data-test="conn-current"]')
  assert.ok(current.includes(`postgres://${user}@${host}:${pgPort}/${database}`), current)
  const saved = join(dir, 'data', 'com.baoxiu.desk', 'connection.json')
  assert.deepEqual(JSON.parse(readFileSync(saved, 'utf8')), {
    kind: 'shared',
    host,
    port: pgPort,
    database,
    user,
    password: '',
  })
  assert.equal(statSync(saved).mode & 0o777, 0o600)
  await screenshot('saved')

  // The office declares its 小区 (基础资料) before a ticket names it.
  await s.invoke('site_add', { name: '共享苑' })
  // Register a ticket in the window, by keyboard and clicks.
  await s.go('#/intake')
  await s.waitFor(`document.activeElement?.closest('[data-field="lookup"]')`, {
    what: 'focus on 来电识别',
  })
  await fill('reporter', '赵敏')
  await fill('phone', '13600001111')
  const site = await s.find(field('site'))
  await site.click()
  await site.sendKeys(`共享苑${Keys.ENTER}`)
  await fill('building', '2')
  await fill('unit', '1')
  await fill('room', '301')
  const category = await s.find(field('category'))
  await category.click()
  await category.sendKeys(`水路${Keys.ENTER}`)
  await fill('description', '卫生间水龙头滴水')
  await (await s.find('[data-test="save"]')).click()
  const number = await s.waitFor(
    `document.querySelector('[data-test="ticket-number"]')?.innerText.trim()`,
    {
      what: 'the new ticket',
    },
  )
  assert.match(number, /^BX-\d{6}-\d{4}$/)
  await screenshot('ticket-on-server')

  // The CLI, pointed at the server, lists it: it landed in PostgreSQL.
  const listed = JSON.parse(cli('--db', pg, 'ticket', 'list'))
  const tickets = Array.isArray(listed) ? listed : listed.tickets
  const t = tickets.find((x) => x.number === number)
  assert.ok(t, `ticket ${number} not in ${JSON.stringify(listed).slice(0, 300)}`)
  assert.equal(t.reporter, '赵敏')
  assert.equal(t.description, '卫生间水龙头滴水')
  // And the local file the desk started on did not get it.
  const local = JSON.parse(
    cli('--db', join(dir, 'data', 'com.baoxiu.desk', 'baoxiu.db'), 'ticket', 'list'),
  )
  assert.equal((Array.isArray(local) ? local : local.tickets).length, 0)
})

test('a shared database that cannot be reached at start offers the form, and fixing it opens the desk', async () => {
  const { host, port: pgPort, user } = serverParts()
  const wrong = await closedPort()
  const data = join(dir, 'broken-start')
  mkdirSync(join(data, 'com.baoxiu.desk'), { recursive: true })
  writeFileSync(
    join(data, 'com.baoxiu.desk', 'connection.json'),
    JSON.stringify({
      kind: 'shared',
      host,
      port: wrong,
      database,
      user,
      password: 'kept-secret',
    }),
    { mode: 0o600 },
  )
  const env2 = { ...env, XDG_DATA_HOME: data }
  const driver2 = await startDriver({
    port: port + 2,
    nativePort: port + 3,
    env: env2,
    log: join(shots, 'connection-app2.log'),
  })
  const s2 = await Session.create(driver2.base, app)
  try {
    const reason = await s2.waitFor(
      `document.querySelector('[data-test="open-error"]')?.innerText`,
      {
        timeout: 20000,
        what: 'the cannot-open screen',
      },
    )
    assert.ok(reason.includes('无法打开数据库'), reason)
    assert.ok(reason.includes(`postgres://${user}:***@${host}:${wrong}/${database}`), reason)
    assert.ok(reason.includes('连接被拒绝'), reason)
    assert.ok(!reason.includes('kept-secret'), reason)
    // The form is there, filled from the saved choice, the password not shown.
    const pw = await s2.find(field('conn-password'))
    assert.equal(await pw.attr('placeholder'), '已保存，留空不变')
    assert.equal(
      await s2.exec(`return document.querySelector(arguments[0]).value`, field('conn-password')),
      '',
    )
    const portInput = await s2.find(field('conn-port'))
    await portInput.click()
    await portInput.sendKeys(`${Keys.CONTROL}a${Keys.NULL}`)
    await portInput.sendKeys(String(pgPort))
    await sleep(200)
    writeFileSync(join(shots, 'connection-cannot-open.png'), await s2.screenshot())
    await (await s2.find('[data-test="conn-save"]')).click()
    // That database has the administrator the first test created: 登录, then the desk.
    await signIn(s2, ADMIN.name, ADMIN.password)
    await s2.waitFor(
      `document.querySelector('[data-test="backend"]')?.innerText.trim() === '共享数据库'`,
    )
    // The stored password was kept (the form sent none).
    const saved = JSON.parse(readFileSync(join(data, 'com.baoxiu.desk', 'connection.json'), 'utf8'))
    assert.equal(saved.password, 'kept-secret')
    assert.equal(saved.port, pgPort)
    await sleep(600)
    writeFileSync(join(shots, 'connection-fixed-at-start.png'), await s2.screenshot())
    // The page never got the password back.
    const info = await s2.invoke('app_info')
    assert.ok(!JSON.stringify(info).includes('kept-secret'), JSON.stringify(info))
    const view = await s2.invoke('connection_get')
    assert.ok(!JSON.stringify(view).includes('kept-secret'), JSON.stringify(view))
    assert.equal(view.has_password, true)
  } finally {
    await s2.quit()
    driver2.proc.kill('SIGTERM')
  }
  // Nor did the office log or what the app printed.
  const logs = join(data, 'com.baoxiu.desk', 'logs')
  const written = [join(shots, 'connection-app2.log')]
  if (existsSync(logs)) written.push(...readdirSync(logs).map((f) => join(logs, f)))
  assert.ok(written.length > 1, `no office log in ${logs}`)
  for (const f of written) {
    assert.ok(!readFileSync(f, 'utf8').includes('kept-secret'), `${f} shows the password`)
  }
})

test('after switching to another server database, its changes reach the window and the old one is let go', async () => {
  // The first test left the desk on `database`, signed in as the administrator.
  psql(`CREATE DATABASE ${database2} TEMPLATE template0 ENCODING 'UTF8'`)
  const connectedTo = (name) =>
    Number(
      execFileSync(
        'psql',
        [
          '-X',
          '-qAt',
          `${server}/postgres`,
          '-c',
          `SELECT count(*) FROM pg_stat_activity WHERE datname = '${name}'`,
        ],
        { encoding: 'utf8' },
      ).trim(),
    )
  await s.go('#/master')
  await (await s.find('#tab-connection')).click()
  await s.waitFor(
    `document.querySelector('[data-test="conn-current"]')?.innerText.includes('/${database}')`,
  )
  await fill('conn-database', database2)
  await (await s.find('[data-test="conn-save"]')).click()
  await s.waitFor(`document.querySelector('[data-test="create-admin"]')`, {
    timeout: 15000,
    what: 'the second database asking for its administrator',
  })
  // The window stays on this page; the desk opens on 工作台.
  await s.go('#/')
  await signIn(s, ADMIN.name, ADMIN.password, { create: true })

  // Nothing of this window stays connected to the database it left: the store, the
  // live-desk listener and the overdue watcher all follow the switch.
  const until = Date.now() + 5000
  while (connectedTo(database) > 0 && Date.now() < until) await sleep(200)
  assert.equal(connectedTo(database), 0, `the window still holds ${database}`)

  // A colleague registers a ticket on the new database: it appears in the open list
  // within 2 s, no 刷新.
  await s.go('#/tickets')
  await s.waitFor(
    `document.querySelector('[data-test="list-total"]')?.innerText.startsWith('共 0 张')`,
  )
  // The listener connects in the background: give it a moment to be there.
  await sleep(1500)
  const draft = {
    reporter: '钱芳',
    phone: '13700002222',
    site: '共享苑',
    building: '5',
    unit: '1',
    room: '802',
    category: '电路',
    description: '客厅插座没电',
  }
  cli('--db', `${server}/${database2}`, 'site', 'add', '共享苑')
  const t = JSON.parse(
    cli({ input: JSON.stringify(draft) }, '--db', `${server}/${database2}`, 'ticket', 'new'),
  )
  await s.waitFor(
    `document.querySelector('[data-test="ticket-table"]')?.innerText.includes(${JSON.stringify(t.number)})`,
    { timeout: 2000, what: `${t.number} in the list within 2 s` },
  )
  await screenshot('switched-live')
  // One registered on the database it left does not reach the window.
  const old = JSON.parse(cli({ input: JSON.stringify(draft) }, '--db', pg, 'ticket', 'new'))
  await sleep(2500)
  assert.equal(
    await s.exec(
      `return document.querySelector('[data-test="ticket-table"]')?.innerText.includes(arguments[0])`,
      old.number,
    ),
    false,
  )
  assert.equal(connectedTo(database), 0)
})

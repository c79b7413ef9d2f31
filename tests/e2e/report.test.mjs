// End-to-end: 月度报表 and 导入 in the real 报修台 window (Xvfb + tauri-driver), on a fresh
// demo database seeded by the CLI. The page's KPIs must be exactly what
// `baoxiu report --month M --json` prints; the ledger fixture is previewed and imported.
//
//   node --test tests/e2e/report.test.mjs   (DISPLAY set; APP=path/to/baoxiu-desk;
//                                             CLI=path/to/baoxiu, default beside APP,
//                                             else `cargo run --bin baoxiu`)
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Session, startDriver } from './webdriver.mjs'
import { signIn } from './signin.mjs'

const root = resolve(import.meta.dirname, '../..')
const app = resolve(process.env.APP ?? join(root, 'target/debug/baoxiu-desk'))
const shots = resolve(process.env.E2E_SHOTS ?? join(root, 'tests/e2e/screenshots'))
// Not the desk suite's ports, so the two files never meet.
const port = Number(process.env.E2E_REPORT_PORT ?? 4454)
const fixtures = resolve(process.env.FIXTURES ?? join(root, 'tests/fixtures'))

let driver
let s
let dir
let env
/** The file dialogs' stand-in (BAOXIU_E2E_PICKS): the next dialog answers this file's text. */
let picks

function cli(...args) {
  const bin = process.env.CLI ?? join(dirname(app), 'baoxiu')
  const opts = { env, cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 }
  const out = existsSync(bin)
    ? execFileSync(bin, args, opts)
    : execFileSync('cargo', ['run', '-q', '--bin', 'baoxiu', '--', ...args], opts)
  return out
}

async function screenshot(name) {
  await sleep(600)
  await s.execAsync(
    `const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done()))`,
  )
  const file = join(shots, `report-${name}.png`)
  writeFileSync(file, await s.screenshot())
  return file
}

const kpi = (key) =>
  s.exec(
    `return document.querySelector('[data-kpi="' + arguments[0] + '"] [data-test="kpi-value"]')?.innerText.trim() ?? null`,
    key,
  )

before(async () => {
  mkdirSync(shots, { recursive: true })
  dir = mkdtempSync(join(tmpdir(), 'baoxiu-e2e-report-'))
  picks = join(dir, 'next-pick')
  env = { ...process.env, BAOXIU_DB: join(dir, 'baoxiu.db'), BAOXIU_E2E_PICKS: picks }
  // A believable office with 90 days of tickets through the real workflow.
  cli('seed', '--demo')
  driver = await startDriver({ port, nativePort: port + 1, env })
  s = await Session.create(driver.base, app)
  // The demo office's 管理员 (README: every demo account's password is demo1234).
  await signIn(s, '管理员', 'demo1234')
})

after(async () => {
  await s?.quit()
  driver?.proc.kill('SIGTERM')
  await sleep(300)
  if (dir) rmSync(dir, { recursive: true, force: true })
})

test('月度报表 shows the numbers `baoxiu report --json` prints, with charts drawn', async () => {
  await (await s.find('[data-test="nav-report"]')).click()
  await s.waitFor(`document.querySelector('[data-kpi="received"] [data-test="kpi-value"]')`, {
    timeout: 15000,
  })
  const month = await s.invoke('report_current_month')
  const want = JSON.parse(cli('report', '--month', month, '--json', '--by', '管理员'))
  assert.ok(want.received > 0, 'the demo month has tickets')

  for (const key of ['received', 'completed', 'closed', 'cancelled', 'open_at_month_end']) {
    assert.equal(await kpi(key), String(want[key]), key)
  }
  const pct = (r) => (r === null ? '—' : `${(r * 100).toFixed(2)}%`)
  assert.equal(await kpi('on_time_rate'), pct(want.on_time_rate))
  assert.equal(await kpi('visit_rate'), pct(want.visit_rate))
  assert.equal(await kpi('materials_fen'), (want.materials_fen.total / 100).toFixed(2))

  // Three charts, each a canvas ECharts has drawn on (some non-white pixels).
  await s.waitFor(`document.querySelectorAll('[data-test^="chart-"] canvas').length === 3`)
  const drawn = await s.exec(`
    return [...document.querySelectorAll('[data-test^="chart-"] canvas')].map((c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data
      let ink = 0
      for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && (d[i] < 200 || d[i + 1] < 200)) ink++
      return ink
    })`)
  assert.ok(
    drawn.every((n) => n > 500),
    `charts drawn: ${drawn}`,
  )
  const techs = await s.exec(
    `return document.querySelector('[data-test="table-technician"]')?.textContent ?? ''`,
  )
  for (const t of want.by_technician) assert.ok(techs.includes(t.label), t.label)
  await screenshot('month')

  // 导出CSV with phones masked. The save dialog is the window's Rust side (not drivable
  // through WebDriver): the test environment answers it with a name typed without the
  // extension.
  const out = join(dir, `月报-${month}`)
  await (await s.find('[data-test="mask-phones"]')).click()
  writeFileSync(picks, out)
  await (await s.find('[data-test="export-csv"]')).click()
  await s.waitFor(`document.querySelector('[data-test="export-result"]')`, { timeout: 15000 })
  const shown = await s.exec(`return document.querySelector('[data-test="export-result"]').innerText`)
  assert.ok(shown.includes(`${out}.csv`), shown)
  const csv = readFileSync(`${out}.csv`, 'utf8')
  assert.equal(csv.charCodeAt(0), 0xfeff, 'UTF-8 BOM')
  assert.doesNotMatch(csv, /(?<![\d*])1[3-9]\d{9}(?!\d)/, 'phones masked')
  await s.exec(`window.scrollTo(0, 0); document.querySelector('.main')?.scrollTo(0, 10000)`)
  await screenshot('month-tables')
})

test('导入 previews the GBK ledger and imports it', async () => {
  // The export's message fades out over the menu first.
  await s.waitFor(`!document.querySelector('.el-message')`, { timeout: 10000 })
  await (await s.find('[data-test="nav-import"]')).click()
  await s.find('[data-test="pick-file"]')
  await screenshot('import-empty')

  const file = join(fixtures, '住户名单-枫林湾-GBK.csv')
  assert.ok(existsSync(file), `fixture ${file}`)
  const want = JSON.parse(cli('import', file, '--dry-run'))
  // The picker is the window's Rust side (not drivable): the test environment answers it.
  writeFileSync(picks, file)
  await (await s.find('[data-test="pick-file"]')).click()
  await s.waitFor(`document.querySelector('[data-count="rows_ok"]')`, {
    timeout: 15000,
  })
  const count = (k) =>
    s.exec(
      `return document.querySelector('[data-count="' + arguments[0] + '"]').innerText.trim()`,
      k,
    )
  assert.equal(await count('rows_ok'), String(want.rows_ok))
  assert.equal(await count('problems'), String(want.problems.length))
  assert.equal(
    await s.exec(`return document.querySelector('[data-test="import-source"]').innerText.trim()`),
    `CSV，编码 ${want.encoding}`,
  )
  await screenshot('import-preview')

  await (await s.find('[data-test="import-commit"]')).click()
  await s.waitFor(`document.querySelector('[data-test="import-result"]')`, {
    timeout: 15000,
  })
  const result = await s.exec(
    `return document.querySelector('[data-test="import-result"]').innerText`,
  )
  assert.ok(result.includes(`导入 ${want.rows_ok} 行`), result)
  await screenshot('import-done')
  // Imported for real: a second preview finds nothing new.
  const again = JSON.parse(cli('import', file, '--dry-run'))
  assert.equal(again.units_new, 0)
  assert.equal(again.contacts_new, 0)
})

test("导入 lists an XLSX ledger's problem rows with their row numbers and reasons", async () => {
  const file = join(fixtures, '房屋台账-翠湖苑.xlsx')
  assert.ok(existsSync(file), `fixture ${file}`)
  const want = JSON.parse(cli('import', file, '--dry-run'))
  assert.ok(want.problems.length > 0, 'the fixture has bad rows')
  writeFileSync(picks, file)
  await (await s.find('[data-test="pick-file"]')).click()
  await s.waitFor(`document.querySelector('[data-test="import-problems"]')`, {
    timeout: 15000,
  })
  const rows = await s.exec(`
    return [...document.querySelectorAll('[data-test="import-problems"] tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => td.innerText.trim()))`)
  assert.deepEqual(
    rows,
    want.problems.map((p) => [String(p.row), p.reason]),
  )
  assert.equal(
    await s.exec(
      `return document.querySelector('[data-test="import-header-row"]').innerText.trim()`,
    ),
    `第 ${want.header_row} 行`,
  )
  await screenshot('import-xlsx-problems')
})

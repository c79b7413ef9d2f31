// Launch time and idle memory of 报修台 against a floor (a bare Tauri window showing a
// static page, benches/floor-window), both release builds, in the same run under Xvfb.
// Not a test: numbers for the notes and issue 12's budgets. Run by scripts/bench-app.sh:
//
//   APP=… FLOOR=… BAOXIU_DB=copy-of-1M.db USER_NAME=… USER_PASSWORD=… RUNS=5 \
//     xvfb-run -a -s "-screen 0 1400x900x24" node tests/e2e/bench-app.mjs
//
// Launch: from the process's start (/proc/PID/stat, 10 ms ticks) to the page's own
// performance mark set two animation frames after the content is on screen, so WebDriver
// round trips do not count. The floor marks `floor-painted`. The app has a sign-in
// screen (the database has accounts, as an office's does); its time is
//   start → sign-in screen painted   (signin-painted)
// + sign-in submitted → 工作台 painted (signin-submit → dashboard-painted)
// + 工单 opened → list painted with rows (nav → tickets-painted),
// leaving out only the time a person (here WebDriver) takes to type and click.
// Memory: 5 s after painted, summed over the process and its children (WebKitWebProcess,
// WebKitNetworkProcess): Pss from smaps_rollup (shared library pages split between the
// processes that map them, so they are not counted twice) and VmRSS for reference.
import { execFileSync } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { Session, startDriver } from './webdriver.mjs'
import { signIn } from './signin.mjs'

const APP = process.env.APP
const FLOOR = process.env.FLOOR
const RUNS = Number(process.env.RUNS ?? 5)
const IDLE_MS = Number(process.env.IDLE_MS ?? 5000)
const port = Number(process.env.E2E_BENCH_PORT ?? 4494)
const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim())
const btimeMs = Number(readFileSync('/proc/stat', 'utf8').match(/^btime (\d+)/m)[1]) * 1000

function stat(pid) {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ')
  return { ppid: Number(f[1]), startTicks: Number(f[19]) }
}

function startedAtMs(pid) {
  return btimeMs + (stat(pid).startTicks * 1000) / ticksPerSecond
}

function kb(pid, file, key) {
  try {
    const m = readFileSync(`/proc/${pid}/${file}`, 'utf8').match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'))
    return m ? Number(m[1]) : 0
  } catch {
    return 0
  }
}

function comm(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim()
  } catch {
    return '?'
  }
}

/** The process and all its descendants. */
function tree(root) {
  const all = []
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      all.push({ pid: Number(p), ppid: stat(p).ppid })
    } catch {
      // exited meanwhile
    }
  }
  const out = [root]
  for (let i = 0; i < out.length; i++) out.push(...all.filter((p) => p.ppid === out[i]).map((p) => p.pid))
  return out
}

function memory(root) {
  const procs = tree(root).map((pid) => ({
    name: comm(pid),
    rss: kb(pid, 'status', 'VmRSS') / 1024,
    pss: kb(pid, 'smaps_rollup', 'Pss') / 1024,
  }))
  const sum = (k) => procs.reduce((a, p) => a + p[k], 0)
  return { procs, rss: sum('rss'), pss: sum('pss') }
}

const markAt = (name) =>
  `(() => { const m = performance.getEntriesByName(${JSON.stringify(name)}).pop(); return m ? performance.timeOrigin + m.startTime : null })()`

async function floorRun(base) {
  const s = await Session.create(base, FLOOR)
  try {
    const pid = s.appPids[0]
    const painted = await s.waitFor(markAt('floor-painted'), { timeout: 60000 })
    const launch = painted - startedAtMs(pid)
    await sleep(IDLE_MS)
    return { launch, parts: {}, mem: memory(pid) }
  } finally {
    await s.quit()
  }
}

async function appRun(base) {
  const s = await Session.create(base, APP)
  try {
    const pid = s.appPids[0]
    const screen = await s.waitFor(markAt('signin-painted'), { timeout: 60000, what: 'the sign-in screen' })
    await signIn(s, process.env.USER_NAME, process.env.USER_PASSWORD)
    const submitted = await s.exec(`return ${markAt('signin-submit')}`)
    const dashboard = await s.waitFor(markAt('dashboard-painted'), { timeout: 120000, what: '工作台 painted' })
    const nav = await s.exec(
      `performance.mark('nav'); window.location.hash = '#/tickets'; return ${markAt('nav')}`,
    )
    const list = await s.waitFor(markAt('tickets-painted'), { timeout: 120000, what: 'the ticket list painted' })
    const rows = await s.exec(
      `return document.querySelectorAll('[data-test="ticket-table"] .el-table__body tr.el-table__row').length`,
    )
    if (!(rows > 0)) throw new Error(`the ticket list painted with ${rows} rows`)
    const parts = {
      to_sign_in: screen - startedAtMs(pid),
      sign_in_to_dashboard: dashboard - submitted,
      click_to_list: list - nav,
    }
    await sleep(IDLE_MS)
    return {
      launch: parts.to_sign_in + parts.sign_in_to_dashboard + parts.click_to_list,
      parts,
      rows,
      mem: memory(pid),
    }
  } finally {
    await s.quit()
  }
}

const median = (xs) => {
  const v = [...xs].sort((a, b) => a - b)
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2
}

const driver = await startDriver({ port, nativePort: port + 1, env: process.env })
const runs = { floor: [], app: [] }
try {
  // One launch of each first, not counted: the same warm page cache for both. The app's
  // first launch of the day also makes the 每日备份 (a copy of the whole database).
  const wf = await floorRun(driver.base)
  const wa = await appRun(driver.base)
  console.error(`first launches (not counted): floor ${wf.launch.toFixed(0)} ms | app ${wa.launch.toFixed(0)} ms ${JSON.stringify(wa.parts, (k, v) => (typeof v === 'number' ? Math.round(v) : v))}`)
  for (let i = 0; i < RUNS; i++) {
    const f = await floorRun(driver.base)
    const a = await appRun(driver.base)
    runs.floor.push(f)
    runs.app.push(a)
    const p = a.parts
    console.error(
      `run ${i + 1}: floor ${f.launch.toFixed(0)} ms, Pss ${f.mem.pss.toFixed(1)} MB | app ${a.launch.toFixed(0)} ms ` +
        `(sign-in screen ${p.to_sign_in.toFixed(0)} + 工作台 ${p.sign_in_to_dashboard.toFixed(0)} + 工单 ${p.click_to_list.toFixed(0)}), ` +
        `${a.rows} rows, Pss ${a.mem.pss.toFixed(1)} MB`,
    )
  }
} finally {
  driver.proc.kill('SIGTERM')
}

const m = (kind, f) => median(runs[kind].map(f))
const table = [
  ['launch → painted (ms)', m('floor', (r) => r.launch), m('app', (r) => r.launch), 1.3],
  ['idle Pss, all processes (MB)', m('floor', (r) => r.mem.pss), m('app', (r) => r.mem.pss), 1.2],
  ['idle VmRSS summed (MB)', m('floor', (r) => r.mem.rss), m('app', (r) => r.mem.rss), null],
]
console.log(`\nmedian of ${RUNS} launches each (1M-ticket database: ${process.env.BAOXIU_DB})`)
console.log('| measure | floor | 报修台 | ratio | budget |')
console.log('|---|---|---|---|---|')
for (const [what, f, a, budget] of table) {
  const ratio = a / f
  const verdict = budget == null ? '–' : `≤ ${budget}× ${ratio <= budget ? 'met' : 'MISSED'}`
  console.log(`| ${what} | ${f.toFixed(what.includes('ms') ? 0 : 1)} | ${a.toFixed(what.includes('ms') ? 0 : 1)} | ${ratio.toFixed(2)} | ${verdict} |`)
}
const parts = (k) => m('app', (r) => r.parts[k]).toFixed(0)
console.log(
  `\n报修台 launch, medians: to the sign-in screen ${parts('to_sign_in')} ms, sign-in → 工作台 ${parts('sign_in_to_dashboard')} ms, ` +
    `工单 → list ${parts('click_to_list')} ms`,
)
const procs = (kind) =>
  runs[kind].at(-1).mem.procs.map((p) => `${p.name} ${p.pss.toFixed(1)}/${p.rss.toFixed(1)}`).join(', ')
console.log(`processes (last run, Pss/RSS MB): floor: ${procs('floor')}; 报修台: ${procs('app')}`)

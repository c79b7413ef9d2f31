// Measurements for the notes (not a test): launch → ticket list painted, and the idle
// memory of the app and its WebKit processes. Run under Xvfb:
//   BAOXIU_DB=/path/to.db APP=target/release/baoxiu-desk xvfb-run -a node tests/e2e/measure.mjs
import { readFileSync, readdirSync, readlinkSync } from 'node:fs'
import { resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Session, startDriver } from './webdriver.mjs'

const app = resolve(process.env.APP ?? 'target/debug/baoxiu-desk')
const port = Number(process.env.E2E_PORT ?? 4800)

function processes() {
  const all = []
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      let exe = ''
      try {
        exe = readlinkSync(`/proc/${p}/exe`)
      } catch {
        // kernel thread or gone
      }
      all.push({ pid: Number(p), ppid, exe })
    } catch {
      // exited meanwhile
    }
  }
  return all
}

function kb(pid, file, key) {
  try {
    const m = readFileSync(`/proc/${pid}/${file}`, 'utf8').match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'))
    return m ? Number(m[1]) : 0
  } catch {
    return 0
  }
}

function memory() {
  const ps = processes()
  const root = ps.find((p) => p.exe === app)
  if (!root) return null
  const tree = [root]
  for (let i = 0; i < tree.length; i++) tree.push(...ps.filter((p) => p.ppid === tree[i].pid))
  return tree.map((p) => ({
    name: p.exe.split('/').pop(),
    rss_mb: +(kb(p.pid, 'status', 'VmRSS') / 1024).toFixed(1),
    pss_mb: +(kb(p.pid, 'smaps_rollup', 'Pss') / 1024).toFixed(1),
  }))
}

/** When the app process was started, as epoch ms (from /proc, 10 ms resolution). */
function processStartEpochMs() {
  const root = processes().find((p) => p.exe === app)
  const stat = readFileSync(`/proc/${root.pid}/stat`, 'utf8')
  const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19])
  const btime = Number(readFileSync('/proc/stat', 'utf8').match(/^btime (\d+)/m)[1])
  return btime * 1000 + (ticks * 1000) / 100
}

const mark = (s, name) =>
  s.exec(`const m = performance.getEntriesByName(arguments[0]).pop(); return m ? performance.timeOrigin + m.startTime : null`, name)

const driver = await startDriver({ port, nativePort: port + 1, env: process.env })
try {
  const s = await Session.create(driver.base, app)
  const launched = processStartEpochMs()
  // Marks are set by the UI itself two frames after the data is on screen, so the
  // WebDriver round trips (~0.5 s each here) do not count.
  const dashboard = await s.waitFor(
    `(() => { const m = performance.getEntriesByName('dashboard-painted')[0]; return m && performance.timeOrigin + m.startTime })()`,
    { timeout: 60000 },
  )
  const nav = await s.exec(`performance.mark('nav'); window.location.hash = '#/tickets'; return performance.timeOrigin + performance.getEntriesByName('nav')[0].startTime`)
  const list = await s.waitFor(
    `(() => { const m = performance.getEntriesByName('tickets-painted').pop(); return m && performance.timeOrigin + m.startTime })()`,
    { timeout: 60000 },
  )
  const total = await s.exec(`return document.querySelector('[data-test="list-total"]').innerText`)
  await sleep(15000)
  const mem = memory()
  const sum = (k) => +mem.reduce((a, p) => a + p[k], 0).toFixed(1)
  console.log(JSON.stringify({
    db: process.env.BAOXIU_DB,
    app,
    launch_to_dashboard_painted_ms: Math.round(dashboard - launched),
    ticket_list_painted_after_click_ms: Math.round(list - nav),
    launch_to_ticket_list_ms: Math.round(dashboard - launched + (list - nav)),
    list: total,
    idle_processes: mem,
    idle_rss_mb_total: sum('rss_mb'),
    idle_pss_mb_total: sum('pss_mb'),
  }, null, 2))
  await s.quit()
} finally {
  driver.proc.kill('SIGTERM')
}

// A minimal W3C WebDriver client over fetch (Node 20), enough to drive the real
// 报修台 window through tauri-driver + WebKitWebDriver. No npm dependencies.
import { spawn } from 'node:child_process'
import { openSync, readFileSync, readdirSync, readlinkSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf'
export const Keys = { ENTER: '\uE007', CONTROL: '\uE009', NULL: '\uE000', TAB: '\uE004', ESCAPE: '\uE00C' }

export class WebDriverError extends Error {}

/** Pids of running processes whose executable is `exe`. */
function pidsOf(exe) {
  const out = []
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue
    try {
      if (readlinkSync(`/proc/${p}/exe`) === exe) out.push(Number(p))
    } catch {
      // gone, or not ours to read
    }
  }
  return out
}

const alive = (pid) => {
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ')
  } catch {
    return false
  }
}

/**
 * Start tauri-driver. Its output (and the app's, which inherits it) goes to `log`, not
 * to the test runner's pipes: an app outliving its driver must not keep the runner
 * waiting for end-of-file.
 */
export async function startDriver({ port, nativePort, env, log }) {
  const out = log ? openSync(log, 'a') : 'ignore'
  const proc = spawn('tauri-driver', ['--port', String(port), '--native-port', String(nativePort)], {
    env,
    stdio: ['ignore', out, out],
  })
  const base = `http://127.0.0.1:${port}`
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`${base}/status`)
      if (r.ok) return { proc, base }
    } catch {
      // not listening yet
    }
    await sleep(100)
  }
  proc.kill('SIGTERM')
  throw new Error(`tauri-driver did not start on port ${port}`)
}

export class Session {
  constructor(base, id) {
    this.base = base
    this.id = id
  }

  static async create(base, application) {
    const before = new Set(pidsOf(application))
    const r = await call(base, 'POST', '/session', {
      capabilities: { alwaysMatch: { 'tauri:options': { application } } },
    })
    const s = new Session(base, r.sessionId)
    // The app this session launched, so quit() can make sure it is gone.
    s.appPids = pidsOf(application).filter((p) => !before.has(p))
    return s
  }

  cmd(method, path, body) {
    return call(this.base, method, `/session/${this.id}${path}`, body)
  }

  /** End the session and make sure the app it launched has exited. */
  async quit() {
    try {
      await call(this.base, 'DELETE', `/session/${this.id}`)
    } catch {
      // the app may already be gone
    }
    for (const [signal, wait] of [[null, 5000], ['SIGTERM', 3000], ['SIGKILL', 1000]]) {
      const left = (this.appPids ?? []).filter(alive)
      if (left.length === 0) return
      if (signal) for (const pid of left) process.kill(pid, signal)
      const until = Date.now() + wait
      while (Date.now() < until && (this.appPids ?? []).some(alive)) await sleep(100)
    }
  }

  exec(script, ...args) {
    return this.cmd('POST', '/execute/sync', { script, args })
  }

  execAsync(script, ...args) {
    return this.cmd('POST', '/execute/async', { script, args })
  }

  /** Call one of the app's commands from the page, as the UI does. */
  async invoke(command, args = {}) {
    const r = await this.execAsync(
      `const done = arguments[arguments.length - 1];
       window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])
         .then((v) => done({ ok: v }), (e) => done({ err: e }));`,
      command,
      args,
    )
    if (r && 'err' in r) throw new WebDriverError(`${command}: ${JSON.stringify(r.err)}`)
    return r?.ok
  }

  async find(css, { timeout = 8000 } = {}) {
    const until = Date.now() + timeout
    let last
    while (Date.now() < until) {
      try {
        const r = await this.cmd('POST', '/element', { using: 'css selector', value: css })
        return new Element(this, r[ELEMENT])
      } catch (e) {
        last = e
      }
      await sleep(100)
    }
    throw new WebDriverError(`no element ${css}: ${last?.message}`)
  }

  async findAll(css) {
    const r = await this.cmd('POST', '/elements', { using: 'css selector', value: css })
    return r.map((e) => new Element(this, e[ELEMENT]))
  }

  /** Wait until `fn` (a page-side expression) is truthy; returns its value. */
  async waitFor(expr, { timeout = 8000, what = expr } = {}) {
    const until = Date.now() + timeout
    let v
    while (Date.now() < until) {
      v = await this.exec(`return (${expr});`)
      if (v) return v
      await sleep(100)
    }
    throw new WebDriverError(`timed out waiting for ${what} (last: ${JSON.stringify(v)})`)
  }

  async active() {
    const r = await this.cmd('GET', '/element/active')
    return new Element(this, r[ELEMENT])
  }

  /** Type into whatever has the keyboard focus: the user's keyboard, no clicking. */
  async type(text) {
    const el = await this.active()
    await el.sendKeys(text)
  }

  async screenshot() {
    return Buffer.from(await this.cmd('GET', '/screenshot'), 'base64')
  }

  async alertText() {
    try {
      return await this.cmd('GET', '/alert/text')
    } catch {
      return null
    }
  }

  async go(hash) {
    await this.exec(`window.location.hash = arguments[0]`, hash)
  }
}

export class Element {
  constructor(session, id) {
    this.s = session
    this.id = id
  }
  /** Click like a user; waits while a closing dialog or a toast still covers it. */
  async click({ timeout = 5000 } = {}) {
    const until = Date.now() + timeout
    for (;;) {
      try {
        return await this.s.cmd('POST', `/element/${this.id}/click`, {})
      } catch (e) {
        if (!String(e.message).includes('intercepted') || Date.now() > until) throw e
        await sleep(150)
      }
    }
  }
  sendKeys(text) {
    return this.s.cmd('POST', `/element/${this.id}/value`, { text })
  }
  clear() {
    return this.s.cmd('POST', `/element/${this.id}/clear`, {})
  }
  text() {
    return this.s.cmd('GET', `/element/${this.id}/text`)
  }
  enabled() {
    return this.s.cmd('GET', `/element/${this.id}/enabled`)
  }
  attr(name) {
    return this.s.cmd('GET', `/element/${this.id}/attribute/${name}`)
  }
}

async function call(base, method, path, body) {
  const r = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const json = await r.json().catch(() => ({}))
  if (!r.ok || json?.value?.error) {
    throw new WebDriverError(`${method} ${path}: ${JSON.stringify(json?.value ?? json).slice(0, 500)}`)
  }
  return json.value
}

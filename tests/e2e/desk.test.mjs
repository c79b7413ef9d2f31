// End-to-end: the real 报修台 binary under Xvfb, driven through tauri-driver +
// WebKitWebDriver, on a fresh temporary database. Each test saves a screenshot of the
// window into $E2E_SHOTS (default tests/e2e/screenshots/).
//
//   node --test tests/e2e/desk.test.mjs     (DISPLAY set; APP=path/to/baoxiu-desk)
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { deflateSync } from 'node:zlib'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Keys, Session, startDriver } from './webdriver.mjs'
import { signIn } from './signin.mjs'

const root = resolve(import.meta.dirname, '../..')
const app = resolve(process.env.APP ?? join(root, 'target/debug/baoxiu-desk'))
const shots = resolve(process.env.E2E_SHOTS ?? join(root, 'tests/e2e/screenshots'))
const port = Number(process.env.E2E_PORT ?? 4444)

let driver
let s
let dir
/** The file dialogs' stand-in (BAOXIU_E2E_PICKS): the next dialog answers this file's text. */
let picks
let shot = 0

async function screenshot(name) {
  // Let transitions (dialogs fade in 300 ms) finish and WebKit paint the last change.
  await sleep(600)
  await s.execAsync(`const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done()))`)
  shot += 1
  const file = join(shots, `${String(shot).padStart(2, '0')}-${name}.png`)
  writeFileSync(file, await s.screenshot())
  return file
}

const text = (css) => s.exec(`return document.querySelector(arguments[0])?.innerText.trim() ?? null`, css)
const status = () => text('[data-test="ticket-status"]')
const historyCount = () =>
  s.exec(`return document.querySelectorAll('[data-test="history"] .el-timeline-item').length`)

/** A ticket made through the core, as a colleague at another desk would have. */
function newTicket(draft) {
  return s.invoke('create_ticket', {
    draft: {
      reporter: '王秀英',
      phone: '13812348000',
      site: '翠湖苑',
      building: '3',
      unit: '2',
      room: '501',
      category: '水路',
      description: '厨房水管漏水，地面有积水',
      ...draft,
    },
    operator: '测试',
  })
}

async function openTicket(number) {
  await s.go(`#/tickets/${number}`)
  await s.waitFor(`document.querySelector('[data-test="ticket-number"]')?.innerText.trim() === ${JSON.stringify(number)}`)
}

/** No dialog is open or still closing (its overlay would take the next click). */
const noDialog = () =>
  s.waitFor(
    `![...document.querySelectorAll('.el-overlay')].some((o) => getComputedStyle(o).display !== 'none')`,
    { what: 'the previous dialog to close' },
  )

async function step(action, fill = async () => {}) {
  await noDialog()
  const button = await s.find(`[data-test="action-${action}"]`)
  assert.equal(await button.enabled(), true, `${action} should be enabled`)
  await button.click()
  await s.waitFor(`document.querySelector('[data-test="step-submit"]')?.offsetParent !== null`)
  await fill()
  await (await s.find('[data-test="step-submit"]')).click()
}

/** Wait for the ticket's status; on failure, a screenshot and the dialog's message. */
async function expectStatus(want) {
  try {
    await s.waitFor(`document.querySelector('[data-test="ticket-status"]')?.innerText.trim() === ${JSON.stringify(want)}`)
  } catch (e) {
    await screenshot(`not-${want}`)
    const err = await text('[data-test="step-error"]')
    throw new Error(`status is ${await status()}, not ${want}${err ? `: ${err}` : ''} (${e.message})`)
  }
}

async function typeInto(css, value) {
  const input = await s.find(`${css} input, ${css} textarea, input${css}, textarea${css}`)
  await input.click()
  await input.sendKeys(value)
}

before(async () => {
  mkdirSync(shots, { recursive: true })
  dir = mkdtempSync(join(tmpdir(), 'baoxiu-e2e-'))
  picks = join(dir, 'next-pick')
  const env = { ...process.env, BAOXIU_DB: join(dir, 'baoxiu.db'), BAOXIU_E2E_PICKS: picks }
  driver = await startDriver({ port, nativePort: port + 1, env, log: join(shots, 'desk-app.log') })
  s = await Session.create(driver.base, app)
  // A new office: the window asks for its administrator first.
  await s.waitFor(`document.querySelector('[data-test="create-admin"]')`, { timeout: 20000 })
  await screenshot('new-office-asks-for-its-administrator')
  await signIn(s, '王管理', 'e2e-admin-1', { create: true })
  await screenshot('signed-in-as-the-new-administrator')
  // The office's master data, through the app's own commands: its 小区 first.
  await s.invoke('site_add', { name: '翠湖苑' })
  await s.invoke('save_contact', {
    site: '翠湖苑', building: '3', unit: '2', room: '501', name: '王秀英', phones: ['13812348000'],
  })
  await s.invoke('save_contact', {
    site: '翠湖苑', building: '5', unit: '1', room: '302', name: '李建国', phones: ['13956781234'],
  })
  await s.invoke('save_technician', {
    draft: { name: '张师傅', phone: '13700001111', skills: ['水路', '电路'], team: '水电组', daily_capacity: 6 },
  })
  await s.invoke('save_technician', {
    draft: { name: '刘师傅', phone: '13700002222', skills: ['水路'], team: '水电组', daily_capacity: 1 },
  })
  // 刘师傅 is at capacity with one open ticket, so 张师傅 is the suggestion.
  const busy = await newTicket({ room: '101', building: '1', unit: '1', reporter: '赵敏', phone: '13600001111' })
  await s.invoke('apply_step', {
    number: busy.number, step: { action: 'assign', args: { technician: '刘师傅' } }, at: null, operator: '测试',
  })
})

after(async () => {
  await s?.quit()
  driver?.proc.kill('SIGTERM')
  await sleep(300)
  if (dir) rmSync(dir, { recursive: true, force: true })
})

test('register a phone repair for a known caller by keyboard only', async () => {
  await s.go('#/intake')
  await s.waitFor(`document.activeElement?.closest('[data-field="lookup"]')`, { what: 'focus on 来电识别' })
  // 1: the caller's last 4 digits and Enter fill reporter, phone and room.
  await s.type(`1234${Keys.ENTER}`)
  await s.waitFor(`document.querySelector('[data-test="lookup-note"]')?.innerText.includes('李建国')`)
  await s.waitFor(`document.activeElement?.closest('[data-field="category"]')`, { what: 'focus on 报修类别' })
  // 2: the category, picked by typing it and Enter; focus moves on to the description.
  await s.type(`电路${Keys.ENTER}`)
  await s.waitFor(`document.activeElement?.closest('[data-field="description"]')`, { what: 'focus on 故障描述' })
  // 3: the description.
  await s.type('客厅插座跳闸，没有电')
  await screenshot('intake-filled-by-keyboard')
  // 4: Ctrl+P saves and prints the 维修单.
  await s.type(`${Keys.CONTROL}p${Keys.NULL}`)
  const number = await s.waitFor(
    `document.querySelector('[data-test="ticket-number"]')?.innerText.trim()`, { what: 'the new ticket' })
  assert.match(number, /^BX-\d{6}-\d{4}$/)
  assert.equal(await status(), '待派单')
  const t = await s.invoke('ticket_detail', { number })
  assert.equal(t.ticket.reporter, '李建国')
  assert.equal(t.ticket.phone, '13956781234')
  assert.equal(t.ticket.room, '302')
  assert.equal(t.ticket.category, '电路')
  assert.equal(t.ticket.channel, 'phone')
  // The slip was rendered and the print recorded by the core.
  await s.waitFor(`document.querySelector('[data-test="ticket-detail"]')?.innerText.includes('已打印 1 次')`,
    { what: 'the print recorded' })
  assert.ok(t.history.some((e) => e.action === 'printed') || (await s.invoke('ticket_detail', { number })).history.some((e) => e.action === 'printed'))
  await screenshot('intake-saved')
})

test('the duplicate warning shows before saving', async () => {
  const first = await newTicket({ description: '卫生间地漏堵塞返水' })
  await s.go('#/intake')
  await s.waitFor(`document.activeElement?.closest('[data-field="lookup"]')`)
  await s.type(`8000${Keys.ENTER}`)
  await s.waitFor(`document.activeElement?.closest('[data-field="category"]')`)
  await s.type(`水路${Keys.ENTER}`)
  const warning = await s.waitFor(
    `document.querySelector('[data-test="duplicate-warning"]')?.innerText`, { what: 'the duplicate warning' })
  assert.ok(warning.includes(first.number), warning)
  assert.ok(warning.includes('可能重复报修'))
  await s.type('楼上漏水到我家')
  await s.type(`${Keys.CONTROL}s${Keys.NULL}`)
  const box = await s.waitFor(`document.querySelector('.el-message-box')?.innerText`, { what: 'the confirm box' })
  assert.ok(box.includes('可能是重复报修'), box)
  await screenshot('duplicate-warning')
  // 返回检查: nothing is saved.
  const before = await s.invoke('list_tickets', { filter: {} })
  await (await s.find('.el-message-box__btns .el-button:not(.el-button--primary)')).click()
  await sleep(300)
  const afterList = await s.invoke('list_tickets', { filter: {} })
  assert.equal(afterList.total, before.total)
})

let flow
test('dispatch with the suggestion', async () => {
  flow = (await newTicket({ building: '7', unit: '1', room: '801', reporter: '陈女士', phone: '13500005555', description: '厨房水龙头漏水' })).number
  await openTicket(flow)
  await step('assign', async () => {
    const rows = await s.waitFor(`document.querySelector('[data-test="suggestions"]')?.innerText`)
    assert.ok(rows.includes('张师傅') && rows.includes('刘师傅'), rows)
    const tags = await s.exec(`return [...document.querySelectorAll('[data-test="suggestions"] .el-tag')].map((t) => t.innerText.trim())`)
    assert.deepEqual(tags, ['今日已满'], 'the capacity warning of 刘师傅')
    // The least loaded technician is preselected.
    await s.waitFor(`document.querySelector('[data-test="technician"]')?.innerText.includes('张师傅')`)
    await screenshot('dispatch-suggestion')
  })
  await s.waitFor(`document.querySelector('[data-test="ticket-status"]')?.innerText.trim() === '已派单'`)
  const t = await s.invoke('ticket_detail', { number: flow })
  assert.equal(t.ticket.assignee, '张师傅')
  await screenshot('dispatched')
})

test('hold and resume', async () => {
  await openTicket(flow)
  await step('start')
  await s.waitFor(`document.querySelector('[data-test="ticket-status"]')?.innerText.trim() === '维修中'`)
  await step('hold', () => typeInto('[data-test="reason"]', '等待业主购买配件'))
  await expectStatus('挂起')
  assert.ok((await text('[data-test="ticket-detail"]')).includes('等待业主购买配件'))
  assert.equal(await (await s.find('[data-test="action-hold"]')).enabled(), false)
  await screenshot('on-hold')
  await step('resume')
  await s.waitFor(`document.querySelector('[data-test="ticket-status"]')?.innerText.trim() === '维修中'`)
})

test('a refused action shows the Chinese message and changes nothing', async () => {
  await openTicket(flow)
  const before = await s.invoke('ticket_detail', { number: flow })
  // 完工 with no cause or measures: the core refuses.
  await step('complete')
  const msg = await s.waitFor(`document.querySelector('[data-test="step-error"]')?.innerText`, { what: 'the refusal' })
  assert.match(msg, /[\u4e00-\u9fff]/, 'a Chinese message')
  assert.ok(/故障原因|处理措施/.test(msg), msg)
  await screenshot('refused-complete')
  const afterRefusal = await s.invoke('ticket_detail', { number: flow })
  assert.deepEqual(afterRefusal, before)
  await (await s.find('.el-dialog__headerbtn')).click()
  assert.equal(await status(), '维修中')
})

test('complete from the signed slip with two materials', async () => {
  await openTicket(flow)
  await step('complete', async () => {
    await typeInto('[data-test="cause"]', '水龙头阀芯老化')
    await typeInto('[data-test="measures"]', '更换阀芯并加装生料带')
    await typeInto('[data-test="material-0"] .m-name', '陶瓷阀芯')
    await typeInto('[data-test="material-0"] .m-spec', 'DN15')
    await typeInto('[data-test="material-0"] .m-price', '35.5')
    await (await s.find('[data-test="add-material"]')).click()
    await typeInto('[data-test="material-1"] .m-name', '生料带')
    await (await s.find('[data-test="material-1"] .m-qty input')).clear()
    await typeInto('[data-test="material-1"] .m-qty', '2')
    await typeInto('[data-test="material-1"] .m-price', '3')
    await typeInto('[data-test="labour"]', '40')
    await (await s.find('[data-test="paid"]')).click()
    await typeInto('[data-test="fee"]', '50')
    await typeInto('[data-test="payment-method"]', '微信')
    await screenshot('complete-form')
  })
  await s.waitFor(`document.querySelector('[data-test="ticket-status"]')?.innerText.trim() === '待回访'`)
  const t = (await s.invoke('ticket_detail', { number: flow })).ticket
  assert.equal(t.materials.length, 2)
  assert.deepEqual(t.materials.map((m) => [m.name, m.quantity, m.unit_price_fen, m.amount_fen]), [
    ['陶瓷阀芯', 1, 3550, 3550],
    ['生料带', 2, 300, 600],
  ])
  assert.equal(t.fee_fen, 5000)
  assert.equal(t.labour_minutes, 40)
  assert.equal(t.paid, true)
  assert.equal(await text('[data-test="materials-total"]'), '材料合计：41.50 元')
  await screenshot('completed')
})

test('return visit closes the ticket', async () => {
  await openTicket(flow)
  await step('visit', async () => {
    await (await s.find('[data-test="satisfaction"] .el-radio:nth-child(2)')).click()
    await typeInto('[data-test="note"]', '业主表示满意，已不漏水')
  })
  await s.waitFor(`document.querySelector('[data-test="ticket-status"]')?.innerText.trim() === '已完结'`)
  const t = (await s.invoke('ticket_detail', { number: flow })).ticket
  assert.equal(t.satisfaction, 'satisfied')
  const allowed = await s.exec(
    `return [...document.querySelectorAll('[data-test="actions"] button')].filter((b) => !b.disabled).map((b) => b.innerText)`)
  // 更正 after completion is the 主管's (no accounts here: everyone may).
  assert.deepEqual(allowed.sort(), ['返修', '打印维修单', '编辑'].sort())
  assert.ok((await historyCount()) >= 6)
  await screenshot('closed-with-history')
})

test('search by a 2-character Chinese word', async () => {
  await newTicket({ building: '9', room: '1201', category: '电路', description: '楼道灯不亮' })
  await s.go('#/tickets')
  const box = await s.find(`input[data-test="keyword"]`)
  await box.click()
  await box.sendKeys(`漏水${Keys.ENTER}`)
  await s.waitFor(`document.querySelector('[data-test="list-total"]')?.innerText.startsWith('共 ')`)
  await sleep(500)
  const descriptions = await s.exec(
    `return [...document.querySelectorAll('[data-test="ticket-table"] .el-table__body tr')].map((r) => r.innerText)`)
  assert.ok(descriptions.length >= 2, JSON.stringify(descriptions))
  for (const d of descriptions) assert.ok(d.includes('漏水'), d)
  assert.ok(!descriptions.some((d) => d.includes('楼道灯不亮')))
  await screenshot('search-2-chars')
})

test('an XSS payload in the description shows as text', async () => {
  const payload = '<img src=x onerror=alert(1)>'
  await s.go('#/intake')
  await s.waitFor(`document.activeElement?.closest('[data-field="lookup"]')`)
  await s.type(`1234${Keys.ENTER}`)
  await s.waitFor(`document.activeElement?.closest('[data-field="category"]')`)
  await s.type(`门窗锁具${Keys.ENTER}`)
  await s.waitFor(`document.activeElement?.closest('[data-field="description"]')`)
  await s.type(payload)
  await s.type(`${Keys.CONTROL}s${Keys.NULL}`)
  await s.waitFor(`document.querySelector('[data-test="ticket-description"]')`)
  assert.equal(await text('[data-test="ticket-description"]'), payload)
  const imgs = await s.exec(`return document.querySelectorAll('[data-test="ticket-detail"] img').length`)
  assert.equal(imgs, 0)
  assert.equal(await s.alertText(), null, 'no alert() ran')
  await s.go('#/tickets')
  await s.waitFor(`document.querySelector('[data-test="ticket-table"] .el-table__body tr')`)
  await sleep(300)
  assert.equal(await s.exec(`return document.querySelectorAll('[data-test="ticket-table"] img').length`), 0)
  assert.equal(await s.alertText(), null)
  await screenshot('xss-as-text')
})

test('a scanned ticket number in the global search opens the ticket', async () => {
  await s.go('#/tickets')
  const box = await s.find('input[data-test="global-search"]')
  await box.click()
  // What a scanner types: the number in lower case with a trailing space, then Enter.
  await box.sendKeys(`${flow.toLowerCase()} ${Keys.ENTER}`)
  await s.waitFor(`document.querySelector('[data-test="ticket-number"]')?.innerText.trim() === ${JSON.stringify(flow)}`)
  assert.equal(await status(), '已完结')
})

test('a photo of the fault is attached and shown as a thumbnail', async () => {
  const photo = join(dir, '漏水照片.png')
  writeFileSync(photo, png(160, 120))
  await s.go('#/tickets')
  await openTicket(flow)
  // The file dialog is opened by the window's Rust side, which WebDriver cannot drive:
  // the test environment answers it. The page itself only says which ticket and kind.
  writeFileSync(picks, photo)
  // Nothing left open by the previous test (the global search's suggestions, a dialog)
  // may sit over the button and take the click.
  await s.exec(`document.activeElement?.blur()`)
  await noDialog()
  await s.waitFor(
    `![...document.querySelectorAll('.el-popper')].some((p) => p.offsetParent !== null && getComputedStyle(p).display !== 'none')`,
    { what: 'no open dropdown' },
  )
  await s.exec(`document.querySelector('[data-test="attach-fault_photo"]').scrollIntoView({ block: 'center' })`)
  await (await s.find('[data-test="attach-fault_photo"]')).click()
  try {
    await s.waitFor(`document.querySelector('[data-test="attachments"] img')?.complete`)
  } catch (e) {
    await screenshot('attach-failed')
    const shown = await s.exec(
      `return [document.querySelector('[data-test="attachments"]')?.innerHTML, document.querySelector('.el-message')?.innerText]`,
    )
    throw new Error(`no thumbnail: ${JSON.stringify(shown)} (${e.message})`)
  }
  assert.equal(existsSync(picks), false, 'the dialog answer was used')
  const size = await s.exec(`const i = document.querySelector('[data-test="attachments"] img'); return [i.naturalWidth, i.naturalHeight]`)
  assert.deepEqual(size, [160, 120])
  await s.waitFor(`document.querySelector('[data-test="history"]')?.innerText.includes('故障照片：漏水照片.png')`)
  const [a] = (await s.invoke('ticket_detail', { number: flow })).attachments
  assert.equal(a.kind_label, '故障照片')
  assert.equal(a.is_image, true)
  // Cancelling the dialog (no answer) adds nothing and shows no error.
  await (await s.find('[data-test="attach-signed_slip"]')).click()
  await sleep(500)
  assert.equal((await s.invoke('ticket_detail', { number: flow })).attachments.length, 1)
  assert.equal(await s.exec(`return document.querySelector('.el-message--error') !== null`), false)
  await s.exec(`document.querySelector('[data-test="attachments"]').scrollIntoView()`)
  await screenshot('attachment-thumbnail')
})

test('the page cannot name a file to read or write', async () => {
  const secret = join(dir, 'baoxiu.db')
  for (const [cmd, args] of [
    ['attach_file', { number: flow, kind: 'fault_photo', path: secret, operator: '测试' }],
    ['import_preview', { path: secret }],
    ['export_report', { month: '2026-11', path: secret, options: { mask_phones: false } }],
    ['export_write', { token: 1, month: '2026-11', options: { mask_phones: false } }],
    ['plugin:dialog|open', { options: {} }],
    ['plugin:dialog|save', { options: {} }],
  ]) {
    await assert.rejects(s.invoke(cmd, args), `${cmd} must be refused`)
  }
  assert.equal((await s.invoke('ticket_detail', { number: flow })).attachments.length, 1)
})

test('the dashboard shows counters, escalations and today', async () => {
  await s.go('#/')
  await s.waitFor(`document.querySelector('[data-test="counter-today"] .card-value')?.innerText !== '–'`)
  const today = Number(await text('[data-test="counter-today"] .card-value'))
  assert.ok(today >= 5, `today: ${today}`)
  await screenshot('dashboard')
})

test('基础资料: a new 小区 and its public locations are declared there; a ticket may not invent one', async () => {
  await s.go('#/master')
  await s.waitFor(`document.querySelector('[data-test="site-table"]')?.innerText.includes('翠湖苑')`)
  const name = await s.find('[data-test="new-site"] input, input[data-test="new-site"]')
  await name.sendKeys('枫林湾')
  await (await s.find('[data-test="add-site"]')).click()
  await s.waitFor(`document.querySelector('[data-test="site-table"]')?.innerText.includes('枫林湾')`)
  await s.invoke('site_location_add', { site: '枫林湾', name: '6栋一楼大堂' })
  await s.go('#/tickets')
  await s.go('#/master')
  await s.waitFor(`document.querySelector('[data-test="site-table"]')?.innerText.includes('6栋一楼大堂')`)
  await screenshot('master-data-sites-and-locations')
  // The core refuses a 小区 nobody declared, naming the known ones.
  await assert.rejects(
    s.invoke('create_ticket', {
      draft: { reporter: '王秀英', phone: '0571-88886666', site: '翠湖园', building: '3', unit: '2', room: '501', category: '水路', description: '漏水' },
      operator: '测试',
    }),
    /not_found.*已有小区：枫林湾、翠湖苑/,
  )
})

/** A small RGB PNG (a blue-to-orange gradient), so the test needs no image tools. */
function png(w, h) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    return c >>> 0
  })
  const crc = (buf) => {
    let c = 0xffffffff
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8)
    return (c ^ 0xffffffff) >>> 0
  }
  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length)
    out.writeUInt32BE(data.length, 0)
    out.write(type, 4, 'ascii')
    data.copy(out, 8)
    out.writeUInt32BE(crc(out.subarray(4, 8 + data.length)), 8 + data.length)
    return out
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(w, 0)
  ihdr.writeUInt32BE(h, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 2 // RGB
  const rows = Buffer.alloc((w * 3 + 1) * h)
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = y * (w * 3 + 1) + 1 + x * 3
      rows[o] = Math.round((255 * x) / w)
      rows[o + 1] = 120
      rows[o + 2] = Math.round(255 - (255 * x) / w)
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

/** A page under the 系统 menu (账号, 操作日志, 数据备份): open the menu, then the item. */
async function systemPage(item) {
  await (await s.find('[data-test="nav-system"] .el-sub-menu__title')).click()
  await s.waitFor(`document.querySelector('[data-test="${item}"]')?.offsetParent !== null`)
  await sleep(300)
  await (await s.find(`[data-test="${item}"]`)).click()
}

/** 换班 from the user menu (its items fade in). */
async function switchUser() {
  await (await s.find('[data-test="current-user"]')).click()
  await s.waitFor(`document.querySelector('[data-test="switch-user"]')?.offsetParent !== null`)
  await sleep(300)
  await (await s.find('[data-test="switch-user"]')).click()
}

test('accounts: the admin adds a 客服, 换班 to her hides what her role may not do, and the log shows who did what', async () => {
  const flow = await newTicket({ room: '202', building: '2', unit: '1', reporter: '孙丽', phone: '13600002222' })
  await systemPage('nav-accounts')
  await s.find('[data-test="accounts"]')
  const field = async (test, value) => {
    const input = await s.find(`[data-test="${test}"] input, input[data-test="${test}"]`)
    await input.click()
    await input.sendKeys(value)
  }
  await field('account-name', '客服小陈')
  await field('account-password', 'desk-pass-1')
  await (await s.find('[data-test="account-add"]')).click()
  await s.waitFor(`document.querySelector('[data-test="account-list"]')?.innerText.includes('客服小陈')`)
  await screenshot('accounts')

  // 换班: 王管理 signs out, 客服小陈 signs in at the same window.
  await switchUser()
  await s.waitFor(`document.querySelector('[data-test="sign-in"]')`)
  await screenshot('sign-in-for-the-next-shift')
  const { signIn } = await import('./signin.mjs')
  await signIn(s, '客服小陈', 'desk-pass-1')
  const nav = await s.exec(`return [...document.querySelectorAll('.nav > .el-menu-item, .nav > .el-sub-menu')].map((e) => e.innerText.trim())`)
  assert.ok(nav.includes('报修登记'), nav.join())
  for (const hidden of ['系统', '月度报表', '导入']) assert.ok(!nav.includes(hidden), `${hidden} hidden for 客服`)
  assert.equal(await text('[data-test="current-user"]'), '客服小陈（客服）▾')
  // Her ticket screen offers 跟催 but not 派单 or 取消; the core refuses a crafted call.
  await openTicket(flow.number)
  assert.equal(await (await s.find('[data-test="action-remind"]')).enabled(), true)
  for (const a of ['assign', 'cancel']) {
    assert.equal(await (await s.find(`[data-test="action-${a}"]`)).enabled(), false, `${a} not offered to 客服`)
  }
  await screenshot('ticket-as-desk')
  await assert.rejects(
    s.invoke('apply_step', {
      number: flow.number, step: { action: 'cancel', args: { reason: '试试', duplicate_of: null } }, at: null, operator: '客服小陈', seen: null,
    }),
    /forbidden.*「客服」不能取消工单/,
  )

  // Back to the administrator: the 操作日志 names both.
  await switchUser()
  await signIn(s, '王管理', 'e2e-admin-1')
  await systemPage('nav-log')
  await s.waitFor(`document.querySelector('[data-test="audit-rows"]')?.innerText.includes('客服小陈')`)
  const log = await text('[data-test="audit-rows"]')
  assert.ok(log.includes('新建账号，角色：客服'), log)
  // One line per sign-in: the new administrator, 客服小陈, 王管理 again.
  assert.equal(log.split('登录成功').length - 1, 3, log)
  await screenshot('audit-log')
})

test('数据备份: the day\'s automatic copy is listed, 立即备份 adds a checked one, a restore brings the data back', async () => {
  await systemPage('nav-backups')
  await s.waitFor(`document.querySelector('[data-test="backup-list"]')?.innerText.includes('每日')`, {
    what: 'the daily copy made at start',
  })
  const before = await s.invoke('list_tickets', { filter: { limit: 1 } })
  await (await s.find('[data-test="backup-now"]')).click()
  await s.waitFor(`document.querySelector('[data-test="backup-list"]')?.innerText.includes('手动')`, { timeout: 20000 })
  await screenshot('backups')
  const list = await text('[data-test="backup-list"]')
  assert.ok(list.includes('完好'), list)

  // A ticket made after the copy is gone once the copy is restored.
  const extra = await newTicket({ room: '303', building: '3', unit: '1', reporter: '钱多', phone: '13600003333' })
  const rows = await s.exec(
    `return [...document.querySelectorAll('[data-test="backup-list"] .el-table__row')].map((r) => r.innerText)`,
  )
  const manual = rows.findIndex((r) => r.includes('手动'))
  assert.ok(manual >= 0, rows.join('\n'))
  const buttons = await s.exec(
    `return document.querySelectorAll('[data-test="backup-list"] .el-table__row')[arguments[0]].querySelector('button') !== null`,
    manual,
  )
  assert.ok(buttons)
  await s.exec(
    `document.querySelectorAll('[data-test="backup-list"] .el-table__row')[arguments[0]].querySelector('button').click()`,
    manual,
  )
  await s.waitFor(`document.querySelector('.el-message-box')?.innerText.includes('恢复前')`)
  await s.exec(`[...document.querySelectorAll('.el-message-box button')].find((b) => b.innerText.trim() === '恢复').click()`)
  // The restored data has its own accounts: the window asks to sign in again.
  const { signIn } = await import('./signin.mjs')
  await signIn(s, '王管理', 'e2e-admin-1')
  const after = await s.invoke('list_tickets', { filter: { limit: 1 } })
  assert.equal(after.total, before.total)
  await assert.rejects(s.invoke('ticket_detail', { number: extra.number }), /not_found/)
})

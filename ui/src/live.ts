// 实时同步: what the other PCs do, heard through the window's `desk-changed` events
// (sent only on the shared PostgreSQL database; a desk on a SQLite file never gets one
// and keeps its 刷新 button). One listener for the whole window; each view that shows
// tickets subscribes with `useLiveDesk` and reloads, debounced, when a change arrives.
import { listen } from '@tauri-apps/api/event'
import { onMounted, onUnmounted } from 'vue'
import { ElMessage } from 'element-plus'
import type { Change } from './bindings/Change'
import type { LiveStatus } from './bindings/LiveStatus'

export const CHANGED = 'desk-changed'
export const STATUS = 'desk-live'
/** Changes arriving this close together are one reload and one message. */
export const DEBOUNCE_MS = 300

type Reload = (changes: Change[]) => void
interface Subscriber {
  reload: Reload
  wants: (c: Change) => boolean
}

const subscribers = new Set<Subscriber>()
let started: Promise<void> | null = null
let pending: Change[] = []
let timer: ReturnType<typeof setTimeout> | undefined

/** "BX-202611-0001 已由 张师傅 完工"; several at once are counted instead. */
export function changeMessage(changes: Change[]): string {
  if (changes.length === 1) {
    const c = changes[0]
    return `${c.number} 已由 ${c.operator} ${c.action_label}`
  }
  const numbers = new Set(changes.map((c) => c.number))
  return `其他电脑更新了 ${numbers.size} 张工单`
}

function flush() {
  timer = undefined
  const changes = pending
  pending = []
  if (changes.length === 0) return
  ElMessage({ message: changeMessage(changes), type: 'info', duration: 3000, grouping: true })
  for (const s of subscribers) {
    const mine = changes.filter(s.wants)
    if (mine.length > 0) s.reload(mine)
  }
}

function heard(c: Change) {
  pending.push(c)
  clearTimeout(timer)
  timer = setTimeout(flush, DEBOUNCE_MS)
}

function status(s: LiveStatus) {
  // The shell says each of these once per loss; back online, reload everything, since
  // what happened meanwhile was not heard.
  if (s.online) {
    ElMessage({ message: s.message, type: 'success', duration: 3000 })
    for (const sub of subscribers) sub.reload([])
  } else {
    ElMessage({ message: s.message, type: 'warning', duration: 6000, showClose: true })
  }
}

function start(): Promise<void> {
  started ??= Promise.all([
    listen<Change>(CHANGED, (e) => heard(e.payload)),
    listen<LiveStatus>(STATUS, (e) => status(e.payload)),
  ]).then(
    () => undefined,
    // Outside the window (a plain browser, tests without the event mock): no live desk.
    () => {
      started = null
    },
  )
  return started
}

/** Reload when another PC changes a ticket this view shows (`wants`, default all). */
export function useLiveDesk(reload: Reload, wants: (c: Change) => boolean = () => true) {
  const sub: Subscriber = { reload, wants }
  onMounted(() => {
    subscribers.add(sub)
    void start()
  })
  onUnmounted(() => subscribers.delete(sub))
}

/** For tests: forget the listener and anything pending. */
export function resetLive() {
  clearTimeout(timer)
  timer = undefined
  pending = []
  started = null
  subscribers.clear()
}

// Who is at this window: the signed-in account and what its role may do. The rule
// table is the core's (Account.permissions); the window only hides what the core would
// refuse anyway. Idle for the office's configured minutes locks the screen (sign out,
// the last name kept for the next sign-in).
import { computed, ref } from 'vue'
import { invoke } from '@tauri-apps/api/core'
import type { Account } from './bindings/Account'
import type { Permission } from './bindings/Permission'
import type { Session } from './bindings/Session'
import { operator } from './operator'

export const session = ref<Session | null>(null)
/** The name to offer at the next sign-in (after 锁屏 or 换班). */
export const lastName = ref('')
export const account = computed<Account | null>(() => session.value?.account ?? null)

export function can(p: Permission): boolean {
  return account.value?.permissions.includes(p) ?? false
}

function apply(s: Session): Session {
  session.value = s
  if (s.account) {
    lastName.value = s.account.name
    // The operator the commands send is the signed-in account (the core records it).
    operator.value = s.account.name
  }
  armIdle()
  return s
}

export const sessionApi = {
  load: async () => apply(await invoke<Session>('session_get')),
  login: async (name: string, password: string) =>
    apply(await invoke<Session>('login', { name, password })),
  createAdmin: async (name: string, password: string) =>
    apply(await invoke<Session>('create_admin', { name, password })),
  logout: async () => apply(await invoke<Session>('logout')),
  changePassword: (old: string, next: string) =>
    invoke<void>('change_password', { old, new: next }),
}

let timer: ReturnType<typeof setTimeout> | undefined
let listening = false

function armIdle() {
  if (timer) clearTimeout(timer)
  const minutes = session.value?.idle_lock_minutes ?? 0
  if (!session.value?.account || minutes <= 0) return
  timer = setTimeout(() => {
    sessionApi.logout().catch(() => {})
  }, minutes * 60_000)
  if (!listening && typeof window !== 'undefined') {
    listening = true
    for (const ev of ['mousedown', 'keydown', 'wheel', 'touchstart']) {
      window.addEventListener(ev, () => armIdle(), { passive: true })
    }
  }
}

// What the window knows about itself (version, which database is open), shared by the
// header and 数据库连接 so both show the database of the moment after a switch.
import { ref } from 'vue'
import { api } from './api'
import type { AppInfo } from './bindings/AppInfo'

export const appInfo = ref<AppInfo | null>(null)

/** Ask the desk again (at start, and after 数据库连接 switched databases). */
export async function refreshAppInfo(): Promise<AppInfo> {
  appInfo.value = await api.appInfo()
  return appInfo.value
}

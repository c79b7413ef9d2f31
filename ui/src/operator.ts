// 操作员: who is at the desk. There is no login; the name typed in the header is
// remembered on this PC and written into every history entry.
import { ref, watch } from 'vue'

const KEY = 'baoxiu.operator'

function load(): string {
  try {
    return localStorage.getItem(KEY) || '前台'
  } catch {
    return '前台'
  }
}

export const operator = ref(load())

watch(operator, (v) => {
  try {
    localStorage.setItem(KEY, v.trim() || '前台')
  } catch {
    // Private mode or no storage: the name still works for this session.
  }
})

// 打印维修单: the core renders the PDF and records the print; the shell opens it in the
// OS's PDF viewer, from which the office prints.
import { ElMessage } from 'element-plus'
import { api, errorBody } from './api'

export async function printSlips(numbers: string[]): Promise<boolean> {
  if (numbers.length === 0) return false
  try {
    const r = await api.printSlips(numbers)
    if (r.open_error) {
      ElMessage.warning({
        message: `维修单已生成（${r.tickets.length} 张，${r.pages} 页），但无法自动打开：${r.path}`,
        duration: 8000,
      })
    } else {
      ElMessage.success(`维修单已生成并打开（${r.tickets.length} 张，${r.pages} 页）`)
    }
    return true
  } catch (e) {
    ElMessage.error({ message: errorBody(e).message, duration: 6000 })
    return false
  }
}

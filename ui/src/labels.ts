// The Chinese words for the core's codes, loaded once from the `enum_labels` command:
// the window never spells a status or urgency label itself.
import { ref } from 'vue'
import type { Choice } from './bindings/Choice'
import type { Labels } from './bindings/Labels'

export type LabelSet = keyof Labels

export const labels = ref<Labels | null>(null)

export function setLabels(l: Labels) {
  labels.value = l
}

export function choices(set: LabelSet): Choice[] {
  return labels.value ? labels.value[set] : []
}

/** The label of `code` in `set`, or the code itself if unknown. */
export function label(set: LabelSet, code: string | null | undefined): string {
  if (!code) return ''
  return choices(set).find((c) => c.code === code)?.label ?? code
}

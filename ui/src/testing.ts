// Shared fixtures for the component tests: the label sets the core sends, all empty
// but those a test fills, so a new label set is added here once, not in every test.
import type { Labels } from './bindings/Labels'

export function labelsWith(sets: Partial<Labels>): Labels {
  const empty: Labels = {
    kind: [],
    status: [],
    channel: [],
    scope: [],
    urgency: [],
    satisfaction: [],
    stage: [],
    attachment_kind: [],
    action: [],
    role: [],
    audit_kind: [],
    escalation_reason: [],
    category_kind: [],
    visit_method: [],
    visit_failure: [],
  }
  return { ...empty, ...sets }
}

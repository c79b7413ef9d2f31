// Shared fixtures for the component tests (shapes from the Rust bindings): the label
// sets the core sends, all empty but those a test fills, and one ticket's detail.
import type { Labels } from './bindings/Labels'
import type { Status } from './bindings/Status'
import type { TicketDetail } from './bindings/TicketDetail'

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

/** A 水路 repair at 翠湖苑 3栋2单元501 in `status`, as `ticket_detail` sends it. */
export function ticketDetail(status: Status = 'received'): TicketDetail {
  return {
    ticket: {
      number: 'BX-202611-0007',
      kind: 'repair',
      status,
      channel: 'phone',
      reporter: '王秀英',
      phone: '13812348000',
      site: '翠湖苑',
      building: '3',
      unit: '2',
      room: '501',
      location: null,
      scope: 'in_home',
      category: '水路',
      urgency: 'normal',
      appointment_at: '2026-11-28T10:00:00+08:00',
      description: '厨房水管漏水',
      received_at: '2026-11-27T09:30:00+08:00',
      assignee: null,
      dispatched_at: null,
      arrived_at: null,
      completed_at: null,
      visited_at: null,
      closed_at: null,
      cancelled_at: null,
      hold_reason: null,
      cause: null,
      measures: null,
      materials: [],
      labour_minutes: 0,
      paid: false,
      fee_fen: 0,
      payment_method: null,
      owner_signed: false,
      satisfaction: null,
      visit_note: null,
      rework_count: 0,
      duplicate_of: null,
      deadlines: { dispatch: null, arrival: null, completion: null, visit: null },
      overdue: false,
      overdue_stage: null,
      cancel_reason: null,
      held_minutes: 0,
      print_count: 0,
      remind_count: 0,
      reschedule_count: 0,
      resolution: null,
      dept: null,
      resolved_at: null,
      occurred_at: null,
      requested_technician: null,
    },
    history: [],
    available: [],
    place: '翠湖苑 3栋2单元501',
    materials_total_fen: 0,
    attachments: [],
    rounds: [],
    visit_attempts: [],
    quotes: [],
  }
}

/** The labels the step dialogs show. */
export const stepLabels: Labels = labelsWith({
  kind: [
    { code: 'repair', label: '报修' },
    { code: 'complaint', label: '投诉' },
  ],
  status: [
    { code: 'received', label: '待派单' },
    { code: 'completed', label: '待回访' },
  ],
  channel: [{ code: 'phone', label: '电话' }],
  scope: [
    { code: 'in_home', label: '入户' },
    { code: 'public_area', label: '公区' },
  ],
  urgency: [
    { code: 'emergency', label: '紧急' },
    { code: 'normal', label: '一般' },
  ],
  action: [
    { code: 'edit', label: '更正' },
    { code: 'reschedule', label: '改约' },
  ],
})

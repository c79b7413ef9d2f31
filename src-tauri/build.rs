//! Declares the app's own commands so the capability file can grant exactly these.

/// Every `#[tauri::command]` in src/commands.rs, src/report_commands.rs,
/// src/account_commands.rs and src/connection_commands.rs; each gets an `allow-<name>`
/// permission.
const COMMANDS: &[&str] = &[
    "app_info",
    "enum_labels",
    "counters",
    "escalations",
    "today_tickets",
    "list_tickets",
    "ticket_detail",
    "create_ticket",
    "possible_duplicates",
    "apply_step",
    "edit_ticket",
    "lookup_caller",
    "suggest_technicians",
    "technicians",
    "save_technician",
    "categories",
    "save_category",
    "sla_rules",
    "set_sla_rule",
    "escalation_rules",
    "set_escalation_rule",
    "settings",
    "update_settings",
    "sites",
    "site_add",
    "prices",
    "save_price",
    "site_location_add",
    "save_contact",
    "attach_pick",
    "attachment_bytes",
    "open_attachment",
    "print_slips",
    "open_log_folder",
    // src/report_commands.rs
    "report_current_month",
    "report_month",
    "report_daily",
    "export_pick",
    "export_write",
    "import_pick",
    "import_preview",
    "import_commit",
    // src/backup_commands.rs
    "backups",
    "backup_now",
    "backup_restore",
    "backup_open_folder",
    // src/account_commands.rs
    "session_get",
    "login",
    "logout",
    "create_admin",
    "change_password",
    "accounts",
    "account_add",
    "account_set_active",
    "account_reset_password",
    "audit_log",
    "audit_export_pick",
    "audit_export_write",
    // src/connection_commands.rs
    "connection_get",
    "connection_test",
    "connection_save",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri build script failed: {e:#}");
    }
}

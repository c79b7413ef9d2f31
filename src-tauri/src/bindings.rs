//! The TypeScript types of everything that crosses IPC, generated from the Rust types
//! with ts-rs into `ui/src/bindings/`. The test below fails when those files are stale;
//! `BAOXIU_WRITE_BINDINGS=1 cargo test -p baoxiu-desk bindings` rewrites them.

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    use ts_rs::{Config, TS};

    use crate::commands::{AppInfo, Labels, PrintReply, TicketDetail};

    type Exporter = fn(&Config) -> Result<(), ts_rs::ExportError>;

    /// i64 travels as a JSON number (all our integers fit in 2^53), so not `bigint`.
    fn export(dir: &Path) {
        let cfg = Config::new().with_out_dir(dir).with_large_int("number");
        let all: &[Exporter] = &[
            AppInfo::export_all,
            PrintReply::export_all,
            Labels::export_all,
            TicketDetail::export_all,
            baoxiu::store::TicketPage::export_all,
            baoxiu::store::TicketFilter::export_all,
            baoxiu::store::Step::export_all,
            baoxiu::store::Counters::export_all,
            baoxiu::store::Escalation::export_all,
            baoxiu::store::EscalationPage::export_all,
            baoxiu::store::CallerMatch::export_all,
            baoxiu::store::Suggestion::export_all,
            baoxiu::store::Technician::export_all,
            baoxiu::store::Category::export_all,
            baoxiu::store::Settings::export_all,
            baoxiu::store::Site::export_all,
            baoxiu::input::TicketDraft::export_all,
            baoxiu::input::TicketPatch::export_all,
            baoxiu::input::TechnicianDraft::export_all,
            baoxiu::error::ErrorBody::export_all,
            baoxiu::connection::Connection::export_all,
            baoxiu::connection::ConnectionView::export_all,
            baoxiu::store::notify::Change::export_all,
            crate::live::LiveStatus::export_all,
            crate::account_commands::Session::export_all,
            crate::backup_commands::BackupsView::export_all,
            baoxiu::store::BackupProgress::export_all,
            baoxiu::store::RestoreReport::export_all,
            baoxiu::account::Permission::export_all,
            baoxiu::audit::AuditEntry::export_all,
            baoxiu::audit::AuditFilter::export_all,
            baoxiu::sla::EscalationRule::export_all,
            baoxiu::store::PriceItem::export_all,
        ];
        for f in all {
            if let Err(e) = f(&cfg) {
                panic!("exporting TypeScript bindings failed: {e}");
            }
        }
        if let Err(e) = baoxiu::sla::SlaRule::export_all(&cfg) {
            panic!("exporting TypeScript bindings failed: {e}");
        }
        if let Err(e) = crate::report_commands::export_bindings(&cfg) {
            panic!("exporting TypeScript bindings failed: {e}");
        }
    }

    fn read_dir(dir: &Path) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().to_string();
                if name.ends_with(".ts") {
                    out.insert(name, std::fs::read_to_string(e.path()).unwrap_or_default());
                }
            }
        }
        out
    }

    #[test]
    fn bindings_are_fresh() {
        let committed: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings");
        if std::env::var("BAOXIU_WRITE_BINDINGS").as_deref() == Ok("1") {
            let _ = std::fs::remove_dir_all(&committed);
            export(&committed);
        }
        let fresh = tempfile::tempdir().unwrap();
        export(fresh.path());
        let want = read_dir(fresh.path());
        let have = read_dir(&committed);
        let stale: Vec<&String> = want
            .iter()
            .filter(|(name, text)| have.get(*name) != Some(text))
            .map(|(name, _)| name)
            .chain(have.keys().filter(|name| !want.contains_key(*name)))
            .collect();
        assert!(
            stale.is_empty(),
            "ui/src/bindings is stale ({stale:?}); regenerate with \
             `BAOXIU_WRITE_BINDINGS=1 cargo test -p baoxiu-desk bindings` and commit"
        );
    }
}

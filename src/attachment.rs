//! 附件 attachments: photos of the fault and the scan of the signed paper slip, kept as
//! files beside the database (`attachments/<sha256>.<ext>`) and recorded in the
//! `attachments` table with one `ticket_events` row, in one transaction
//! (`store/attachments.rs`; this module handles the files).

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::clock::Time;
use crate::error::{Error, Result};
use crate::input;
use crate::store::Store;
use crate::ticket::{code_enum, Ticket};

/// The largest file the desk may attach (a phone photo or an A4 scan is far smaller).
pub const MAX_BYTES: u64 = 30 * 1024 * 1024;

code_enum!(
    /// 附件类型 — what an attached file shows.
    AttachmentKind, "附件类型" {
        FaultPhoto = "fault_photo" / "故障照片",
        /// 签字维修单 — the scan or photo of the paper slip the owner signed.
        SignedSlip = "signed_slip" / "签字维修单",
        Other = "other" / "其他附件",
    }
);

/// One attached file as the ticket detail shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Attachment {
    pub id: i64,
    pub kind: AttachmentKind,
    pub kind_label: String,
    pub sha256: String,
    /// The name the file had when attached (shown to the user; not the stored name).
    pub file_name: String,
    pub byte_size: i64,
    pub added_at: Time,
    pub operator: String,
    /// Whether the window can show it as a thumbnail.
    pub is_image: bool,
}

/// Extensions kept on the stored file so the OS opens it with the right program.
const IMAGE_EXTS: &[&str] = &["jpg", "jpeg", "png", "gif", "webp", "bmp"];
const OTHER_EXTS: &[&str] = &["pdf", "tif", "tiff", "heic"];

fn extension(file_name: &str) -> Option<String> {
    let ext = Path::new(file_name)
        .extension()?
        .to_str()?
        .to_ascii_lowercase();
    (IMAGE_EXTS.contains(&ext.as_str()) || OTHER_EXTS.contains(&ext.as_str())).then_some(ext)
}

/// `<folder of the database>/attachments`.
pub fn dir(store: &Store) -> PathBuf {
    store
        .path()
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."))
        .join("attachments")
}

/// The file's SHA-256 as lower-case hex: its name in the store.
pub(crate) fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Write beside, then rename: a crash never leaves a half file under the hash.
fn write_atomically(target: &Path, sha256: &str, bytes: &[u8]) -> Result<()> {
    let dir = target.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let tmp = dir.join(format!(".{sha256}.part"));
    let mut f = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    f.write_all(bytes).map_err(|e| Error::io(&tmp, e))?;
    f.sync_all().map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, target).map_err(|e| Error::io(target, e))
}

pub(crate) fn stored_name(sha256: &str, file_name: &str) -> String {
    match extension(file_name) {
        Some(ext) => format!("{sha256}.{ext}"),
        None => sha256.to_string(),
    }
}

/// Whether the window can show the file as a thumbnail.
pub(crate) fn is_image(file_name: &str) -> bool {
    extension(file_name).is_some_and(|e| IMAGE_EXTS.contains(&e.as_str()))
}

impl Store {
    /// Attach the file at `source` to a ticket. The same file twice on one ticket is
    /// refused; the same file on two tickets is stored once.
    pub fn attach(
        &mut self,
        number: &str,
        kind: AttachmentKind,
        source: &Path,
        operator: &str,
    ) -> Result<Attachment> {
        let operator = self.operator(crate::account::Permission::Attach, Some(operator))?;
        let ticket: Ticket = self.ticket(number)?;
        let meta = std::fs::metadata(source).map_err(|e| Error::io(source, e))?;
        if !meta.is_file() {
            return Err(Error::invalid(format!(
                "“{}”不是文件，请选择一张照片或扫描件",
                source.display()
            )));
        }
        if meta.len() > MAX_BYTES {
            return Err(Error::invalid(format!(
                "文件太大（{} MB），附件最大 {} MB，请压缩后再添加",
                meta.len() / 1024 / 1024,
                MAX_BYTES / 1024 / 1024
            )));
        }
        if meta.len() == 0 {
            return Err(Error::invalid("文件是空的，请重新选择"));
        }
        let file_name = source
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("附件")
            .to_string();
        let file_name = input::required("文件名", Some(&file_name), 200, false)?;
        let bytes = std::fs::read(source).map_err(|e| Error::io(source, e))?;
        let sha256 = hex_sha256(&bytes);

        let dir = dir(self);
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let stored = stored_name(&sha256, &file_name);
        let target = dir.join(&stored);
        let created = !target.exists();
        if created {
            write_atomically(&target, &sha256, &bytes)?;
        }

        let id = match self.insert_attachment(&ticket, kind, &sha256, &file_name, &bytes, &operator)
        {
            Ok(id) => id,
            Err(e) => {
                // Refused or failed: take back the file this call added, unless a row
                // refers to it after all (the file had gone missing under an existing
                // row, or another PC attached the same file meanwhile). If that cannot
                // be told, keep it: a stray file is harmless, a missing one is not.
                if created
                    && !self
                        .attachment_file_in_use(&sha256, &stored)
                        .unwrap_or(true)
                {
                    let _ = std::fs::remove_file(&target);
                }
                return Err(e);
            }
        };
        self.attachment(id).map(|(a, _)| a)
    }

    /// A ticket's attachments, oldest first.
    pub fn attachments(&self, number: &str) -> Result<Vec<Attachment>> {
        let ticket = self.ticket(number)?;
        self.attachment_rows(ticket.id)
    }

    /// One attachment and the path of its stored file.
    pub fn attachment(&self, id: i64) -> Result<(Attachment, PathBuf)> {
        let a = self
            .attachment_row_by_id(id)?
            .ok_or_else(|| Error::NotFound(format!("附件 {id} 不存在")))?;
        let path = dir(self).join(stored_name(&a.sha256, &a.file_name));
        if !path.is_file() {
            // A shared office keeps the file in the database: bring it to this PC.
            if let Some(bytes) = self.attachment_file_bytes(&a.sha256)? {
                if hex_sha256(&bytes) == a.sha256 {
                    write_atomically(&path, &a.sha256, &bytes)?;
                    return Ok((a, path));
                }
            }
        }
        if !path.is_file() {
            return Err(Error::NotFound(format!(
                "附件“{}”的文件不见了（应在 {}），请从备份恢复",
                a.file_name,
                path.display()
            )));
        }
        Ok((a, path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::TicketDraft;

    fn store_with_ticket() -> (tempfile::TempDir, Store, String) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path().join("baoxiu.db")).unwrap();
        store.add_site("翠湖苑").unwrap();
        let draft = TicketDraft {
            reporter: Some("王女士".into()),
            phone: Some("13800138000".into()),
            site: Some("翠湖苑".into()),
            building: Some("3".into()),
            unit: Some("2".into()),
            room: Some("501".into()),
            category: Some("水路".into()),
            description: Some("厨房水管漏水".into()),
            ..Default::default()
        };
        let number = store.create_ticket(&draft, "前台").unwrap().number;
        (dir, store, number)
    }

    #[test]
    fn attaches_by_hash_beside_the_database_with_an_event() {
        let (dir, mut store, number) = store_with_ticket();
        let photo = dir.path().join("漏水.JPG");
        std::fs::write(&photo, b"not really a jpeg").unwrap();
        let a = store
            .attach(&number, AttachmentKind::FaultPhoto, &photo, "前台")
            .unwrap();
        assert_eq!(a.file_name, "漏水.JPG");
        assert!(a.is_image);
        assert_eq!(a.sha256.len(), 64);
        let (_, stored) = store.attachment(a.id).unwrap();
        assert_eq!(
            stored,
            dir.path()
                .join("attachments")
                .join(format!("{}.jpg", a.sha256))
        );
        assert_eq!(std::fs::read(&stored).unwrap(), b"not really a jpeg");
        assert_eq!(store.attachments(&number).unwrap(), vec![a]);
        let history = store.history(&number).unwrap();
        let last = history.last().unwrap();
        assert_eq!(last.action, crate::ticket::EventAction::Attach);
        assert_eq!(last.note.as_deref(), Some("故障照片：漏水.JPG"));
    }

    #[test]
    fn refuses_the_same_file_twice_and_changes_nothing() {
        let (dir, mut store, number) = store_with_ticket();
        let scan = dir.path().join("scan.pdf");
        std::fs::write(&scan, b"%PDF-1.4 signed").unwrap();
        store
            .attach(&number, AttachmentKind::SignedSlip, &scan, "前台")
            .unwrap();
        let before = store.dump().unwrap();
        let err = store
            .attach(&number, AttachmentKind::SignedSlip, &scan, "前台")
            .unwrap_err();
        assert_eq!(err.code(), "invalid_input");
        assert!(err.to_string().contains("已经附加"));
        assert_eq!(store.dump().unwrap(), before);
    }

    #[test]
    fn a_failed_attach_takes_back_only_the_file_it_added() {
        let (dir, mut store, number) = store_with_ticket();
        let photo = dir.path().join("门锁.png");
        std::fs::write(&photo, b"lock photo").unwrap();
        let folder = dir.path().join("attachments");
        // The history insert fails after the file is in the folder and the row written.
        store
            .db
            .batch(
                "CREATE TEMP TRIGGER refuse_attach BEFORE INSERT ON ticket_events
                 WHEN NEW.action = 'attach' BEGIN SELECT RAISE(ABORT, 'refused'); END",
            )
            .unwrap();
        let before = store.dump().unwrap();
        let err = store
            .attach(&number, AttachmentKind::FaultPhoto, &photo, "前台")
            .unwrap_err();
        assert_eq!(err.code(), "sql");
        assert_eq!(store.dump().unwrap(), before);
        assert!(store.attachments(&number).unwrap().is_empty());
        assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 0);

        // A refusal keeps a file a row still refers to (here: it had gone missing and
        // the same file was attached again).
        store.db.batch("DROP TRIGGER refuse_attach").unwrap();
        let a = store
            .attach(&number, AttachmentKind::FaultPhoto, &photo, "前台")
            .unwrap();
        let stored = folder.join(format!("{}.png", a.sha256));
        std::fs::remove_file(&stored).unwrap();
        let err = store
            .attach(&number, AttachmentKind::FaultPhoto, &photo, "前台")
            .unwrap_err();
        assert_eq!(err.code(), "invalid_input");
        assert_eq!(std::fs::read(&stored).unwrap(), b"lock photo");
    }

    #[test]
    fn refuses_missing_files_empty_files_and_unknown_tickets() {
        let (dir, mut store, number) = store_with_ticket();
        let before = store.dump().unwrap();
        let missing = dir.path().join("nope.jpg");
        assert_eq!(
            store
                .attach(&number, AttachmentKind::Other, &missing, "前台")
                .unwrap_err()
                .code(),
            "io"
        );
        let empty = dir.path().join("empty.png");
        std::fs::write(&empty, b"").unwrap();
        assert_eq!(
            store
                .attach(&number, AttachmentKind::Other, &empty, "前台")
                .unwrap_err()
                .code(),
            "invalid_input"
        );
        assert_eq!(
            store
                .attach("BX-190001-0001", AttachmentKind::Other, &empty, "前台")
                .unwrap_err()
                .code(),
            "not_found"
        );
        assert_eq!(store.dump().unwrap(), before);
        assert!(AttachmentKind::parse("照片").is_err());
        assert_eq!(
            AttachmentKind::parse("签字维修单").unwrap(),
            AttachmentKind::SignedSlip
        );
    }
}

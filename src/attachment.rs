//! 附件 attachments: photos of the fault and the scan of the signed paper slip, kept as
//! files beside the database (`attachments/<sha256>.<ext>`) and recorded in the
//! `attachments` table with one `ticket_events` row, in one transaction.

use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::clock::Time;
use crate::error::{Error, Result, SqlContext};
use crate::input;
use crate::store::Store;
use crate::ticket::Ticket;

/// The largest file the desk may attach (a phone photo or an A4 scan is far smaller).
pub const MAX_BYTES: u64 = 30 * 1024 * 1024;

/// 附件类型 — what the file shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, ts_rs::TS)]
pub enum AttachmentKind {
    /// 故障照片
    #[serde(rename = "fault_photo")]
    FaultPhoto,
    /// 签字维修单 — the scan or photo of the paper slip the owner signed.
    #[serde(rename = "signed_slip")]
    SignedSlip,
    #[serde(rename = "other")]
    Other,
}

impl AttachmentKind {
    pub const ALL: &'static [AttachmentKind] = &[
        AttachmentKind::FaultPhoto,
        AttachmentKind::SignedSlip,
        AttachmentKind::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AttachmentKind::FaultPhoto => "fault_photo",
            AttachmentKind::SignedSlip => "signed_slip",
            AttachmentKind::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AttachmentKind::FaultPhoto => "故障照片",
            AttachmentKind::SignedSlip => "签字维修单",
            AttachmentKind::Other => "其他附件",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        let t = s.trim();
        Self::ALL
            .iter()
            .copied()
            .find(|k| k.code() == t || k.label() == t)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "附件类型“{s}”无法识别，可选：fault_photo（故障照片）、signed_slip（签字维修单）、other（其他附件）"
                ))
            })
    }
}

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

pub(crate) fn stored_name(sha256: &str, file_name: &str) -> String {
    match extension(file_name) {
        Some(ext) => format!("{sha256}.{ext}"),
        None => sha256.to_string(),
    }
}

fn row(r: &rusqlite::Row, store: &Store) -> rusqlite::Result<Attachment> {
    let kind: String = r.get(1)?;
    let kind = AttachmentKind::parse(&kind).unwrap_or(AttachmentKind::Other);
    let file_name: String = r.get(3)?;
    Ok(Attachment {
        id: r.get(0)?,
        kind,
        kind_label: kind.label().to_string(),
        sha256: r.get(2)?,
        is_image: extension(&file_name).is_some_and(|e| IMAGE_EXTS.contains(&e.as_str())),
        file_name,
        byte_size: r.get(4)?,
        added_at: store.zone().from_epoch(r.get(5)?),
        operator: r.get(6)?,
    })
}

const SELECT: &str =
    "SELECT id, kind, sha256, file_name, byte_size, added_at, operator FROM attachments";

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
        let operator = input::name("操作员", Some(operator))?;
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
        let sha256: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();

        let dir = dir(self);
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let target = dir.join(stored_name(&sha256, &file_name));
        if !target.exists() {
            // Write beside, then rename: a crash never leaves a half file under the hash.
            let tmp = dir.join(format!(".{sha256}.part"));
            let mut f = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
            f.write_all(&bytes).map_err(|e| Error::io(&tmp, e))?;
            f.sync_all().map_err(|e| Error::io(&tmp, e))?;
            std::fs::rename(&tmp, &target).map_err(|e| Error::io(&target, e))?;
        }

        let now = self.now();
        let conn = self.conn();
        let tx =
            Transaction::new_unchecked(conn, TransactionBehavior::Immediate).sql("begin attach")?;
        let exists: Option<i64> = tx
            .query_row(
                "SELECT id FROM attachments WHERE ticket_id = ?1 AND sha256 = ?2",
                params![ticket.id, sha256],
                |r| r.get(0),
            )
            .optional()
            .sql("attachment exists")?;
        if exists.is_some() {
            return Err(Error::invalid(format!(
                "这个文件已经附加在工单 {} 上了",
                ticket.number
            )));
        }
        let id: i64 = tx
            .query_row(
                "INSERT INTO attachments (ticket_id, kind, sha256, file_name, byte_size, added_at, operator)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
                params![
                    ticket.id,
                    kind.code(),
                    sha256,
                    file_name,
                    bytes.len() as i64,
                    now.timestamp(),
                    operator
                ],
                |r| r.get(0),
            )
            .sql("insert attachment")?;
        tx.execute(
            "INSERT INTO ticket_events (ticket_id, at, operator, action, from_status, to_status, note)
             VALUES (?1, ?2, ?3, 'attach', ?4, ?4, ?5)",
            params![
                ticket.id,
                now.timestamp(),
                operator,
                ticket.status.code(),
                format!("{}：{}", kind.label(), file_name)
            ],
        )
        .sql("insert attach event")?;
        tx.commit().sql("commit attach")?;
        self.attachment(id).map(|(a, _)| a)
    }

    /// A ticket's attachments, oldest first.
    pub fn attachments(&self, number: &str) -> Result<Vec<Attachment>> {
        let ticket = self.ticket(number)?;
        let mut stmt = self
            .conn()
            .prepare_cached(&format!("{SELECT} WHERE ticket_id = ?1 ORDER BY id"))
            .sql("list attachments")?;
        let rows = stmt
            .query_map(params![ticket.id], |r| row(r, self))
            .sql("list attachments")?;
        rows.collect::<std::result::Result<_, _>>()
            .sql("list attachments")
    }

    /// One attachment and the path of its stored file.
    pub fn attachment(&self, id: i64) -> Result<(Attachment, PathBuf)> {
        let a = self
            .conn()
            .query_row(&format!("{SELECT} WHERE id = ?1"), params![id], |r| {
                row(r, self)
            })
            .optional()
            .sql("attachment by id")?
            .ok_or_else(|| Error::NotFound(format!("附件 {id} 不存在")))?;
        let path = dir(self).join(stored_name(&a.sha256, &a.file_name));
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
        assert_eq!(last.action, "attach");
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

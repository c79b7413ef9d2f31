//! attachments 附件: the rows saying which stored file belongs to which ticket, written
//! together with the ticket's `attach` history event. The files themselves (hashing,
//! the folder, copying) are `crate::attachment`.

use super::db::{Db, Row};
use super::events::insert_event;
use super::{Engine, Store};
use crate::attachment::{is_image, stored_name, Attachment, AttachmentKind};
use crate::error::{Error, Result, SqlContext};
use crate::ticket::{Event, EventAction, Status, Ticket};

const SELECT: &str =
    "SELECT id, kind, sha256, file_name, byte_size, added_at, operator FROM attachments";

impl Store {
    fn attachment_row(&self, r: &Row) -> Result<Attachment> {
        let kind: String = r.get(1)?;
        let kind = AttachmentKind::parse(&kind).unwrap_or(AttachmentKind::Other);
        let file_name: String = r.get(3)?;
        Ok(Attachment {
            id: r.get(0)?,
            kind,
            kind_label: kind.label().to_string(),
            sha256: r.get(2)?,
            is_image: is_image(&file_name),
            file_name,
            byte_size: r.get(4)?,
            added_at: self.zone().from_epoch(r.get(5)?),
            operator: r.get(6)?,
        })
    }

    /// Record a file already copied into the folder, and its `attach` history event, in
    /// one transaction. The same file twice on one ticket is refused (nothing written).
    /// Returns the new id.
    pub(crate) fn insert_attachment(
        &self,
        ticket: &Ticket,
        kind: AttachmentKind,
        sha256: &str,
        file_name: &str,
        bytes: &[u8],
        operator: &str,
    ) -> Result<i64> {
        let byte_size = bytes.len() as i64;
        let at = self.now();
        let now = at.timestamp();
        let tx = self.begin()?;
        // Lock the ticket: the event records its status as of this write, and two PCs
        // attaching the same file at once are checked one after the other.
        let status: String = tx
            .query_opt(
                &format!(
                    "SELECT status FROM tickets WHERE id = ?1{}",
                    tx.for_update()
                ),
                &[&ticket.id],
            )
            .sql("lock ticket for attach")?
            .ok_or_else(|| Error::NotFound(format!("工单“{}”不存在，请检查工单号", ticket.number)))?
            .get(0)?;
        let exists = tx
            .query_opt(
                "SELECT id FROM attachments WHERE ticket_id = ?1 AND sha256 = ?2",
                &[&ticket.id, &sha256],
            )
            .sql("attachment exists")?;
        if exists.is_some() {
            return Err(Error::invalid(format!(
                "这个文件已经附加在工单 {} 上了",
                ticket.number
            )));
        }
        let id: i64 = tx
            .query_one(
                "INSERT INTO attachments (ticket_id, kind, sha256, file_name, byte_size, added_at, operator)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
                &[
                    &ticket.id,
                    &kind.code(),
                    &sha256,
                    &file_name,
                    &byte_size,
                    &now,
                    &operator,
                ],
            )
            .sql("insert attachment")?
            .get(0)?;
        if tx.engine() == Engine::Postgres {
            // Every PC of a shared office opens the file from here.
            store_file(&tx, sha256, bytes)?;
        }
        let status = Status::parse(&status)?;
        insert_event(
            &tx,
            ticket.id,
            &Event::new(
                at,
                operator,
                EventAction::Attach,
                Some(status),
                Some(status),
                Some(format!("{}：{}", kind.label(), file_name)),
            ),
        )?;
        tx.commit().sql("commit attach")?;
        Ok(id)
    }

    /// The contents of a file kept in the database (a shared office), if it is there.
    pub(crate) fn attachment_file_bytes(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        if self.engine() != Engine::Postgres {
            return Ok(None);
        }
        self.db
            .query_opt(
                "SELECT bytes FROM attachment_files WHERE sha256 = ?1",
                &[&sha256],
            )
            .sql("read attachment file")?
            .map(|r| r.get::<Vec<u8>>(0).sql("read attachment file"))
            .transpose()
    }

    /// A ticket's attachments, oldest first.
    pub(crate) fn attachment_rows(&self, ticket_id: i64) -> Result<Vec<Attachment>> {
        self.db
            .query(
                &format!("{SELECT} WHERE ticket_id = ?1 ORDER BY id"),
                &[&ticket_id],
            )
            .sql("list attachments")?
            .iter()
            .map(|r| self.attachment_row(r))
            .collect()
    }

    pub(crate) fn attachment_row_by_id(&self, id: i64) -> Result<Option<Attachment>> {
        self.db
            .query_opt(&format!("{SELECT} WHERE id = ?1"), &[&id])
            .sql("attachment by id")?
            .map(|r| self.attachment_row(&r))
            .transpose()
    }

    /// Whether any attachment row refers to the stored file `stored` (`<sha256>.<ext>`).
    pub(crate) fn attachment_file_in_use(&self, sha256: &str, stored: &str) -> Result<bool> {
        let rows = self
            .db
            .query(
                "SELECT file_name FROM attachments WHERE sha256 = ?1",
                &[&sha256],
            )
            .sql("attachment file in use")?;
        for r in rows {
            let file_name: String = r.get(0)?;
            if stored_name(sha256, &file_name) == stored {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// Keep a file's contents in the database (once per hash).
pub(crate) fn store_file(db: &Db, sha256: &str, bytes: &[u8]) -> Result<()> {
    db.execute(
        "INSERT INTO attachment_files (sha256, bytes) VALUES (?1, ?2)
         ON CONFLICT (sha256) DO NOTHING",
        &[&sha256, &bytes],
    )
    .sql("store attachment file")?;
    Ok(())
}

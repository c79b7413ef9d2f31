//! 输出文件 — a file the office asked us to write (a printed 维修单 PDF, a month export).
//! Before anything is written the path is checked: never the database itself, its
//! `-wal`/`-shm`/`-journal`, nor anything inside the `attachments/` or `backups/` folders
//! beside it; the extension must match the format; an existing file is replaced only when
//! the caller says so (the CLI's `--force`; the window's save dialog has already asked).
//! The bytes go to a temporary file beside the target and are renamed into place, so a
//! viewer or printer never sees half a file.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};

/// Whether an existing file at the output path may be replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Refuse, naming the file (the CLI without `--force`).
    Keep,
    /// Replace it (the CLI's `--force`; a save dialog that already asked).
    Replace,
}

/// The folders beside the database that hold the office's own files.
pub const PROTECTED_DIRS: [&str; 2] = ["attachments", "backups"];

/// A checked output path: `extensions` are the lower-case extensions this kind of file
/// may have (the first is suggested in the message). `db` is the open database's path.
pub fn check(path: &Path, extensions: &[&str], db: &Path, existing: Existing) -> Result<PathBuf> {
    let shown = path.display();
    if path.to_str().is_none() {
        return Err(Error::invalid(format!(
            "文件路径“{shown}”含有无法识别的字符，请换一个只含中文、字母和数字的路径"
        )));
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase)
        .unwrap_or_default();
    if !extensions.contains(&ext.as_str()) {
        let wanted: Vec<String> = extensions.iter().map(|e| format!(".{e}")).collect();
        return Err(Error::invalid(format!(
            "文件“{shown}”的扩展名不对，请用 {} 结尾的文件名",
            wanted.join("、")
        )));
    }
    if path.is_dir() {
        return Err(Error::invalid(format!(
            "“{shown}”是一个文件夹，请指定要保存的文件名"
        )));
    }
    let target = resolved(path);
    if is_office_data(&target, db) {
        return Err(Error::invalid(format!(
            "不能把文件保存为“{shown}”：那里是报修台自己的数据（数据库、附件或备份），请换一个位置"
        )));
    }
    let dir = parent(path);
    if !dir.is_dir() {
        return Err(Error::NotFound(format!(
            "保存位置“{}”不存在，请先建好文件夹",
            dir.display()
        )));
    }
    if existing == Existing::Keep && std::fs::symlink_metadata(path).is_ok() {
        return Err(Error::invalid(format!(
            "文件“{shown}”已存在；要替换它请加 --force，或换一个文件名"
        )));
    }
    Ok(path.to_path_buf())
}

/// Write `bytes` to a temporary file beside `path` (synced), ready to [`Staged::place`].
pub fn stage(path: &Path, bytes: &[u8]) -> Result<Staged> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = parent(path).join(format!(".{name}.{}.part", std::process::id()));
    let written = std::fs::File::create(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(path, e));
    }
    Ok(Staged {
        tmp,
        target: path.to_path_buf(),
        placed: false,
    })
}

/// Write `bytes` to `path` whole or not at all.
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    stage(path, bytes)?.place()
}

/// A written temporary file waiting to be renamed into place; removed if dropped unplaced.
#[derive(Debug)]
pub struct Staged {
    tmp: PathBuf,
    target: PathBuf,
    placed: bool,
}

impl Staged {
    /// Rename the temporary file onto the target (atomic on one file system).
    pub fn place(mut self) -> Result<()> {
        std::fs::rename(&self.tmp, &self.target).map_err(|e| Error::io(&self.target, e))?;
        self.placed = true;
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.placed {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

fn parent(path: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The absolute path with symlinks of the existing part resolved, so `./x/../baoxiu.db`
/// or a link pointing at the database is recognised.
fn resolved(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    let name = path.file_name().map(PathBuf::from).unwrap_or_default();
    let dir = parent(path);
    std::fs::canonicalize(&dir)
        .unwrap_or_else(|_| absolute(&dir))
        .join(name)
}

fn absolute(p: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Whether `target` (resolved) is the database, one of its side files, or inside one of
/// the protected folders beside it.
fn is_office_data(target: &Path, db: &Path) -> bool {
    let db = resolved(db);
    let db_dir = parent(&db);
    let same = |a: &Path, b: &Path| {
        if cfg!(windows) || cfg!(target_os = "macos") {
            a.to_string_lossy().to_lowercase() == b.to_string_lossy().to_lowercase()
        } else {
            a == b
        }
    };
    let side_files = ["", "-wal", "-shm", "-journal"].map(|suffix| {
        let mut s = db.as_os_str().to_owned();
        s.push(suffix);
        PathBuf::from(s)
    });
    if side_files.iter().any(|f| same(target, f)) {
        return true;
    }
    PROTECTED_DIRS.iter().any(|d| {
        let folder = db_dir.join(d);
        target.ancestors().any(|a| same(a, &folder))
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn setup() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("baoxiu.db");
        std::fs::write(&db, b"db").unwrap();
        std::fs::create_dir(dir.path().join("attachments")).unwrap();
        (dir, db)
    }

    #[test]
    fn refuses_the_database_its_side_files_and_protected_folders() {
        let (dir, db) = setup();
        let d = dir.path();
        for bad in [
            d.join("baoxiu.db"),
            d.join("sub/../baoxiu.db"),
            d.join("attachments/x.pdf"),
            d.join("backups/x.pdf"),
        ] {
            std::fs::create_dir_all(d.join("sub")).unwrap();
            std::fs::create_dir_all(d.join("backups")).unwrap();
            let err = check(&bad, &["pdf", "db"], &db, Existing::Replace).unwrap_err();
            assert!(
                err.to_string().contains("报修台自己的数据"),
                "{bad:?}: {err}"
            );
        }
        for side in ["baoxiu.db-wal", "baoxiu.db-shm"] {
            // The extension check comes first for these; either way they are refused.
            assert!(check(&d.join(side), &["pdf"], &db, Existing::Replace).is_err());
        }
        assert!(check(&d.join("slip.pdf"), &["pdf"], &db, Existing::Keep).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn a_link_to_the_database_is_the_database() {
        let (dir, db) = setup();
        let link = dir.path().join("link.pdf");
        std::os::unix::fs::symlink(&db, &link).unwrap();
        let err = check(&link, &["pdf"], &db, Existing::Replace).unwrap_err();
        assert!(err.to_string().contains("报修台自己的数据"), "{err}");
    }

    #[test]
    fn wrong_extension_and_existing_files_are_refused_with_what_to_do() {
        let (dir, db) = setup();
        let err = check(&dir.path().join("a.txt"), &["pdf"], &db, Existing::Keep).unwrap_err();
        assert!(err.to_string().contains(".pdf"), "{err}");
        let existing = dir.path().join("a.pdf");
        std::fs::write(&existing, b"keep me").unwrap();
        let err = check(&existing, &["pdf"], &db, Existing::Keep).unwrap_err();
        assert!(err.to_string().contains("--force"), "{err}");
        assert!(check(&existing, &["pdf"], &db, Existing::Replace).is_ok());
        assert_eq!(std::fs::read(&existing).unwrap(), b"keep me");
    }

    #[test]
    fn an_unplaced_staged_file_leaves_nothing_behind() {
        let (dir, _db) = setup();
        let out = dir.path().join("x.pdf");
        drop(stage(&out, b"%PDF").unwrap());
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 2, "only the db and attachments/ remain");
        write(&out, b"%PDF").unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"%PDF");
    }
}

//! The file dialogs, opened from Rust. The page asks for a kind of file ("a photo for
//! ticket N", "a ledger to import", "where to save the month as PDF"); the path the user
//! picks never leaves this side, so a script in the page cannot name a file to read or
//! write. The page gets back what it shows (a file name, the result) and, for an import,
//! a token that stands for the previewed file.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use baoxiu::Error;
use tauri::{Runtime, WebviewWindow};
use tauri_plugin_dialog::{DialogExt, FilePath};

/// The end-to-end tests' stand-in for the native dialogs, which WebDriver cannot drive:
/// the path of a file whose text is the next dialog's answer (read and deleted; no file
/// is the user cancelling). Only the process environment can set it, never the page.
pub const SCRIPT_ENV: &str = "BAOXIU_E2E_PICKS";

/// Where file dialog answers come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Picker {
    /// The operating system's own open and save dialogs.
    Native,
    /// Answers from the file named by [`SCRIPT_ENV`] (tests only).
    Scripted(PathBuf),
}

/// One dialog: its title, the file type offered, and for a save dialog the proposed name.
pub struct Ask<'a> {
    pub title: String,
    pub filter: &'a str,
    pub extensions: &'a [&'a str],
    /// `Some(name)` makes it a save dialog proposing `name`.
    pub save_as: Option<String>,
}

impl Picker {
    pub fn from_env() -> Picker {
        match std::env::var_os(SCRIPT_ENV) {
            Some(p) if !p.is_empty() => Picker::Scripted(PathBuf::from(p)),
            _ => Picker::Native,
        }
    }

    /// The chosen path, or `None` when the user cancelled (not an error: the page just
    /// stays as it was).
    pub async fn ask<R: Runtime>(
        &self,
        window: &WebviewWindow<R>,
        ask: Ask<'_>,
    ) -> Result<Option<PathBuf>, Error> {
        match self {
            Picker::Scripted(answers) => scripted(answers),
            Picker::Native => native(window, ask).await,
        }
    }
}

fn scripted(answers: &Path) -> Result<Option<PathBuf>, Error> {
    let text = match std::fs::read_to_string(answers) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(answers, e)),
    };
    std::fs::remove_file(answers).map_err(|e| Error::io(answers, e))?;
    let answer = text.trim();
    Ok((!answer.is_empty()).then(|| PathBuf::from(answer)))
}

async fn native<R: Runtime>(
    window: &WebviewWindow<R>,
    ask: Ask<'_>,
) -> Result<Option<PathBuf>, Error> {
    let mut dialog = window
        .dialog()
        .file()
        .set_title(ask.title)
        .add_filter(ask.filter, ask.extensions);
    // As the dialog plugin's own commands do: an open dialog is tied to the window on
    // Windows and macOS only, a save dialog everywhere.
    if ask.save_as.is_some() || cfg!(any(windows, target_os = "macos")) {
        dialog = dialog.set_parent(window);
    }
    // The callback form: the dialog runs on the main thread, this task just waits.
    let (tx, mut rx) = tauri::async_runtime::channel::<Option<FilePath>>(1);
    let answer = move |p: Option<FilePath>| {
        let _ = tx.try_send(p);
    };
    match ask.save_as {
        Some(name) => dialog.set_file_name(name).save_file(answer),
        None => dialog.pick_file(answer),
    }
    match rx.recv().await.flatten() {
        None => Ok(None),
        Some(p) => p.into_path().map(Some).map_err(|e| {
            Error::invalid(format!("无法使用所选的文件（{e}），请选择本机磁盘上的文件"))
        }),
    }
}

/// What a picked file is for: a token for one purpose never names a file for another
/// (an import token cannot become an export destination).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A ledger to preview and import (read only).
    Import,
    /// Where the save dialog said a month export may be written.
    Export,
}

impl Purpose {
    fn lost(self) -> Error {
        Error::invalid(match self {
            Purpose::Import => "找不到预览过的文件，请重新点“选择文件…”选择台账",
            Purpose::Export => "找不到导出的保存位置，请重新点导出按钮选择",
        })
    }
}

/// Files the user picked that the page may refer to later by token (an import preview
/// then its 确认导入; a save destination then the export). Only the last few are kept.
#[derive(Default)]
pub struct Picks {
    /// The last token given out, and the kept files, oldest first.
    kept: Mutex<(u32, VecDeque<Kept>)>,
}

/// A token, what it is for, and the file it stands for.
type Kept = (u32, Purpose, PathBuf);

const KEPT: usize = 8;

impl Picks {
    pub fn keep(&self, purpose: Purpose, path: PathBuf) -> u32 {
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        kept.0 = kept.0.wrapping_add(1);
        let token = kept.0;
        kept.1.push_back((token, purpose, path));
        while kept.1.len() > KEPT {
            kept.1.pop_front();
        }
        token
    }

    /// The file kept under `token` for `purpose`; it stays kept.
    pub fn get(&self, purpose: Purpose, token: u32) -> Result<PathBuf, Error> {
        let kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        kept.1
            .iter()
            .find(|(t, p, _)| *t == token && *p == purpose)
            .map(|(_, _, path)| path.clone())
            .ok_or_else(|| purpose.lost())
    }

    /// The file kept under `token` for `purpose`, forgotten: a token used once.
    pub fn take(&self, purpose: Purpose, token: u32) -> Result<PathBuf, Error> {
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        let at = kept
            .1
            .iter()
            .position(|(t, p, _)| *t == token && *p == purpose)
            .ok_or_else(|| purpose.lost())?;
        kept.1
            .remove(at)
            .map(|(_, _, path)| path)
            .ok_or_else(|| purpose.lost())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scripted_answer_is_used_once_and_no_answer_is_a_cancel() {
        let dir = tempfile::tempdir().unwrap();
        let answers = dir.path().join("next");
        assert_eq!(scripted(&answers).unwrap(), None);
        std::fs::write(&answers, "/tmp/台账.xlsx\n").unwrap();
        assert_eq!(
            scripted(&answers).unwrap(),
            Some(PathBuf::from("/tmp/台账.xlsx"))
        );
        assert_eq!(scripted(&answers).unwrap(), None);
    }

    #[test]
    fn tokens_name_only_files_the_user_picked_for_that_purpose() {
        let picks = Picks::default();
        let first = picks.keep(Purpose::Import, PathBuf::from("/a.csv"));
        let second = picks.keep(Purpose::Export, PathBuf::from("/b.csv"));
        assert_eq!(
            picks.get(Purpose::Import, first).unwrap(),
            PathBuf::from("/a.csv")
        );
        assert_eq!(
            picks.get(Purpose::Import, first).unwrap(),
            PathBuf::from("/a.csv")
        );
        // An import token is no export destination, and the reverse.
        assert_eq!(
            picks.take(Purpose::Export, first).unwrap_err().code(),
            "invalid_input"
        );
        assert!(picks.get(Purpose::Import, second).is_err());
        assert!(picks.get(Purpose::Import, second + 1).is_err());
        // An export destination is used once.
        assert_eq!(
            picks.take(Purpose::Export, second).unwrap(),
            PathBuf::from("/b.csv")
        );
        assert!(picks.take(Purpose::Export, second).is_err());
        for i in 0..KEPT {
            picks.keep(Purpose::Import, PathBuf::from(format!("/{i}.csv")));
        }
        assert!(picks.get(Purpose::Import, first).is_err());
    }
}

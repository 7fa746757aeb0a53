//! The table `scripts/bench-scale` ends with: a column per tenant size, each figure with
//! ✓ or ✗ where a goal applies to it, the goals beside.

use serde_json::{Map, Value};

/// One line of the table: its label, how a run's figures read in it, the goal, and
/// whether a run of this many blocks meets it (`None`: no goal at this size).
struct Line {
    label: &'static str,
    figure: fn(&Map<String, Value>) -> Option<String>,
    goal: &'static str,
    met: fn(usize, &Map<String, Value>) -> Option<bool>,
}

fn number(row: &Map<String, Value>, key: &str) -> Option<f64> {
    row.get(key).and_then(Value::as_f64)
}

fn size(kb: f64) -> String {
    if kb < 1024.0 { format!("{kb:.1} KB") } else { format!("{:.1} MB", kb / 1024.0) }
}

fn millis(ms: f64) -> String {
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else if ms < 10_000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.1} s", ms / 1000.0)
    }
}

fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn no_goal(_: usize, _: &Map<String, Value>) -> Option<bool> {
    None
}

fn lines() -> Vec<Line> {
    vec![
        Line {
            label: "(day, block) items of the year",
            figure: |r| Some(grouped(number(r, "items")? as u64)),
            goal: "",
            met: no_goal,
        },
        Line {
            label: "cold fetch of the year (simulator)",
            figure: |r| Some(millis(number(r, "cold_year_ms")?)),
            goal: "",
            met: no_goal,
        },
        Line {
            label: "page HTML, a year (raw · br)",
            figure: |r| Some(format!("{} · {}", size(number(r, "page_kb")?), size(number(r, "page_br_kb")?))),
            goal: "≤ 250 KB at 2,000 × 365",
            met: |blocks, r| (blocks == 2000).then(|| number(r, "page_kb").is_some_and(|kb| kb <= 250.0)),
        },
        Line {
            label: "page render alone, a year",
            figure: |r| Some(millis(number(r, "render_ms")?)),
            goal: "≤ 60 ms at 2,000 × 365",
            met: |blocks, r| (blocks == 2000).then(|| number(r, "render_ms").is_some_and(|ms| ms <= 60.0)),
        },
        Line {
            label: "page render alone, 30 days",
            figure: |r| Some(format!("{} ({})", millis(number(r, "render_30_ms")?), size(number(r, "page_30_kb")?))),
            goal: "≤ 10 ms at 60 × 30",
            met: |blocks, r| (blocks == 60).then(|| number(r, "render_30_ms").is_some_and(|ms| ms <= 10.0)),
        },
        Line {
            label: "JSON API, a year (time · size)",
            figure: |r| Some(format!("{} · {}", millis(number(r, "json_ms")?), size(number(r, "json_kb")?))),
            goal: "≤ 250 ms at 2,000; ≤ the CSV's time",
            met: |blocks, r| {
                let (json, csv) = (number(r, "json_ms")?, number(r, "csv_ms")?);
                Some(json <= csv && (blocks != 2000 || json <= 250.0))
            },
        },
        Line {
            label: "  gzip adds (time · size)",
            figure: |r| {
                Some(format!(
                    "+{} · {}",
                    millis(number(r, "json_gzip_ms")? - number(r, "json_ms")?),
                    size(number(r, "json_gzip_kb")?)
                ))
            },
            goal: "",
            met: no_goal,
        },
        Line {
            label: "  brotli adds (time · size)",
            figure: |r| {
                Some(format!(
                    "+{} · {}",
                    millis(number(r, "json_br_ms")? - number(r, "json_ms")?),
                    size(number(r, "json_br_kb")?)
                ))
            },
            goal: "",
            met: no_goal,
        },
        Line {
            label: "CSV, a year (time · size)",
            figure: |r| Some(format!("{} · {}", millis(number(r, "csv_ms")?), size(number(r, "csv_kb")?))),
            goal: "",
            met: no_goal,
        },
        Line {
            label: "insights API, a year",
            figure: |r| Some(millis(number(r, "insights_ms")?)),
            goal: "≤ 60 ms",
            met: |_, r| Some(number(r, "insights_ms")? <= 60.0),
        },
        Line {
            label: "server RSS, all of it warm",
            figure: |r| Some(format!("{:.0} MB (peak {:.0})", number(r, "rss_mb")?, number(r, "rss_peak_mb")?)),
            goal: "",
            met: no_goal,
        },
        Line {
            label: "server RSS, 3 years warm",
            figure: |r| Some(format!("{:.0} MB (peak {:.0})", number(r, "rss_3y_mb")?, number(r, "rss_3y_peak_mb")?)),
            goal: "≤ 500 MB at 2,000 × 3 years",
            met: |blocks, r| (blocks == 2000).then(|| number(r, "rss_3y_mb").is_some_and(|mb| mb <= 500.0)),
        },
        Line {
            label: "page throughput, 30 days, 64 conn., br",
            figure: |r| {
                Some(format!("{:.0} req/s (p99 {})", number(r, "throughput_rps")?, millis(number(r, "throughput_p99_ms")?)))
            },
            goal: "≥ 600 req/s at 60 × 30",
            met: |blocks, r| (blocks == 60).then(|| number(r, "throughput_rps").is_some_and(|rps| rps >= 600.0)),
        },
        Line {
            label: "  /healthz, same run (ceiling)",
            figure: |r| Some(format!("{:.0} req/s", number(r, "healthz_rps")?)),
            goal: "",
            met: no_goal,
        },
        Line {
            label: "first look at a year, history fetched",
            figure: |r| match number(r, "first_look_ms") {
                Some(ms) => Some(format!("{} (fetch {:.0} s)", millis(ms), number(r, "history_s").unwrap_or_default())),
                None => r.get("first_look").and_then(Value::as_str).map(|s| s.split(':').next().unwrap_or(s).to_owned()),
            },
            goal: "≤ 1 s",
            met: |_, r| number(r, "first_look_ms").map(|ms| ms <= 1000.0),
        },
    ]
}

/// The table of `rows` (one or more a tenant size, merged by size).
pub fn render(rows: &[Map<String, Value>]) -> String {
    let mut sizes: Vec<(usize, Map<String, Value>)> = Vec::new();
    for row in rows {
        let Some(blocks) = row.get("blocks").and_then(Value::as_u64).map(|b| b as usize) else { continue };
        match sizes.iter_mut().find(|(b, _)| *b == blocks) {
            Some((_, merged)) => merged.extend(row.clone()),
            None => sizes.push((blocks, row.clone())),
        }
    }
    sizes.sort_by_key(|(blocks, _)| *blocks);
    const LABEL: usize = 40;
    const CELL: usize = 28;
    let pad = |s: &str, width: usize| format!("{s}{}", " ".repeat(width.saturating_sub(s.chars().count())));
    let mut out = pad("", LABEL);
    for (blocks, _) in &sizes {
        out.push_str(&pad(&format!("{} blocks", grouped(*blocks as u64)), CELL));
    }
    out.push_str("goal\n");
    let mut notes = Vec::new();
    for line in lines() {
        out.push_str(&pad(line.label, LABEL));
        for (blocks, row) in &sizes {
            let cell = match ((line.figure)(row), (line.met)(*blocks, row)) {
                (None, _) => "n/a".to_owned(),
                (Some(figure), None) => figure,
                (Some(figure), Some(true)) => format!("{figure} ✓"),
                (Some(figure), Some(false)) => format!("{figure} ✗"),
            };
            out.push_str(&pad(&cell, CELL));
        }
        out.push_str(line.goal);
        out.push('\n');
    }
    for (blocks, row) in &sizes {
        if let Some(why) = row.get("first_look").and_then(Value::as_str) {
            notes.push(format!("first look at {blocks} blocks: {why}"));
        }
    }
    for note in notes {
        out.push_str(&format!("({note})\n"));
    }
    out
}

//! Targets of a bulk run: from the command line, a file or stdin; one per line, or CSV
//! with a header row (as GAM writes them).

use std::io::Read;
use std::path::Path;

use super::exit::Failure;

/// Header names recognised as the column of targets, in order of preference.
pub const MEMBER_COLUMNS: &[&str] = &[
    "email",
    "primaryemail",
    "user",
    "member",
    "who",
    "name",
    "id",
];
pub const SPACE_COLUMNS: &[&str] = &["space", "name", "id", "displayname"];

/// The command line's targets, then the file's, without repeats, in order.
pub fn collect(
    args: &[String],
    from: Option<&Path>,
    columns: &[&str],
) -> Result<Vec<String>, Failure> {
    // In order, each once: a set answers "seen?" in constant time (40,000 lines).
    let mut out: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut push = |t: String| {
        if !t.is_empty() && seen.insert(t.clone()) {
            out.push(t);
        }
    };
    for a in args {
        push(a.trim().to_string());
    }
    if let Some(path) = from {
        let text = read(path)?;
        for t in parse(&text, columns)? {
            push(t);
        }
    }
    Ok(out)
}

/// Reads FILE, or stdin for `-`.
pub fn read(path: &Path) -> Result<String, Failure> {
    let mut text = String::new();
    let r = if path == Path::new("-") {
        std::io::stdin().read_to_string(&mut text)
    } else {
        std::fs::File::open(path).and_then(|mut f| f.read_to_string(&mut text))
    };
    r.map_err(|e| {
        Failure::usage(format!(
            "could not read {}: {e}.",
            if path == Path::new("-") {
                "stdin".to_string()
            } else {
                path.display().to_string()
            }
        ))
    })?;
    Ok(text)
}

fn is_header(cell: &str, columns: &[&str]) -> bool {
    let c = cell
        .trim()
        .to_ascii_lowercase()
        .replace([' ', '_', '-'], "");
    columns.contains(&c.as_str())
}

/// One target per line (blank lines and `#` comments skipped), or CSV with a header row.
pub fn parse(text: &str, columns: &[&str]) -> Result<Vec<String>, Failure> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap_or("");
    let csv = first.contains(',') || is_header(first, columns);
    if !csv {
        return Ok(text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(String::from)
            .collect());
    }
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| Failure::usage(format!("the CSV header row is unreadable: {e}.")))?
        .clone();
    let col = columns
        .iter()
        .find_map(|want| headers.iter().position(|h| is_header(h, &[want])))
        .unwrap_or(0);
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| Failure::usage(format!("CSV row {}: {e}.", i + 2)))?;
        if let Some(v) = rec.get(col) {
            if !v.is_empty() {
                out.push(v.to_string());
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_targets_once_each_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("people.txt");
        let lines: Vec<String> = (0..40_000)
            .map(|i| format!("p{}@example.com", i % 30_000))
            .collect();
        std::fs::write(&path, lines.join("\n")).unwrap();
        let args = vec!["p5@example.com".to_string(), "x@example.com".to_string()];
        let t = collect(&args, Some(&path), MEMBER_COLUMNS).unwrap();
        assert_eq!(t.len(), 30_001);
        assert_eq!(
            &t[..3],
            ["p5@example.com", "x@example.com", "p0@example.com"]
        );
    }

    #[test]
    fn lines_and_comments() {
        let t = parse("# people\nbob@example.com\n\n 1003 \n", MEMBER_COLUMNS).unwrap();
        assert_eq!(t, vec!["bob@example.com", "1003"]);
    }

    #[test]
    fn csv_picks_the_email_column() {
        let t = parse(
            "Name,Email,Role\n\"Li, Lei\",lilei@example.com,MEMBER\nBob,bob@example.com,MANAGER\n",
            MEMBER_COLUMNS,
        )
        .unwrap();
        assert_eq!(t, vec!["lilei@example.com", "bob@example.com"]);
    }

    #[test]
    fn one_column_csv_skips_its_header() {
        let t = parse("\u{feff}email\na@example.com\n", MEMBER_COLUMNS).unwrap();
        assert_eq!(t, vec!["a@example.com"]);
    }
}

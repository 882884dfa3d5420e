//! Line (and branch) coverage per file from the coverage formats the buildspec
//! reference lists: COBERTURAXML, JACOCOXML, CLOVERXML and SIMPLECOV.

use std::collections::BTreeMap;

use serde_json::Value;

use super::xml::{self, Node};

/// One file's coverage (CodeBuild API Reference, CodeCoverage).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FileCoverage {
    pub path: String,
    pub lines_covered: u64,
    pub lines_missed: u64,
    pub branches_covered: u64,
    pub branches_missed: u64,
}

impl FileCoverage {
    pub fn line_percent(&self) -> f64 {
        percent(self.lines_covered, self.lines_missed)
    }
    pub fn branch_percent(&self) -> f64 {
        percent(self.branches_covered, self.branches_missed)
    }
}

/// Covered share in percent, one decimal (0 when nothing counts).
pub fn percent(covered: u64, missed: u64) -> f64 {
    let total = covered + missed;
    if total == 0 { 0.0 } else { (covered as f64 * 1000.0 / total as f64).round() / 10.0 }
}

/// Parses one coverage file of `format` (upper case).
pub fn parse(format: &str, text: &str) -> Result<Vec<FileCoverage>, String> {
    match format {
        "COBERTURAXML" => cobertura(&xml::parse(text)?),
        "JACOCOXML" => jacoco(&xml::parse(text)?),
        "CLOVERXML" => clover(&xml::parse(text)?),
        "SIMPLECOV" => simplecov(text),
        other => Err(format!("file-format {other} is not a coverage format")),
    }
}

fn num(n: &Node, attr: &str) -> u64 {
    n.attr(attr).and_then(|v| v.trim().parse::<u64>().ok()).unwrap_or(0)
}

/// `<class filename=…><lines><line number hits branch condition-coverage="50% (1/2)"/>`;
/// classes of one file are merged by line number.
fn cobertura(root: &Node) -> Result<Vec<FileCoverage>, String> {
    if root.name != "coverage" {
        return Err(format!("not a Cobertura report: the root element is <{}>", root.name));
    }
    let mut classes = Vec::new();
    root.descendants("class", &mut classes);
    // file -> line -> (hits, branches covered, branches total)
    let mut files: BTreeMap<String, BTreeMap<u64, (u64, u64, u64)>> = BTreeMap::new();
    for class in classes {
        let Some(file) = class.attr("filename") else { continue };
        let lines = files.entry(file.to_string()).or_default();
        for line in class.children("lines").flat_map(|l| l.children("line")) {
            let entry = lines.entry(num(line, "number")).or_default();
            entry.0 = entry.0.max(num(line, "hits"));
            // "50% (1/2)": covered/total conditions.
            if let Some((c, t)) = line
                .attr("condition-coverage")
                .and_then(|cc| cc.split_once('(')?.1.strip_suffix(')')?.split_once('/'))
                .and_then(|(c, t)| Some((c.trim().parse::<u64>().ok()?, t.trim().parse::<u64>().ok()?)))
            {
                entry.1 = entry.1.max(c);
                entry.2 = entry.2.max(t);
            }
        }
    }
    Ok(files
        .into_iter()
        .map(|(path, lines)| {
            let mut f = FileCoverage { path, ..Default::default() };
            for (hits, bc, bt) in lines.values() {
                if *hits > 0 {
                    f.lines_covered += 1
                } else {
                    f.lines_missed += 1
                }
                f.branches_covered += bc;
                f.branches_missed += bt.saturating_sub(*bc);
            }
            f
        })
        .collect())
}

/// `<package name=p><sourcefile name=F><counter type="LINE" missed covered/>`.
fn jacoco(root: &Node) -> Result<Vec<FileCoverage>, String> {
    if root.name != "report" {
        return Err(format!("not a JaCoCo report: the root element is <{}>", root.name));
    }
    let mut packages = Vec::new();
    root.descendants("package", &mut packages);
    let mut out = Vec::new();
    for p in packages {
        let dir = p.attr("name").unwrap_or_default();
        for sf in p.children("sourcefile") {
            let name = sf.attr("name").unwrap_or_default();
            let path = if dir.is_empty() { name.to_string() } else { format!("{dir}/{name}") };
            let mut f = FileCoverage { path, ..Default::default() };
            for c in sf.children("counter") {
                match c.attr("type") {
                    Some("LINE") => (f.lines_covered, f.lines_missed) = (num(c, "covered"), num(c, "missed")),
                    Some("BRANCH") => (f.branches_covered, f.branches_missed) = (num(c, "covered"), num(c, "missed")),
                    _ => {}
                }
            }
            out.push(f);
        }
    }
    Ok(out)
}

/// `<file path=…><line num type="stmt|cond" count truecount falsecount/>`.
fn clover(root: &Node) -> Result<Vec<FileCoverage>, String> {
    if root.name != "coverage" {
        return Err(format!("not a Clover report: the root element is <{}>", root.name));
    }
    let mut files = Vec::new();
    root.descendants("file", &mut files);
    Ok(files
        .into_iter()
        .map(|file| {
            let path = file.attr("path").or(file.attr("name")).unwrap_or_default().to_string();
            let mut f = FileCoverage { path, ..Default::default() };
            for line in file.children("line") {
                match line.attr("type") {
                    Some("cond") => {
                        let taken = [num(line, "truecount"), num(line, "falsecount")];
                        let covered = taken.iter().filter(|n| **n > 0).count() as u64;
                        f.branches_covered += covered;
                        f.branches_missed += 2 - covered;
                    }
                    _ if num(line, "count") > 0 => f.lines_covered += 1,
                    _ => f.lines_missed += 1,
                }
            }
            f
        })
        .collect())
}

/// simplecov-json: `{"files": [{"filename", "coverage": [hits|null…] or {"lines": […]}}]}`.
fn simplecov(text: &str) -> Result<Vec<FileCoverage>, String> {
    let doc: Value = serde_json::from_str(text).map_err(|e| format!("invalid SimpleCov JSON: {e}"))?;
    let files = doc.get("files").and_then(Value::as_array).ok_or("not a SimpleCov JSON report: no \"files\" list")?;
    Ok(files
        .iter()
        .map(|file| {
            let path = file.get("filename").and_then(Value::as_str).unwrap_or_default().to_string();
            let lines = file.get("coverage").map(|c| c.get("lines").unwrap_or(c)).and_then(Value::as_array);
            let mut f = FileCoverage { path, ..Default::default() };
            for hits in lines.into_iter().flatten().filter_map(Value::as_u64) {
                if hits > 0 { f.lines_covered += 1 } else { f.lines_missed += 1 }
            }
            f
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cobertura_merges_classes_of_a_file_by_line() {
        let doc = r#"<?xml version="1.0" ?><coverage line-rate="0.6"><packages><package name="model"><classes>
            <class name="a" filename="model/run.py"><lines>
              <line number="1" hits="3"/><line number="2" hits="0"/>
              <line number="3" hits="1" branch="true" condition-coverage="50% (1/2)"/>
            </lines></class>
            <class name="b" filename="model/run.py"><lines><line number="2" hits="4"/><line number="9" hits="0"/></lines></class>
            <class name="c" filename="data/make.py"><lines><line number="1" hits="0"/></lines></class>
        </classes></package></packages></coverage>"#;
        let files = parse("COBERTURAXML", doc).unwrap();
        assert_eq!(files.len(), 2);
        let run = files.iter().find(|f| f.path == "model/run.py").unwrap();
        assert_eq!((run.lines_covered, run.lines_missed, run.branches_covered, run.branches_missed), (3, 1, 1, 1));
        assert_eq!(run.line_percent(), 75.0);
        assert_eq!(files.iter().find(|f| f.path == "data/make.py").unwrap().line_percent(), 0.0);
    }

    #[test]
    fn jacoco_clover_and_simplecov_count_lines() {
        let jacoco = r#"<report name="r"><package name="com/x"><sourcefile name="A.java">
            <counter type="LINE" missed="2" covered="6"/><counter type="BRANCH" missed="1" covered="3"/>
            </sourcefile></package></report>"#;
        let f = &parse("JACOCOXML", jacoco).unwrap()[0];
        assert_eq!((f.path.as_str(), f.lines_covered, f.lines_missed, f.branches_missed), ("com/x/A.java", 6, 2, 1));
        let clover = r#"<coverage><project><file name="a.php" path="src/a.php">
            <line num="1" type="stmt" count="2"/><line num="2" type="stmt" count="0"/>
            <line num="3" type="cond" truecount="1" falsecount="0"/></file></project></coverage>"#;
        let f = &parse("CLOVERXML", clover).unwrap()[0];
        assert_eq!((f.path.as_str(), f.lines_covered, f.lines_missed, f.branches_covered), ("src/a.php", 1, 1, 1));
        let simplecov = r#"{"files": [{"filename": "lib/a.rb", "coverage": {"lines": [1, 0, null, 5]}}]}"#;
        let f = &parse("SIMPLECOV", simplecov).unwrap()[0];
        assert_eq!((f.lines_covered, f.lines_missed), (2, 1));
        assert!(parse("COBERTURAXML", "<report/>").unwrap_err().contains("not a Cobertura"));
        assert_eq!(percent(1, 2), 33.3);
    }
}

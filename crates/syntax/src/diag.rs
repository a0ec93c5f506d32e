//! Diagnostics with source positions, rendered by `codespan-reporting`.

use crate::ast::Span;
use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, termcolor::NoColor};

/// One error found in a source file: where it is and a one-sentence message.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// The offending source range.
    pub span: Span,
    /// What is wrong, as one clear sentence.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic at `span` with `message`.
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        Diagnostic { span, message: message.into() }
    }
}

/// `offset` clamped to `source` and moved back to the start of the character it falls in.
fn char_floor(source: &str, offset: u32) -> usize {
    let mut offset = (offset as usize).min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The 1-based line and column (counted in characters) of byte offset `offset` in `source`.
pub fn line_col(source: &str, offset: u32) -> (usize, usize) {
    let before = &source[..char_floor(source, offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Renders `diags` as `file:line:col: error: message` followed by the source line and a caret.
pub fn render(file_name: &str, source: &str, diags: &[Diagnostic]) -> String {
    render_files(&[SourceFile { name: file_name.to_string(), source: source.to_string() }], diags)
}

/// A source file of a compilation: its name (as shown in messages) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The path as given by the user or an import.
    pub name: String,
    /// The file's text.
    pub source: String,
}

/// [`render`] for diagnostics from several files: each span's `file` indexes `files`
/// (spans with an unknown index are shown against the first file).
pub fn render_files(files: &[SourceFile], diags: &[Diagnostic]) -> String {
    let config = term::Config::default();
    let mut out = NoColor::new(Vec::new());
    for d in diags {
        let Some(f) = files.get(d.span.file as usize).or(files.first()) else { continue };
        let (file_name, source) = (f.name.as_str(), f.source.as_str());
        let file = SimpleFile::new(file_name, source);
        let (line, col) = line_col(source, d.span.start);
        let start = char_floor(source, d.span.start);
        let end = char_floor(source, d.span.end).max(start);
        let cs = CsDiagnostic::error()
            .with_message(format!("{file_name}:{line}:{col}: {}", d.message))
            .with_labels(vec![Label::primary((), start..end)]);
        // Writing into a Vec cannot fail.
        let _ = term::emit(&mut out, &config, &file, &cs);
    }
    String::from_utf8_lossy(&out.into_inner()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        let src = "ab\ncdé\nf";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 3), (2, 1));
        assert_eq!(line_col(src, 7), (2, 4));
        assert_eq!(line_col(src, 100), (3, 2));
        // An offset inside a character counts as that character's start.
        assert_eq!(line_col(src, 6), (2, 3));
    }

    #[test]
    fn render_shows_location_source_line_and_caret() {
        let src = "x = 1;\ny = (2 + ;\n";
        let diags = [Diagnostic::new(Span::new(16, 17), "expected an expression, found `;`")];
        let out = render("s.daphne", src, &diags);
        eprintln!("{out}");
        assert!(out.contains("s.daphne:2:10: expected an expression, found `;`"), "{out}");
        assert!(out.contains("y = (2 + ;"), "{out}");
        let caret_line = out.lines().find(|l| l.contains('^')).expect("a caret line");
        let source_line = out.lines().find(|l| l.contains("y = (2 + ;")).unwrap();
        assert_eq!(caret_line.find('^'), source_line.find(';'), "{out}");
    }

    #[test]
    fn render_handles_end_of_input_and_empty_files() {
        let out =
            render("e.daphne", "", &[Diagnostic::new(Span::new(0, 0), "expected a statement")]);
        assert!(out.contains("e.daphne:1:1: expected a statement"), "{out}");
        let src = "x = 1 +";
        let out =
            render("t.daphne", src, &[Diagnostic::new(Span::new(7, 7), "expected an expression")]);
        assert!(out.contains("t.daphne:1:8: expected an expression"), "{out}");
        // Out-of-range spans are clamped rather than panicking.
        let out = render("t.daphne", src, &[Diagnostic::new(Span::new(50, 60), "far away")]);
        assert!(out.contains("t.daphne:1:8: far away"), "{out}");
        let out = render("u.daphne", "é", &[Diagnostic::new(Span::new(1, 2), "inside")]);
        assert!(out.contains("u.daphne:1:1: inside"), "{out}");
    }
}

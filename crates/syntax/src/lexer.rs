//! The DaphneDSL lexer, built on `logos`.
//!
//! Token boundaries follow DaphneDSL's reference grammar, including its longest-match quirks:
//! `[[` and `]]` are single tokens (so `X[1, Y[2, 3]]` does not close two brackets), `1.` is the
//! integer `1` followed by `.`, and `1e05` is the float `1e0` followed by the integer `5`.
//!
//! Lexical errors (unknown characters, bad escapes, unterminated strings and comments, integer
//! overflow) are collected as [`Diagnostic`]s next to the token stream; the lexer itself never
//! fails, so the parser always sees a complete stream ending in [`Tok::Eof`].

use crate::ast::{DataTypeName, IntSuffix, Span, ValueTypeName};
use crate::diag::Diagnostic;
use logos::Logos;

/// A numeric literal as lexed (the sign is never part of it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum NumLit {
    /// An integer literal; `value` saturates at `u64::MAX` on overflow (a diagnostic is recorded).
    Int { value: u64, suffix: IntSuffix },
    /// A floating-point literal. For `f`-suffixed literals `value` is the correctly rounded f32
    /// widened to f64, so converting it back to f32 is exact.
    Float { value: f64, is_f32: bool },
}

/// The kinds of tokens of DaphneDSL.
#[derive(Logos, Debug, Clone, PartialEq)]
#[logos(extras = Vec<Diagnostic>)]
#[logos(skip r"[ \t\r\n]+")]
#[logos(skip r"#[^\r\n]*")]
#[logos(skip r"//[^\r\n]*")]
pub(crate) enum Tok {
    /// `/* ... */`; filtered out by [`lex`] (it is a token only so that the callback can report
    /// an unterminated comment).
    #[token("/*", block_comment)]
    BlockComment,

    #[token("if")]
    If,
    #[token("else")]
    Else,
    #[token("while")]
    While,
    #[token("do")]
    Do,
    #[token("for")]
    For,
    #[token("in")]
    In,
    #[token("true")]
    True,
    #[token("false")]
    False,
    #[token("as")]
    As,
    #[token("def")]
    Def,
    #[token("return")]
    Return,
    #[token("import")]
    Import,

    #[token("matrix", |_| DataTypeName::Matrix)]
    #[token("frame", |_| DataTypeName::Frame)]
    #[token("scalar", |_| DataTypeName::Scalar)]
    DataType(DataTypeName),

    #[token("f64", |_| ValueTypeName::F64)]
    #[token("f32", |_| ValueTypeName::F32)]
    #[token("si64", |_| ValueTypeName::Si64)]
    #[token("si32", |_| ValueTypeName::Si32)]
    #[token("si8", |_| ValueTypeName::Si8)]
    #[token("ui64", |_| ValueTypeName::Ui64)]
    #[token("ui32", |_| ValueTypeName::Ui32)]
    #[token("ui8", |_| ValueTypeName::Ui8)]
    #[token("str", |_| ValueTypeName::Str)]
    #[token("bool", |_| ValueTypeName::Bool)]
    ValueType(ValueTypeName),

    /// Numbers start with a digit; the callback scans the rest by hand to reproduce the
    /// reference grammar's longest-match behaviour exactly.
    #[regex("[0-9]", lex_number)]
    // DaphneDSL quirk: `nanf` and `inff` are f64 constants (the value of the f32 special value).
    #[token("nan", |_| NumLit::Float { value: f64::NAN, is_f32: false })]
    #[token("nanf", |_| NumLit::Float { value: f64::NAN, is_f32: false })]
    #[token("inf", |_| NumLit::Float { value: f64::INFINITY, is_f32: false })]
    #[token("inff", |_| NumLit::Float { value: f64::INFINITY, is_f32: false })]
    Number(NumLit),

    /// A string literal with its escapes resolved.
    #[token("\"", lex_string)]
    Str(String),

    #[regex("[a-zA-Z_][a-zA-Z0-9_]*", |lex| lex.slice().to_owned())]
    Ident(String),

    #[token("$")]
    Dollar,
    #[token(".")]
    Dot,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token("[[")]
    LFilter,
    #[token("]]")]
    RFilter,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token(",")]
    Comma,
    #[token(";")]
    Semi,
    #[token(":")]
    Colon,
    #[token("::")]
    ColonColon,
    #[token("->")]
    Arrow,
    #[token("=")]
    Assign,
    #[token("==")]
    EqEq,
    #[token("!=")]
    NotEq,
    #[token("<")]
    Lt,
    #[token("<=")]
    Le,
    #[token(">")]
    Gt,
    #[token(">=")]
    Ge,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,
    #[token("@")]
    At,
    #[token("^")]
    Caret,
    #[token("%")]
    Percent,
    #[token("&&")]
    AndAnd,
    #[token("||")]
    OrOr,
    #[token("?")]
    Question,

    /// Characters that start no token (already reported by [`lex`]); produced only by [`lex`].
    Error,
    /// The end of the input; produced only by [`lex`].
    Eof,
}

/// A token with its position.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    /// What was lexed.
    pub tok: Tok,
    /// Where it was lexed.
    pub span: Span,
}

/// Splits `source` into tokens (always ending in [`Tok::Eof`]) and lexical diagnostics.
pub(crate) fn lex(source: &str) -> (Vec<Token>, Vec<Diagnostic>) {
    let mut lexer = Tok::lexer(source);
    let mut tokens: Vec<Token> = Vec::new();
    while let Some(result) = lexer.next() {
        let range = lexer.span();
        let span = Span::new(range.start, range.end);
        match result {
            Ok(Tok::BlockComment) => {}
            Ok(tok) => tokens.push(Token { tok, span }),
            Err(()) => match tokens.last_mut() {
                // Merge runs of unknown characters into one token and one diagnostic.
                Some(last) if last.tok == Tok::Error && last.span.end == span.start => {
                    last.span.end = span.end;
                }
                _ => tokens.push(Token { tok: Tok::Error, span }),
            },
        }
    }
    let mut diags = lexer.extras;
    for t in tokens.iter().filter(|t| t.tok == Tok::Error) {
        let text = source.get(t.span.start as usize..t.span.end as usize).unwrap_or("");
        let what = if text.chars().count() == 1 { "character" } else { "characters" };
        diags.push(Diagnostic::new(t.span, format!("unexpected {what} `{}`", text.escape_debug())));
    }
    tokens.push(Token { tok: Tok::Eof, span: Span::new(source.len(), source.len()) });
    (tokens, diags)
}

/// Skips a block comment whose `/*` has just been lexed; reports it if it is unterminated.
fn block_comment(lex: &mut logos::Lexer<Tok>) {
    match lex.remainder().find("*/") {
        Some(end) => lex.bump(end + 2),
        None => {
            let start = lex.span().start;
            lex.extras.push(Diagnostic::new(
                Span::new(start, start + 2),
                "unterminated block comment: missing `*/`",
            ));
            lex.bump(lex.remainder().len());
        }
    }
}

/// Lexes a string literal whose opening `"` has just been lexed, resolving escapes.
fn lex_string(lex: &mut logos::Lexer<Tok>) -> String {
    let open = lex.span().start;
    let rest = lex.remainder();
    let mut value = String::new();
    let mut chars = rest.char_indices();
    let consumed = loop {
        let Some((i, c)) = chars.next() else {
            lex.extras.push(Diagnostic::new(
                Span::new(open, open + 1),
                "unterminated string literal: missing closing `\"`",
            ));
            break rest.len();
        };
        match c {
            '"' => break i + 1,
            '\\' => match chars.next() {
                Some((_, e)) => match e {
                    'b' => value.push('\u{8}'),
                    'f' => value.push('\u{c}'),
                    'n' => value.push('\n'),
                    'r' => value.push('\r'),
                    't' => value.push('\t'),
                    '"' => value.push('"'),
                    '\\' => value.push('\\'),
                    other => {
                        let at = open + 1 + i;
                        lex.extras.push(Diagnostic::new(
                            Span::new(at, at + 1 + other.len_utf8()),
                            format!(
                                "invalid escape sequence `\\{}` in string literal (allowed are \
                                 \\b \\f \\n \\r \\t \\\" \\\\)",
                                other.escape_debug()
                            ),
                        ));
                        value.push(other);
                    }
                },
                None => {
                    lex.extras.push(Diagnostic::new(
                        Span::new(open, open + 1),
                        "unterminated string literal: missing closing `\"`",
                    ));
                    break rest.len();
                }
            },
            c => value.push(c),
        }
    };
    lex.bump(consumed);
    value
}

/// Is `c` a digit separator (`_` or `'`)?
fn is_sep(c: u8) -> bool {
    c == b'_' || c == b'\''
}

/// Scans `digit (sep? digit)*` starting at `pos` (which must hold a digit); returns the end.
fn scan_digits(s: &[u8], mut pos: usize) -> usize {
    pos += 1;
    loop {
        match s.get(pos) {
            Some(c) if c.is_ascii_digit() => pos += 1,
            Some(&c) if is_sep(c) && s.get(pos + 1).is_some_and(u8::is_ascii_digit) => pos += 2,
            _ => return pos,
        }
    }
}

/// Lexes a number whose first digit has just been lexed.
///
/// The grammar: `int := 0 | [1-9](sep? digit)*`, integers `int (l|u|ull|z)?`, floats
/// `int (frac | frac? exp) f?` with `frac := . digit (sep? digit)*` and
/// `exp := [eE] [+-]? (0 | [1-9] digit*)`. Like a longest-match lexer, a partial fraction or
/// exponent (`1.`, `1e`, `1e+`) is not consumed.
fn lex_number(lex: &mut logos::Lexer<Tok>) -> NumLit {
    let start = lex.span().start;
    let s = &lex.source().as_bytes()[start..];
    let int_end = if s[0] == b'0' { 1 } else { scan_digits(s, 0) };

    let mut end = int_end;
    let mut is_float = false;
    if s.get(end) == Some(&b'.') && s.get(end + 1).is_some_and(u8::is_ascii_digit) {
        end = scan_digits(s, end + 1);
        is_float = true;
    }
    if matches!(s.get(end), Some(b'e' | b'E')) {
        let mut p = end + 1;
        if matches!(s.get(p), Some(b'+' | b'-')) {
            p += 1;
        }
        match s.get(p) {
            Some(b'0') => {
                end = p + 1;
                is_float = true;
            }
            Some(b'1'..=b'9') => {
                p += 1;
                while s.get(p).is_some_and(u8::is_ascii_digit) {
                    p += 1;
                }
                end = p;
                is_float = true;
            }
            _ => {}
        }
    }

    let lit = if is_float {
        let is_f32 = s.get(end) == Some(&b'f');
        let text: String = s[..end].iter().filter(|&&c| !is_sep(c)).map(|&c| c as char).collect();
        // The text matches Rust's float syntax, so parsing cannot fail.
        let value = if is_f32 {
            text.parse::<f32>().map_or(f64::NAN, f64::from)
        } else {
            text.parse::<f64>().unwrap_or(f64::NAN)
        };
        end += usize::from(is_f32);
        NumLit::Float { value, is_f32 }
    } else {
        let rest = &s[int_end..];
        let (suffix, len) = if rest.starts_with(b"ull") {
            (IntSuffix::Unsigned, 3)
        } else {
            match rest.first() {
                Some(b'u') => (IntSuffix::Unsigned, 1),
                Some(b'l') => (IntSuffix::Long, 1),
                Some(b'z') => (IntSuffix::Size, 1),
                _ => (IntSuffix::None, 0),
            }
        };
        let mut value: Option<u64> = Some(0);
        for &c in s[..int_end].iter().filter(|&&c| !is_sep(c)) {
            value = value
                .and_then(|v| v.checked_mul(10))
                .and_then(|v| v.checked_add(u64::from(c - b'0')));
        }
        end = int_end + len;
        let value = value.unwrap_or_else(|| {
            lex.extras.push(Diagnostic::new(
                Span::new(start, start + end),
                format!("integer literal is too large (the maximum is {})", u64::MAX),
            ));
            u64::MAX
        });
        NumLit::Int { value, suffix }
    };
    lex.bump(end - 1);
    lit
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<Tok> {
        let (tokens, diags) = lex(src);
        assert!(diags.is_empty(), "unexpected diagnostics for {src:?}: {diags:?}");
        tokens.into_iter().map(|t| t.tok).filter(|t| *t != Tok::Eof).collect()
    }

    fn int(value: u64, suffix: IntSuffix) -> Tok {
        Tok::Number(NumLit::Int { value, suffix })
    }

    fn float(value: f64, is_f32: bool) -> Tok {
        Tok::Number(NumLit::Float { value, is_f32 })
    }

    fn ident(name: &str) -> Tok {
        Tok::Ident(name.to_owned())
    }

    #[test]
    fn integers_with_separators_and_suffixes() {
        assert_eq!(toks("0"), [int(0, IntSuffix::None)]);
        assert_eq!(toks("1'234'567"), [int(1_234_567, IntSuffix::None)]);
        assert_eq!(toks("1_000"), [int(1000, IntSuffix::None)]);
        assert_eq!(toks("5u"), [int(5, IntSuffix::Unsigned)]);
        assert_eq!(toks("5ull"), [int(5, IntSuffix::Unsigned)]);
        assert_eq!(toks("5l"), [int(5, IntSuffix::Long)]);
        assert_eq!(toks("5z"), [int(5, IntSuffix::Size)]);
        assert_eq!(toks("18446744073709551615u"), [int(u64::MAX, IntSuffix::Unsigned)]);
        assert_eq!(toks("9223372036854775808"), [int(1 << 63, IntSuffix::None)]);
    }

    #[test]
    fn integer_longest_match_quirks() {
        // No leading zeros: `01` is two integers.
        assert_eq!(toks("01"), [int(0, IntSuffix::None), int(1, IntSuffix::None)]);
        // A separator must be followed by a digit.
        assert_eq!(toks("1_"), [int(1, IntSuffix::None), ident("_")]);
        assert_eq!(toks("1__0"), [int(1, IntSuffix::None), ident("__0")]);
        // `ul` is not a suffix: `u` is taken, then `l` is an identifier.
        assert_eq!(toks("1ul"), [int(1, IntSuffix::Unsigned), ident("l")]);
        assert_eq!(toks("2abc"), [int(2, IntSuffix::None), ident("abc")]);
        // `1.` and `.5` are not floats.
        assert_eq!(toks("1."), [int(1, IntSuffix::None), Tok::Dot]);
        assert_eq!(toks(".5"), [Tok::Dot, int(5, IntSuffix::None)]);
    }

    #[test]
    fn integer_overflow_is_reported() {
        let (tokens, diags) = lex("x 18446744073709551616");
        assert_eq!(tokens[1].tok, int(u64::MAX, IntSuffix::None));
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].span, Span::new(2, 22));
        assert!(diags[0].message.contains("too large"), "{}", diags[0].message);
    }

    #[test]
    fn floats() {
        assert_eq!(toks("1.5"), [float(1.5, false)]);
        assert_eq!(toks("0.25f"), [float(0.25, true)]);
        assert_eq!(toks("1e6"), [float(1e6, false)]);
        assert_eq!(toks("1E-3"), [float(1e-3, false)]);
        assert_eq!(toks("2.5e+2f"), [float(250.0, true)]);
        assert_eq!(toks("1_2'3.4'5_6f"), [float(f64::from(123.456_f32), true)]);
        assert_eq!(toks("1'000.000'1"), [float(1000.0001, false)]);
        // The exponent has no leading zeros and no separators.
        assert_eq!(toks("1e05"), [float(1.0, false), int(5, IntSuffix::None)]);
        assert_eq!(toks("1e1_0"), [float(10.0, false), ident("_0")]);
        // Partial exponents are not consumed.
        assert_eq!(toks("1e"), [int(1, IntSuffix::None), ident("e")]);
        assert_eq!(toks("1.5e+"), [float(1.5, false), ident("e"), Tok::Plus]);
        assert_eq!(toks("1.5f64"), [float(1.5, true), int(64, IntSuffix::None)]);
    }

    #[test]
    fn special_floats() {
        let is_nan = |t: &Tok, f32_flag: bool| matches!(t, Tok::Number(NumLit::Float { value, is_f32 }) if value.is_nan() && *is_f32 == f32_flag);
        assert!(is_nan(&toks("nan")[0], false));
        assert!(is_nan(&toks("nanf")[0], false));
        assert_eq!(toks("inf"), [float(f64::INFINITY, false)]);
        assert_eq!(toks("inff"), [float(f64::INFINITY, false)]);
        assert_eq!(toks("nanx infinity"), [ident("nanx"), ident("infinity")]);
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(toks(r#""a b""#), [Tok::Str("a b".into())]);
        assert_eq!(toks(r#""\b\f\n\r\t\"\\""#), [Tok::Str("\u{8}\u{c}\n\r\t\"\\".into())]);
        assert_eq!(toks(r#""\\n""#), [Tok::Str("\\n".into())]);
        assert_eq!(toks("\"two\nlines ü\""), [Tok::Str("two\nlines ü".into())]);
        assert_eq!(toks(r##""# not a comment""##), [Tok::Str("# not a comment".into())]);
    }

    #[test]
    fn bad_strings_are_reported() {
        let (tokens, diags) = lex(r#""a\qb" x"#);
        assert_eq!(tokens[0].tok, Tok::Str("aqb".into()));
        assert_eq!(tokens[1].tok, ident("x"));
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].span, Span::new(2, 4));
        assert!(diags[0].message.contains("invalid escape sequence `\\q`"));

        let (tokens, diags) = lex("x = \"abc");
        assert_eq!(tokens.len(), 4);
        assert_eq!(diags[0].span, Span::new(4, 5));
        assert!(diags[0].message.starts_with("unterminated string literal"));

        let (_, diags) = lex("\"abc\\");
        assert!(diags[0].message.starts_with("unterminated string literal"));
    }

    #[test]
    fn keywords_types_and_identifiers() {
        assert_eq!(
            toks("if else while do for in true false as def return import"),
            [
                Tok::If,
                Tok::Else,
                Tok::While,
                Tok::Do,
                Tok::For,
                Tok::In,
                Tok::True,
                Tok::False,
                Tok::As,
                Tok::Def,
                Tok::Return,
                Tok::Import
            ]
        );
        assert_eq!(
            toks("matrix frame scalar f64 ui8 str bool"),
            [
                Tok::DataType(DataTypeName::Matrix),
                Tok::DataType(DataTypeName::Frame),
                Tok::DataType(DataTypeName::Scalar),
                Tok::ValueType(ValueTypeName::F64),
                Tok::ValueType(ValueTypeName::Ui8),
                Tok::ValueType(ValueTypeName::Str),
                Tok::ValueType(ValueTypeName::Bool)
            ]
        );
        assert_eq!(
            toks("iff _x X1 matrix2"),
            [ident("iff"), ident("_x"), ident("X1"), ident("matrix2")]
        );
    }

    #[test]
    fn punctuation_uses_longest_match() {
        assert_eq!(
            toks("[[ ]] [ [ :: : -> == = != <= < >= > && || ? $ @ ^ %"),
            [
                Tok::LFilter,
                Tok::RFilter,
                Tok::LBracket,
                Tok::LBracket,
                Tok::ColonColon,
                Tok::Colon,
                Tok::Arrow,
                Tok::EqEq,
                Tok::Assign,
                Tok::NotEq,
                Tok::Le,
                Tok::Lt,
                Tok::Ge,
                Tok::Gt,
                Tok::AndAnd,
                Tok::OrOr,
                Tok::Question,
                Tok::Dollar,
                Tok::At,
                Tok::Caret,
                Tok::Percent
            ]
        );
        assert_eq!(toks("[[["), [Tok::LFilter, Tok::LBracket]);
        assert_eq!(toks("]]]"), [Tok::RFilter, Tok::RBracket]);
    }

    #[test]
    fn comments_are_skipped() {
        assert_eq!(
            toks("a # one\nb // two\r\nc /* three\n * more */ d /**/ e"),
            [ident("a"), ident("b"), ident("c"), ident("d"), ident("e")]
        );
        assert_eq!(toks("a/b"), [ident("a"), Tok::Slash, ident("b")]);
        let (tokens, diags) = lex("a /* open");
        assert_eq!(tokens.len(), 2);
        assert_eq!(diags[0].span, Span::new(2, 4));
        assert!(diags[0].message.starts_with("unterminated block comment"));
    }

    #[test]
    fn unknown_characters_are_merged_and_reported() {
        let (tokens, diags) = lex("a !! b ~ é");
        let kinds: Vec<_> = tokens.iter().map(|t| t.tok.clone()).collect();
        assert_eq!(kinds, [ident("a"), Tok::Error, ident("b"), Tok::Error, Tok::Error, Tok::Eof]);
        assert_eq!(diags.len(), 3);
        assert_eq!(diags[0].message, "unexpected characters `!!`");
        assert_eq!(diags[0].span, Span::new(2, 4));
        assert_eq!(diags[1].message, "unexpected character `~`");
        assert_eq!(diags[2].message, "unexpected character `é`");
    }

    #[test]
    fn spans_are_byte_offsets() {
        let (tokens, _) = lex("ab  \"c\"\n12.5f");
        let spans: Vec<_> = tokens.iter().map(|t| (t.span.start, t.span.end)).collect();
        assert_eq!(spans, [(0, 2), (4, 7), (8, 13), (13, 13)]);
    }
}

//! Parser tests. Trees are compared through a compact S-expression rendering.

use super::*;

// -------------------------------------------------------------------------------------------
// S-expression rendering of the AST
// -------------------------------------------------------------------------------------------

fn vt_name(vt: ValueTypeName) -> &'static str {
    match vt {
        ValueTypeName::F64 => "f64",
        ValueTypeName::F32 => "f32",
        ValueTypeName::Si64 => "si64",
        ValueTypeName::Si32 => "si32",
        ValueTypeName::Si8 => "si8",
        ValueTypeName::Ui64 => "ui64",
        ValueTypeName::Ui32 => "ui32",
        ValueTypeName::Ui8 => "ui8",
        ValueTypeName::Str => "str",
        ValueTypeName::Bool => "bool",
    }
}

fn type_name(dt: Option<DataTypeName>, vt: Option<ValueTypeName>) -> String {
    let dt = dt.map(|d| match d {
        DataTypeName::Matrix => "matrix",
        DataTypeName::Frame => "frame",
        DataTypeName::Scalar => "scalar",
    });
    match (dt, vt) {
        (Some(d), Some(v)) => format!("{d}<{}>", vt_name(v)),
        (Some(d), None) => d.to_owned(),
        (None, Some(v)) => vt_name(v).to_owned(),
        (None, None) => "?".to_owned(),
    }
}

fn op_name(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::MatMul => "@",
        BinaryOp::Pow => "^",
        BinaryOp::Mod => "%",
        BinaryOp::Mul => "*",
        BinaryOp::Div => "/",
        BinaryOp::Add => "+",
        BinaryOp::Sub => "-",
        BinaryOp::Eq => "==",
        BinaryOp::Ne => "!=",
        BinaryOp::Lt => "<",
        BinaryOp::Le => "<=",
        BinaryOp::Gt => ">",
        BinaryOp::Ge => ">=",
        BinaryOp::And => "&&",
        BinaryOp::Or => "||",
    }
}

fn opt(e: &Option<Box<Expr>>) -> String {
    e.as_ref().map_or("_".to_owned(), |e| sx(e))
}

fn part(p: &IndexPart) -> String {
    match p {
        IndexPart::All => "_".to_owned(),
        IndexPart::Expr(e) => sx(e),
        IndexPart::Range { lo, hi } => format!("{}:{}", opt(lo), opt(hi)),
    }
}

fn list(es: &[Expr]) -> String {
    es.iter().map(sx).collect::<Vec<_>>().join(" ")
}

fn sx(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Int { value, suffix } => {
            let s = match suffix {
                IntSuffix::None => "",
                IntSuffix::Unsigned => "u",
                IntSuffix::Long => "l",
                IntSuffix::Size => "z",
            };
            format!("{value}{s}")
        }
        ExprKind::Float { value, is_f32 } => format!("{value:?}{}", if *is_f32 { "f" } else { "" }),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Str(s) => format!("{s:?}"),
        ExprKind::Ident(n) => n.clone(),
        ExprKind::ScriptArg(n) => format!("${n}"),
        ExprKind::Unary { op, expr } => {
            format!("({} {})", if *op == UnaryOp::Neg { "neg" } else { "pos" }, sx(expr))
        }
        ExprKind::Binary { op, lhs, rhs, kernel_hint } => {
            let k = kernel_hint.as_ref().map_or(String::new(), |k| format!("::{k}"));
            format!("({}{k} {} {})", op_name(*op), sx(lhs), sx(rhs))
        }
        ExprKind::Ternary { cond, then_expr, else_expr } => {
            format!("(? {} {} {})", sx(cond), sx(then_expr), sx(else_expr))
        }
        ExprKind::Call { callee, kernel_hint, args } => {
            let k = kernel_hint.as_ref().map_or(String::new(), |k| format!("::{k}"));
            let mut s = format!("(call {}{k}", callee.name);
            for a in args {
                s.push(' ');
                if let Some(n) = &a.name {
                    s.push_str(&n.name);
                    s.push('=');
                }
                s.push_str(&sx(&a.value));
            }
            s + ")"
        }
        ExprKind::Cast { target, expr } => {
            format!("(as.{} {})", type_name(target.data_type, target.value_type), sx(expr))
        }
        ExprKind::Matrix { elems, dims } => {
            let d =
                dims.as_ref().map_or(String::new(), |(r, c)| format!("({},{})", opt(r), opt(c)));
            format!("[{}]{d}", list(elems))
        }
        ExprKind::FrameCols(cols) => {
            let c: Vec<_> = cols.iter().map(|(l, c)| format!("{}:{}", sx(l), sx(c))).collect();
            format!("{{{}}}", c.join(" "))
        }
        ExprKind::FrameRows(rows) => {
            let r: Vec<_> = rows.iter().map(|r| format!("[{}]", list(r))).collect();
            format!("{{{}}}", r.join(" "))
        }
        ExprKind::Index { base, index } => {
            format!("(idx {} {} {})", sx(base), part(&index.rows), part(&index.cols))
        }
        ExprKind::Filter { base, rows, cols } => {
            format!("(filter {} {} {})", sx(base), opt(rows), opt(cols))
        }
    }
}

fn stmt(s: &Stmt) -> String {
    match &s.kind {
        StmtKind::Expr(e) => format!("{};", sx(e)),
        StmtKind::Assign { targets, value } => {
            let t: Vec<_> = targets
                .iter()
                .map(|t| match &t.index {
                    None => t.name.name.clone(),
                    Some(i) => format!("(idx {} {} {})", t.name.name, part(&i.rows), part(&i.cols)),
                })
                .collect();
            format!("(= {} {})", t.join(" "), sx(value))
        }
        StmtKind::Block(b) => block(b),
        StmtKind::If { cond, then_branch, else_branch } => match else_branch {
            Some(e) => format!("(if {} {} {})", sx(cond), stmt(then_branch), stmt(e)),
            None => format!("(if {} {})", sx(cond), stmt(then_branch)),
        },
        StmtKind::While { cond, body } => format!("(while {} {})", sx(cond), stmt(body)),
        StmtKind::DoWhile { body, cond } => format!("(do {} {})", stmt(body), sx(cond)),
        StmtKind::For { var, from, to, step, body } => {
            let step = step.as_ref().map_or("_".to_owned(), sx);
            format!("(for {} {} {} {step} {})", var.name, sx(from), sx(to), stmt(body))
        }
        StmtKind::FuncDef(f) => {
            let params: Vec<_> = f
                .params
                .iter()
                .map(|p| match &p.ty {
                    Some(t) => format!("{}:{}", p.name.name, type_name(t.data_type, t.value_type)),
                    None => p.name.name.clone(),
                })
                .collect();
            let results: Vec<_> =
                f.results.iter().map(|t| type_name(t.data_type, t.value_type)).collect();
            format!(
                "(def {} ({}) ({}) {})",
                f.name.name,
                params.join(" "),
                results.join(" "),
                block(&f.body)
            )
        }
        StmtKind::Return(v) => {
            format!("(return{}{})", if v.is_empty() { "" } else { " " }, list(v))
        }
        StmtKind::Import { path, alias } => match alias {
            Some(a) => format!("(import {path:?} {a:?})"),
            None => format!("(import {path:?})"),
        },
    }
}

fn block(b: &[Stmt]) -> String {
    format!("{{{}}}", b.iter().map(stmt).collect::<Vec<_>>().join(" "))
}

/// Parses `src` and renders all statements, panicking with the diagnostics on failure.
fn p(src: &str) -> String {
    match parse(src) {
        Ok(script) => script.stmts.iter().map(stmt).collect::<Vec<_>>().join(" "),
        Err(d) => panic!("parse of {src:?} failed: {d:?}"),
    }
}

/// Parses the expression `src` (as the statement `x = src;`) and renders it.
fn e(src: &str) -> String {
    let script =
        parse(&format!("x = {src};")).unwrap_or_else(|d| panic!("parse of {src:?} failed: {d:?}"));
    match &script.stmts[..] {
        [Stmt { kind: StmtKind::Assign { value, .. }, .. }] => sx(value),
        other => panic!("unexpected statements {other:?}"),
    }
}

/// Parses `src`, expecting failure, and returns the diagnostics.
fn errs(src: &str) -> Vec<Diagnostic> {
    match parse(src) {
        Ok(s) => panic!("parse of {src:?} unexpectedly succeeded: {s:?}"),
        Err(d) => d,
    }
}

/// The one diagnostic of `src`, with the source text it points at.
fn err1(src: &str) -> (String, &str) {
    let d = errs(src);
    assert_eq!(d.len(), 1, "expected one diagnostic for {src:?}, got {d:?}");
    let text = &src[d[0].span.start as usize..d[0].span.end as usize];
    (d[0].message.clone(), text)
}

// -------------------------------------------------------------------------------------------
// Literals
// -------------------------------------------------------------------------------------------

#[test]
fn integer_literals() {
    assert_eq!(e("0"), "0");
    assert_eq!(e("42"), "42");
    assert_eq!(e("1'234'567"), "1234567");
    assert_eq!(e("1_000_000"), "1000000");
    assert_eq!(e("3u"), "3u");
    assert_eq!(e("3ull"), "3u");
    assert_eq!(e("3l"), "3l");
    assert_eq!(e("3z"), "3z");
    assert_eq!(e("1_0z"), "10z");
    assert_eq!(e("9223372036854775808"), "9223372036854775808");
    assert_eq!(e("-9223372036854775808"), "(neg 9223372036854775808)");
    assert_eq!(e("18446744073709551615u"), "18446744073709551615u");
}

#[test]
fn integer_overflow_is_an_error() {
    let (msg, text) = err1("x = 18'446'744'073'709'551'616;");
    assert_eq!(text, "18'446'744'073'709'551'616");
    assert_eq!(msg, "integer literal is too large (the maximum is 18446744073709551615)");
}

#[test]
fn float_literals() {
    assert_eq!(e("1.5"), "1.5");
    assert_eq!(e("0.5f"), "0.5f");
    assert_eq!(e("1e6"), "1000000.0");
    assert_eq!(e("2.5E-3"), "0.0025");
    assert_eq!(e("1e+2f"), "100.0f");
    assert_eq!(e("1_2'3.4'5_6"), "123.456");
    assert_eq!(e("inf"), "inf");
    assert_eq!(e("-inf"), "(neg inf)");
    assert_eq!(e("nan"), "NaN");
    // DaphneDSL quirk: `nanf` and `inff` are f64 literals.
    assert_eq!(e("nanf"), "NaN");
    assert_eq!(e("inff"), "inf");
    // The value of an f32 literal is the f32 nearest to the text, so `as f32` is exact.
    let script = parse("0.1f;").unwrap();
    let StmtKind::Expr(Expr { kind: ExprKind::Float { value, is_f32: true }, .. }) =
        &script.stmts[0].kind
    else {
        panic!("not an f32 literal: {script:?}");
    };
    assert_eq!(*value, f64::from(0.1_f32));
}

#[test]
fn malformed_numbers_are_errors() {
    // `1.` is `1` followed by `.`, and `.5` is `.` followed by `5`.
    assert_eq!(err1("x = 1.;").0, "expected `;` after the assignment, found `.`");
    assert_eq!(err1("x = .5;").0, "expected an expression, found `.`");
    assert_eq!(err1("x = 1ul;").0, "expected `;` after the assignment, found `l`");
    assert_eq!(err1("x = 007;").0, "expected `;` after the assignment, found `0`");
}

#[test]
fn bool_string_and_argument_literals() {
    assert_eq!(e("true"), "true");
    assert_eq!(e("false"), "false");
    assert_eq!(e(r#""hello world""#), r#""hello world""#);
    assert_eq!(e(r#""tab\there \"q\" back\\slash\n""#), r#""tab\there \"q\" back\\slash\n""#);
    assert_eq!(e(r#""\b\f\r""#), r#""\u{8}\u{c}\r""#);
    assert_eq!(e("$n"), "$n");
    assert_eq!(e("$ n + 1"), "(+ $n 1)");
}

#[test]
fn bad_escape_is_an_error() {
    let (msg, text) = err1(r#"print("a\qb");"#);
    assert_eq!(text, r"\q");
    assert!(msg.starts_with(r"invalid escape sequence `\q` in string literal"), "{msg}");
}

#[test]
fn comments() {
    let src =
        "# script comment\nx = 1; // C++ comment\n/* block\n comment */ y = /* inline */ 2;\n#end";
    assert_eq!(p(src), "(= x 1) (= y 2)");
    assert_eq!(p("x = 4/2; # 4/*2"), "(= x (/ 4 2))");
    assert!(err1("x = 1; /* not closed").0.starts_with("unterminated block comment"));
}

// -------------------------------------------------------------------------------------------
// Operators
// -------------------------------------------------------------------------------------------

#[test]
fn arithmetic_precedence() {
    assert_eq!(e("1 + 2 * 3"), "(+ 1 (* 2 3))");
    assert_eq!(e("(1 + 2) * 3"), "(* (+ 1 2) 3)");
    assert_eq!(e("1 - 2 - 3"), "(- (- 1 2) 3)");
    assert_eq!(e("8 / 4 / 2"), "(/ (/ 8 4) 2)");
    assert_eq!(e("a * b % c"), "(* a (% b c))");
    assert_eq!(e("a % b ^ c"), "(% a (^ b c))");
    assert_eq!(e("a ^ b @ c"), "(^ a (@ b c))");
    assert_eq!(e("a @ b ^ c"), "(^ (@ a b) c)");
    assert_eq!(e("a @ b @ c"), "(@ (@ a b) c)");
    // `^` is left-associative in DaphneDSL.
    assert_eq!(e("2 ^ 3 ^ 2"), "(^ (^ 2 3) 2)");
}

#[test]
fn unary_operators() {
    assert_eq!(e("-2^2"), "(^ (neg 2) 2)");
    assert_eq!(e("-a@b"), "(@ (neg a) b)");
    assert_eq!(e("-a * b"), "(* (neg a) b)");
    assert_eq!(e("+a"), "(pos a)");
    assert_eq!(e("- -a"), "(neg (neg a))");
    assert_eq!(e("-x[1, 2]"), "(neg (idx x 1 2))");
    assert_eq!(e("-x[[m, ]]"), "(neg (filter x m _))");
    assert_eq!(e("a - -b"), "(- a (neg b))");
    assert_eq!(e("a * -b + c"), "(+ (* a (neg b)) c)");
    // After a prefix operator, the enclosing operator's level continues.
    assert_eq!(e("a ^ -b @ c"), "(^ a (@ (neg b) c))");
    assert_eq!(e("2 * -3 ^ 2"), "(* 2 (^ (neg 3) 2))");
}

#[test]
fn comparison_and_logic() {
    assert_eq!(e("a < b == c"), "(== (< a b) c)");
    assert_eq!(e("a <= b >= c != d > e"), "(> (!= (>= (<= a b) c) d) e)");
    assert_eq!(e("a + 1 < b * 2"), "(< (+ a 1) (* b 2))");
    assert_eq!(e("a < b && c > d"), "(&& (< a b) (> c d))");
    assert_eq!(e("a || b && c"), "(|| a (&& b c))");
    assert_eq!(e("a && b || c && d"), "(|| (&& a b) (&& c d))");
    assert_eq!(e("a == -1"), "(== a (neg 1))");
}

#[test]
fn ternary() {
    assert_eq!(e("a ? b : c"), "(? a b c)");
    assert_eq!(e("a || b ? c + 1 : d * 2"), "(? (|| a b) (+ c 1) (* d 2))");
    assert_eq!(e("a ? b ? c : d : e"), "(? a (? b c d) e)");
    // As in the reference grammar, a `?:` in the else part groups to the left.
    assert_eq!(e("a ? b : c ? d : e"), "(? (? a b c) d e)");
    assert_eq!(e("a ? b : (c ? d : e)"), "(? a b (? c d e))");
    assert_eq!(e("a ? b : c || d"), "(? a b (|| c d))");
}

#[test]
fn kernel_hints() {
    assert_eq!(e("a +::myAdd b"), "(+::myAdd a b)");
    assert_eq!(e("a -::k b"), "(-::k a b)");
    assert_eq!(e("a *::k b /::k2 c"), "(/::k2 (*::k a b) c)");
    assert_eq!(e("sum::mySum(X)"), "(call sum::mySum X)");
    assert_eq!(e("m.f::k(X)"), "(call m.f::k X)");
    assert_eq!(err1("x = a @::k b;").0, "expected an expression, found `::`");
}

// -------------------------------------------------------------------------------------------
// Primaries
// -------------------------------------------------------------------------------------------

#[test]
fn names_and_calls() {
    assert_eq!(e("abc"), "abc");
    assert_eq!(e("utils.x"), "utils.x");
    assert_eq!(e("a.b.c"), "a.b.c");
    assert_eq!(e("f()"), "(call f)");
    assert_eq!(e("f(1, a + 2)"), "(call f 1 (+ a 2))");
    assert_eq!(e("f(1, 2,)"), "(call f 1 2)");
    assert_eq!(e("pkg.mod.f(x)"), "(call pkg.mod.f x)");
    assert_eq!(e("fill(value=1, numRows=2, numCols=3)"), "(call fill value=1 numRows=2 numCols=3)");
    assert_eq!(e("rand(3, 2, min = 0.0)"), "(call rand 3 2 min=0.0)");
    assert_eq!(e("f(a == b)"), "(call f (== a b))");
    assert_eq!(e("f(g(h(1)))"), "(call f (call g (call h 1)))");
}

#[test]
fn casts() {
    assert_eq!(e("as.matrix<f64>(x)"), "(as.matrix<f64> x)");
    assert_eq!(e("as.matrix(x)"), "(as.matrix x)");
    assert_eq!(e("as.frame(x)"), "(as.frame x)");
    assert_eq!(e("as.scalar(x)"), "(as.scalar x)");
    assert_eq!(e("as.scalar<si64>(x)"), "(as.scalar<si64> x)");
    assert_eq!(e("as.f32(1 + 2)"), "(as.f32 (+ 1 2))");
    assert_eq!(e("as.ui8(x)"), "(as.ui8 x)");
    assert_eq!(e("as.str(x)"), "(as.str x)");
    assert_eq!(e("as.bool(x) + 1"), "(+ (as.bool x) 1)");
    assert_eq!(e("as.si64(x)[0, 0]"), "(idx (as.si64 x) 0 0)");
    assert_eq!(
        err1("x = as.list(y);").0,
        "expected a type after `as.` (`matrix`, `frame`, `scalar` or a value type like `f64`), found `list`"
    );
    assert_eq!(
        err1("x = as.matrix<frame>(y);").0,
        "expected a value type after `<`, found `frame`"
    );
}

#[test]
fn matrix_literals() {
    assert_eq!(e("[]"), "[]");
    assert_eq!(e("[1]"), "[1]");
    assert_eq!(e("[1, 2.5, -3, sqrt(4)]"), "[1 2.5 (neg 3) (call sqrt 4)]");
    assert_eq!(e("[1, 2, 3, 4](2, 2)"), "[1 2 3 4](2,2)");
    assert_eq!(e("[1, 2](1,)"), "[1 2](1,_)");
    assert_eq!(e("[1, 2](, 2)"), "[1 2](_,2)");
    assert_eq!(e("[1, 2](,)"), "[1 2](_,_)");
    assert_eq!(e("[ [1, 2], [3] ]"), "[[1 2] [3]]");
    assert_eq!(e("[1, 2][0, ]"), "(idx [1 2] 0 _)");
    assert_eq!(err1("x = [1, 2,];").0, "expected an expression, found `]`");
    assert_eq!(
        err1("x = [1, 2](2);").0,
        "expected `,` between the matrix dimensions (`(rows, cols)`), found `)`"
    );
}

#[test]
fn filter_bracket_is_one_token() {
    // `[[` starts a filter, never a nested matrix literal.
    let (msg, text) = err1("x = [[1, 2], [3, 4]];");
    assert_eq!(text, "[[");
    assert!(msg.starts_with("expected an expression (`[[` is the filter bracket"), "{msg}");
    // `]]` closes a filter, so it cannot close two brackets.
    let (msg, text) = err1("x = X[1, Y[2, 3]];");
    assert_eq!(text, "]]");
    assert_eq!(
        msg,
        "expected `]` to close the indexing, found `]]`, which is a single token (write `] ]` to close two brackets)"
    );
    assert_eq!(e("X[1, Y[2, 3] ]"), "(idx X 1 (idx Y 2 3))");
}

#[test]
fn frame_literals() {
    assert_eq!(e(r#"{"a": [1, 2], "b": [3.5, 4]}"#), r#"{"a":[1 2] "b":[3.5 4]}"#);
    assert_eq!(e("{}"), "{}");
    assert_eq!(e("{lbl: c}"), "{lbl:c}");
    assert_eq!(e(r#"{["a", "b"], [1, 1.5], [2, 2.5]}"#), r#"{["a" "b"] [1 1.5] [2 2.5]}"#);
    assert_eq!(e(r#"{["a"]}"#), r#"{["a"]}"#);
    assert_eq!(e(r#"{[], []}"#), "{[] []}");
    assert_eq!(e(r#"{[1]: x}"#), "{[1]:x}");
    assert_eq!(e(r#"{"c": a ? b : c}"#), r#"{"c":(? a b c)}"#);
    assert_eq!(e(r#"{"a": [1]}[, "a"]"#), r#"(idx {"a":[1]} _ "a")"#);
}

#[test]
fn indexing_forms() {
    assert_eq!(e("X[1, 2]"), "(idx X 1 2)");
    assert_eq!(e("X[1, ]"), "(idx X 1 _)");
    assert_eq!(e("X[, 2]"), "(idx X _ 2)");
    assert_eq!(e("X[, ]"), "(idx X _ _)");
    assert_eq!(e("X[1:3, ]"), "(idx X 1:3 _)");
    assert_eq!(e("X[:3, 2:]"), "(idx X _:3 2:_)");
    assert_eq!(e("X[:, :]"), "(idx X _:_ _:_)");
    assert_eq!(e("X[i + 1 : n - 1, ]"), "(idx X (+ i 1):(- n 1) _)");
    assert_eq!(e("X[ [5, 1, 3], ]"), "(idx X [5 1 3] _)");
    assert_eq!(e(r#"F[100:200, "revenue"]"#), r#"(idx F 100:200 "revenue")"#);
    assert_eq!(e("X[c ? 1 : 2, ]"), "(idx X (? c 1 2) _)");
    assert_eq!(e("X[1, ][, 2]"), "(idx (idx X 1 _) _ 2)");
    assert_eq!(e("f(x)[0, 0]"), "(idx (call f x) 0 0)");
    assert_eq!(e("(a + b)[0, 0]"), "(idx (+ a b) 0 0)");
    assert_eq!(e("X[[b, ]]"), "(filter X b _)");
    assert_eq!(e("X[[, b]]"), "(filter X _ b)");
    assert_eq!(e("X[[r, c]]"), "(filter X r c)");
    assert_eq!(e("X[[ [0, 1], ]]"), "(filter X [0 1] _)");
    assert_eq!(e("X[[b, ]][1, ]"), "(idx (filter X b _) 1 _)");
    assert_eq!(
        err1("x = X[1];").0,
        "expected `,` in the indexing (`X[i, ]` selects rows, `X[, j]` columns), found `]`"
    );
    assert_eq!(
        err1("x = X[[1]];").0,
        "expected `,` between the row and column filters, found `]]`"
    );
}

// -------------------------------------------------------------------------------------------
// Statements
// -------------------------------------------------------------------------------------------

#[test]
fn expression_and_assignment_statements() {
    assert_eq!(p("print(x);"), "(call print x);");
    assert_eq!(p("x = 1;"), "(= x 1)");
    assert_eq!(p("x == 1;"), "(== x 1);");
    assert_eq!(p("x;"), "x;");
    assert_eq!(p("m.x = 2;"), "(= m.x 2)");
    assert_eq!(p("X[1, 2] = 3;"), "(= (idx X 1 2) 3)");
    assert_eq!(p("X[1:3, ] = Y;"), "(= (idx X 1:3 _) Y)");
    assert_eq!(p("X[ [1, 2], ] = Y;"), "(= (idx X [1 2] _) Y)");
    assert_eq!(p("a, b = f();"), "(= a b (call f))");
    assert_eq!(p("x, Y[3, :], Z = f(1);"), "(= x (idx Y 3 _:_) Z (call f 1))");
    assert_eq!(p("X[1, 2] + 1;"), "(+ (idx X 1 2) 1);");
    assert_eq!(p("-x;"), "(neg x);");
    assert_eq!(p("[1, 2];"), "[1 2];");
    assert_eq!(p(r#"{"a": [1]};"#), r#"{"a":[1]};"#);
    assert_eq!(p(r#"{["a"], [1]};"#), r#"{["a"] [1]};"#);
}

#[test]
fn blocks() {
    assert_eq!(p("{}"), "{}");
    assert_eq!(p("{};"), "{}");
    assert_eq!(p("{ x = 1; { y = 2; } };"), "{(= x 1) {(= y 2)}}");
    assert_eq!(p("{ c ? a : b; }"), "{(? c a b);}");
    assert_eq!(p("{ [1, 2]; }"), "{[1 2];}");
    assert_eq!(p("{ a, b = f(); }"), "{(= a b (call f))}");
    assert_eq!(p("{ x = 1; } y = 2;"), "{(= x 1)} (= y 2)");
}

#[test]
fn brace_at_statement_start_is_decided_like_the_reference() {
    // Frames start expression statements; blocks win when both readings work.
    assert_eq!(p(r#"{"a": 1} + 2;"#), r#"(+ {"a":1} 2);"#);
    assert_eq!(p(r#"{["a"], [1]}[0, 0];"#), r#"(idx {["a"] [1]} 0 0);"#);
    assert_eq!(p("{x = 1;} + 3;"), "{(= x 1)} (pos 3);");
    assert_eq!(p("{} - x;"), "{} (neg x);");
    assert_eq!(p("{}[1, 2];"), "{} [1 2];");
    assert_eq!(p("{}[1, 2](1,);"), "{} [1 2](1,_);");
    // An empty frame when only an expression can go on.
    assert_eq!(p("{} && x;"), "(&& {} x);");
    assert_eq!(p("{} +::k x;"), "(+::k {} x);");
    assert_eq!(p("{}[, 1];"), "(idx {} _ 1);");
    assert_eq!(p("{}[1:2, 3];"), "(idx {} 1:2 3);");
    assert_eq!(p("{}[[, ]];"), "(filter {} _ _);");
}

#[test]
fn if_statements() {
    assert_eq!(p("if (a) x = 1;"), "(if a (= x 1))");
    assert_eq!(p("if (a > 0) { x = 1; } else { x = 2; }"), "(if (> a 0) {(= x 1)} {(= x 2)})");
    assert_eq!(
        p("if (a) x = 1; else if (b) x = 2; else x = 3;"),
        "(if a (= x 1) (if b (= x 2) (= x 3)))"
    );
    // A dangling `else` belongs to the nearest `if`.
    assert_eq!(p("if (a) if (b) x = 1; else x = 2;"), "(if a (if b (= x 1) (= x 2)))");
}

#[test]
fn loops() {
    assert_eq!(p("while (i < 10) i = i + 1;"), "(while (< i 10) (= i (+ i 1)))");
    assert_eq!(p("while (true) { print(1); }"), "(while true {(call print 1);})");
    assert_eq!(p("do { i = i + 1; } while (i < 10);"), "(do {(= i (+ i 1))} (< i 10))");
    assert_eq!(p("do i = i + 1; while (i < 10) x = 1;"), "(do (= i (+ i 1)) (< i 10)) (= x 1)");
    assert_eq!(p("for (i in 1:10) print(i);"), "(for i 1 10 _ (call print i);)");
    assert_eq!(p("for (i in 10:1:-3) { s = s + i; }"), "(for i 10 1 (neg 3) {(= s (+ s i))})");
    assert_eq!(p("for (i in a + 1 : n * 2) {}"), "(for i (+ a 1) (* n 2) _ {})");
    assert_eq!(p("for (i in -1:-5) {}"), "(for i (neg 1) (neg 5) _ {})");
}

#[test]
fn function_definitions() {
    assert_eq!(p("def f() { return; }"), "(def f () () {(return)})");
    assert_eq!(p("def f(a, b) { return a + b; }"), "(def f (a b) () {(return (+ a b))})");
    assert_eq!(
        p(
            "def g(a: matrix<f64>, b: f64, c: matrix, d: scalar, e: frame,) -> matrix<f64>, si64 { return a, 1; };"
        ),
        "(def g (a:matrix<f64> b:f64 c:matrix d:scalar e:frame) (matrix<f64> si64) {(return a 1)})"
    );
    assert_eq!(
        p("def h(s: str, t: bool) -> str { return s; }"),
        "(def h (s:str t:bool) (str) {(return s)})"
    );
    assert_eq!(err1("def f() x = 1;").0, "expected `{` to start the function body, found `x`");
    assert_eq!(
        err1("def f(a: list) {}").0,
        "expected a type (`matrix`, `frame`, `scalar` or a value type like `f64`), found `list`"
    );
    assert_eq!(err1("def m.f() {}").0, "expected `(` after the function name, found `.`");
}

#[test]
fn return_and_import() {
    assert_eq!(p("return;"), "(return)");
    assert_eq!(p("return x;"), "(return x)");
    assert_eq!(p("return x, y + 1, z;"), "(return x (+ y 1) z)");
    assert_eq!(p(r#"import "utils.daphne";"#), r#"(import "utils.daphne")"#);
    assert_eq!(p(r#"import "a/b.daphne" as "u";"#), r#"(import "a/b.daphne" "u")"#);
    assert_eq!(
        err1("import utils;").0,
        "expected the file path (a string literal) after `import`, found `utils`"
    );
}

#[test]
fn keywords_and_types_are_not_identifiers() {
    assert_eq!(err1("matrix = 1;").0, "expected a statement, found `matrix`");
    assert_eq!(err1("x = f64 + 1;").0, "expected an expression, found `f64`");
    assert_eq!(err1("in = 1;").0, "expected a statement, found `in`");
}

// -------------------------------------------------------------------------------------------
// Spans
// -------------------------------------------------------------------------------------------

fn text(src: &str, span: Span) -> &str {
    &src[span.start as usize..span.end as usize]
}

#[test]
fn statement_and_expression_spans() {
    let src = "x = (a + b) * c;\nif (x) { y = -f(1)[0, 0]; } else y = 2;";
    let script = parse(src).unwrap();
    assert_eq!(text(src, script.stmts[0].span), "x = (a + b) * c;");
    let StmtKind::Assign { targets, value } = &script.stmts[0].kind else { panic!() };
    assert_eq!(text(src, targets[0].span), "x");
    assert_eq!(text(src, targets[0].name.span), "x");
    assert_eq!(text(src, value.span), "(a + b) * c");
    let ExprKind::Binary { lhs, rhs, .. } = &value.kind else { panic!() };
    assert_eq!(text(src, lhs.span), "(a + b)");
    assert_eq!(text(src, rhs.span), "c");

    assert_eq!(text(src, script.stmts[1].span), "if (x) { y = -f(1)[0, 0]; } else y = 2;");
    let StmtKind::If { then_branch, else_branch, .. } = &script.stmts[1].kind else { panic!() };
    assert_eq!(text(src, then_branch.span), "{ y = -f(1)[0, 0]; }");
    assert_eq!(text(src, else_branch.as_ref().unwrap().span), "y = 2;");
    let StmtKind::Block(stmts) = &then_branch.kind else { panic!() };
    let StmtKind::Assign { value, .. } = &stmts[0].kind else { panic!() };
    assert_eq!(text(src, value.span), "-f(1)[0, 0]");
    let ExprKind::Unary { expr, .. } = &value.kind else { panic!() };
    assert_eq!(text(src, expr.span), "f(1)[0, 0]");
    let ExprKind::Index { base, index } = &expr.kind else { panic!() };
    assert_eq!(text(src, index.span), "[0, 0]");
    let ExprKind::Call { callee, .. } = &base.kind else { panic!() };
    assert_eq!(text(src, callee.span), "f");
}

#[test]
fn more_spans() {
    let src = "a.b, X[1, ] = m.f::k(p = 1);\ndef f(x: matrix<f64>) -> f64 { return as.scalar(x); }";
    let script = parse(src).unwrap();
    let StmtKind::Assign { targets, value } = &script.stmts[0].kind else { panic!() };
    assert_eq!(text(src, targets[0].span), "a.b");
    assert_eq!(text(src, targets[1].span), "X[1, ]");
    assert_eq!(text(src, targets[1].index.as_ref().unwrap().span), "[1, ]");
    assert_eq!(text(src, value.span), "m.f::k(p = 1)");
    let ExprKind::Call { callee, args, .. } = &value.kind else { panic!() };
    assert_eq!(text(src, callee.span), "m.f");
    assert_eq!(text(src, args[0].name.as_ref().unwrap().span), "p");
    let StmtKind::FuncDef(f) = &script.stmts[1].kind else { panic!() };
    assert_eq!(text(src, f.name.span), "f");
    assert_eq!(text(src, f.params[0].ty.as_ref().unwrap().span), "matrix<f64>");
    assert_eq!(text(src, f.results[0].span), "f64");
    let StmtKind::Return(values) = &f.body[0].kind else { panic!() };
    assert_eq!(text(src, values[0].span), "as.scalar(x)");
    assert_eq!(text(src, script.stmts[1].span), &src[29..]);
}

// -------------------------------------------------------------------------------------------
// Errors and recovery
// -------------------------------------------------------------------------------------------

#[test]
fn error_messages_point_at_the_offending_token() {
    assert_eq!(
        err1("x = 1 + 2\ny = 3;"),
        ("expected `;` after the assignment, found `y`".into(), "y")
    );
    assert_eq!(err1("{ print(1) }"), ("expected `;` after the expression, found `}`".into(), "}"));
    assert_eq!(
        err1("x = (1 + 2;"),
        ("expected `)` to close the parenthesis, found `;`".into(), ";")
    );
    assert_eq!(
        err1("x = f(1 2);"),
        ("expected `,` or `)` after a call argument, found `2`".into(), "2")
    );
    assert_eq!(err1("x = ;"), ("expected an expression, found `;`".into(), ";"));
    assert_eq!(err1("x = 1 +"), ("expected an expression, found end of input".into(), ""));
    assert_eq!(err1("if x > 1 {}"), ("expected `(` after `if`, found `x`".into(), "x"));
    assert_eq!(
        err1("for (i = 1:3) {}"),
        ("expected `in` after the loop variable, found `=`".into(), "=")
    );
    assert_eq!(
        err1("x = a ? b;"),
        ("expected `:` after the `?` branch of the conditional, found `;`".into(), ";")
    );
    assert_eq!(err1(")"), ("expected a statement, found `)`".into(), ")"));
    assert_eq!(err1("x = a ! b;"), ("unexpected character `!`".into(), "!"));
    assert_eq!(
        err1("x = 1;\nwhile (true) {\n  y = 2;\n"),
        ("expected `}` to close the block opened at 2:14, found end of input".into(), "")
    );
}

#[test]
fn recovery_reports_several_errors() {
    let src = "x = 1 +;\ny = 2;\nz = (3;\nprint(y);";
    let d = errs(src);
    assert_eq!(d.len(), 2, "{d:?}");
    assert_eq!(d[0].message, "expected an expression, found `;`");
    assert_eq!(d[0].span, Span::new(7, 8));
    assert_eq!(d[1].message, "expected `)` to close the parenthesis, found `;`");
    assert_eq!(d[1].span, Span::new(22, 23));

    // Errors inside blocks are recovered inside the block.
    let src = "def f(a) {\n  b = a +* 2;\n  return b;\n}\nwhile (x) { y = ; }\nprint(f(1));";
    let d = errs(src);
    assert_eq!(d.len(), 2, "{d:?}");
    assert_eq!(text(src, d[0].span), "*");
    assert_eq!(text(src, d[1].span), ";");

    // An error in a header skips the whole braced body.
    let d = errs("def f(a b) { x = 1; y = 2; }\nz = 3 3;");
    assert_eq!(d.len(), 2, "{d:?}");
    assert_eq!(d[0].message, "expected `,` or `)` after a parameter, found `b`");
    assert_eq!(d[1].message, "expected `;` after the assignment, found `3`");

    // Lexical and syntax errors are reported together, in source order.
    let d = errs("x = \"\\z\";\ny = 1 1;");
    assert_eq!(d.len(), 2, "{d:?}");
    assert!(d[0].message.starts_with("invalid escape sequence"));
    assert_eq!(d[1].message, "expected `;` after the assignment, found `1`");
}

#[test]
fn stray_closing_brace_is_reported_once() {
    let d = errs("x = 1; } y = 2;");
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].message, "expected a statement, found `}`");
}

#[test]
fn diagnostics_are_capped() {
    let src = "x = ;\n".repeat(100);
    assert_eq!(errs(&src).len(), MAX_DIAGS);
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let depth = 100_000;
    for src in [
        format!("x = {}1{};", "(".repeat(depth), ")".repeat(depth)),
        format!("x = {}1;", "-".repeat(depth)),
        format!("x = {}1{};", "[ ".repeat(depth), " ]".repeat(depth)),
        format!("x = {}1{};", "f(".repeat(depth), ")".repeat(depth)),
        format!("{}{}", "{".repeat(depth), "}".repeat(depth)),
        format!("{}x = 1;", "if (a) ".repeat(depth)),
        format!("x = {}1{};", "a[".repeat(depth), ", ]".repeat(depth)),
    ] {
        let d = errs(&src);
        assert!(d.iter().any(|d| d.message.contains("nested too deeply")), "{d:?}");
    }
    // Long operator chains build deep trees without recursion; they are bounded too.
    let chain = format!("x = 1{};", " + 1".repeat(depth));
    assert!(errs(&chain)[0].message.contains("nested too deeply"));
    let chain = format!("x = a{};", "[1, ]".repeat(depth));
    assert!(errs(&chain)[0].message.contains("nested too deeply"));
    // Moderate nesting is fine.
    let ok = format!("x = {}1{};", "(".repeat(100), ")".repeat(100));
    assert_eq!(p(&ok), "(= x 1)");
    let ok = format!("x = 1{};", " + 1".repeat(500));
    assert!(parse(&ok).is_ok());
}

// -------------------------------------------------------------------------------------------
// Robustness
// -------------------------------------------------------------------------------------------

/// A small deterministic pseudo-random generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const SAMPLE: &str = r#"import "lib.daphne" as "lib";
# a comment
def f(a: matrix<f64>, b: f64) -> matrix<f64> {
    if (b > 0.5f) { return a * b; } else { return a +::k -b ^ 2; }
}
X = rand(10, 10, 0.0, 1.0, 1, 42);
Y = X[[X[, 0] > 0.5, ]];
s, t = eig(X @ t(X));
X[1:3, ] = fill(1.5e-3, 2, 10);
F = {"a": [1, 2'000], "b": ["x\ty", "z"]};
G = {["c", "d"], [1u, 2z], [3l, nan]};
for (i in 1:10:2) { do { i = i + 1; } while (i % 3 != 0) }
while (as.scalar(sum(X)) >= 1 && $n < 2 || false) X = X / 2;
print(x ? [1, 2](1,) : as.matrix<si64>(y), lib.g(sep = ","));
"#;

#[test]
fn sample_script_parses() {
    let script = parse(SAMPLE).unwrap_or_else(|d| panic!("{d:?}"));
    assert_eq!(script.stmts.len(), 11);
}

/// Checks that `e` and all its subexpressions have non-empty spans nested inside `outer`.
fn check_expr_spans(e: &Expr, outer: Span) {
    assert!(e.span.start < e.span.end, "empty span {e:?}");
    assert!(outer.start <= e.span.start && e.span.end <= outer.end, "{e:?} outside {outer:?}");
    for_each_child(e, |c| check_expr_spans(c, e.span));
}

/// Checks the spans of `s` and everything in it, like [`check_expr_spans`].
fn check_stmt_spans(s: &Stmt, outer: Span) {
    assert!(s.span.start < s.span.end, "empty span {s:?}");
    assert!(outer.start <= s.span.start && s.span.end <= outer.end, "{s:?} outside {outer:?}");
    let inner = |e: &Expr| check_expr_spans(e, s.span);
    match &s.kind {
        StmtKind::Expr(e) => inner(e),
        StmtKind::Assign { targets, value } => {
            for t in targets {
                assert!(s.span.start <= t.span.start && t.span.end <= s.span.end, "{t:?}");
                assert!(t.span.start <= t.name.span.start && t.name.span.end <= t.span.end);
            }
            inner(value);
        }
        StmtKind::Block(b) => b.iter().for_each(|c| check_stmt_spans(c, s.span)),
        StmtKind::If { cond, then_branch, else_branch } => {
            inner(cond);
            check_stmt_spans(then_branch, s.span);
            else_branch.iter().for_each(|e| check_stmt_spans(e, s.span));
        }
        StmtKind::While { cond, body } | StmtKind::DoWhile { body, cond } => {
            inner(cond);
            check_stmt_spans(body, s.span);
        }
        StmtKind::For { from, to, step, body, .. } => {
            inner(from);
            inner(to);
            step.iter().for_each(inner);
            check_stmt_spans(body, s.span);
        }
        StmtKind::FuncDef(f) => f.body.iter().for_each(|c| check_stmt_spans(c, s.span)),
        StmtKind::Return(values) => values.iter().for_each(inner),
        StmtKind::Import { .. } => {}
    }
}

#[test]
fn spans_nest() {
    let script = parse(SAMPLE).unwrap();
    let whole = Span::new(0, SAMPLE.len());
    script.stmts.iter().for_each(|s| check_stmt_spans(s, whole));
}

#[test]
fn garbage_never_panics() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let pieces = [
        "x",
        "y1",
        "f",
        "(",
        ")",
        "[",
        "]",
        "[[",
        "]]",
        "{",
        "}",
        ",",
        ";",
        ":",
        "::",
        "=",
        "==",
        "+",
        "-",
        "*",
        "/",
        "@",
        "^",
        "%",
        "<",
        ">=",
        "&&",
        "||",
        "?",
        "$",
        ".",
        "->",
        "1",
        "2.5",
        "3u",
        "\"s\"",
        "\"",
        "\\",
        "if",
        "else",
        "while",
        "do",
        "for",
        "in",
        "def",
        "return",
        "import",
        "as",
        "matrix",
        "f64",
        "true",
        "nan",
        "#",
        "/*",
        "*/",
        "//",
        "\n",
        " ",
        "!",
        "é",
        "9999999999999999999999",
        "1e",
        "'",
        "_",
    ];
    for _ in 0..400 {
        let n = rng.below(60);
        let src: String = (0..n).map(|_| pieces[rng.below(pieces.len())]).collect();
        let _ = parse(&src);
    }
    for _ in 0..300 {
        let n = rng.below(80);
        let bytes: Vec<u8> = (0..n).map(|_| (rng.next() & 0xff) as u8).collect();
        let _ = parse(&String::from_utf8_lossy(&bytes));
    }
    // Every prefix, and the sample with one token-sized hole.
    for end in (0..=SAMPLE.len()).filter(|&i| SAMPLE.is_char_boundary(i)) {
        let _ = parse(&SAMPLE[..end]);
    }
    for _ in 0..300 {
        let a = rng.below(SAMPLE.len());
        let b = (a + rng.below(6)).min(SAMPLE.len());
        if SAMPLE.is_char_boundary(a) && SAMPLE.is_char_boundary(b) {
            let _ = parse(&format!("{}{}", &SAMPLE[..a], &SAMPLE[b..]));
        }
    }
}

#[test]
fn every_diagnostic_span_is_inside_the_source() {
    let mut rng = Rng(12345);
    for _ in 0..300 {
        let a = rng.below(SAMPLE.len());
        let src = format!("{}){}", &SAMPLE[..a], &SAMPLE[a..]);
        if let Err(diags) = parse(&src) {
            for d in diags {
                assert!(d.span.start <= d.span.end && d.span.end as usize <= src.len(), "{d:?}");
                assert!(src.is_char_boundary(d.span.start as usize));
            }
        }
    }
}

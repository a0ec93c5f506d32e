//! The DaphneDSL parser: recursive descent for statements, precedence climbing for expressions.
//!
//! The parser accepts exactly the language of DaphneDSL's reference (ANTLR) grammar and builds
//! the same trees as that grammar's left-recursive `expr` rule does:
//!
//! * postfix filter `e[[r, c]]` and indexing `e[r, c]` bind tightest and can be chained;
//! * a prefix `-`/`+` takes a postfix-level operand, after which binary operators continue, so
//!   `-2^2` is `(-2)^2`, `-a@b` is `(-a)@b` and `a ^ -b @ c` is `a ^ ((-b) @ c)`;
//! * the binary operators `@`, `^`, `%`, `* /`, `+ -`, comparisons, `&&`, `||` (tightest first)
//!   are all left-associative, including `^`;
//! * the ternary `c ? t : e` binds loosest; its `t` is a full expression, but its `e` is parsed
//!   one level tighter, so `a ? b : c ? d : e` is `(a ? b : c) ? d : e`, as in the reference.
//!
//! Where the reference grammar is ambiguous or needs unbounded lookahead, the parser decides
//! the same way: a statement starting with `{` is a block unless only a frame literal fits (see
//! `brace_starts_block`), and `[[` / `]]` are always the filter brackets (the lexer's tokens).
//! This was checked against the reference grammar's generated parser on every DaphneDSL script
//! of the reference repository and on a few hundred thousand random statements.
//!
//! On a syntax error the parser records a [`Diagnostic`], skips to the end of the statement and
//! goes on, so one run reports several errors (at most [`MAX_DIAGS`]).

use crate::ast::*;
use crate::diag::{Diagnostic, line_col};
use crate::lexer::{NumLit, Tok, Token, lex};

/// Statements and expressions may nest at most this deep (protects the stack).
const MAX_DEPTH: usize = 256;
/// Expression trees may be at most this high (long operator chains build deep trees too).
const MAX_EXPR_HEIGHT: usize = 1024;
/// Parsing stops after this many diagnostics.
const MAX_DIAGS: usize = 20;

/// Binding strength of prefix `-`/`+`: its operand is a primary with postfix operators.
const PREC_UNARY: u8 = 13;
/// Binding strength of the ternary `?:` (the loosest).
const PREC_TERNARY: u8 = 4;

/// Stack size of the thread that runs the parser: nesting up to [`MAX_DEPTH`] levels recurses
/// deeply, and unoptimized builds use large stack frames (about 12 KiB per nested block).
const PARSER_STACK_SIZE: usize = 32 << 20;

/// Parses a whole DaphneDSL script.
///
/// Returns the syntax tree, or all lexical and syntax errors found (sorted by position, at most
/// twenty). Never panics, whatever the input. The work runs on a helper thread with a large
/// stack, so the caller's stack size does not matter.
pub fn parse(source: &str) -> Result<Script, Vec<Diagnostic>> {
    parse_file(source, 0)
}

/// [`parse`] for the source file with index `file` in the caller's file table: every span of
/// the tree and of the diagnostics carries that index.
pub fn parse_file(source: &str, file: u32) -> Result<Script, Vec<Diagnostic>> {
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("daphne-parser".to_owned())
            .stack_size(PARSER_STACK_SIZE)
            .spawn_scoped(scope, || parse_here(source, file));
        match worker {
            Ok(handle) => handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            // No thread available: parse on the caller's stack instead.
            Err(_) => parse_here(source, file),
        }
    })
}

/// [`parse_file`] on the current thread.
fn parse_here(source: &str, file: u32) -> Result<Script, Vec<Diagnostic>> {
    if u32::try_from(source.len()).is_err() {
        return Err(vec![Diagnostic::new(
            Span::default(),
            "the script is too large (at most 4 GiB are supported)",
        )]);
    }
    let (mut tokens, mut diags) = lex(source);
    for span in tokens.iter_mut().map(|t| &mut t.span).chain(diags.iter_mut().map(|d| &mut d.span)) {
        span.file = file;
    }
    let mut parser = Parser { source, tokens, pos: 0, diags, depth: 0, file };
    let stmts = parser.stmt_list(false);
    let mut diags = parser.diags;
    if diags.is_empty() {
        return Ok(Script { stmts });
    }
    diags.sort_by_key(|d| d.span.start);
    diags.truncate(MAX_DIAGS);
    Err(diags)
}

/// Marks a failed parse whose diagnostic has already been recorded.
struct Fail;

/// The result of a parsing step.
type PResult<T> = Result<T, Fail>;

/// The parser state: the token stream, a cursor and the diagnostics so far.
struct Parser<'s> {
    source: &'s str,
    /// Never empty; the last token is [`Tok::Eof`].
    tokens: Vec<Token>,
    pos: usize,
    diags: Vec<Diagnostic>,
    /// Current nesting depth of statements and expressions.
    depth: usize,
    /// The file index stamped on every span.
    file: u32,
}

/// Can `tok` start an expression?
fn starts_expr(tok: &Tok) -> bool {
    matches!(
        tok,
        Tok::Number(_)
            | Tok::True
            | Tok::False
            | Tok::Str(_)
            | Tok::Dollar
            | Tok::Ident(_)
            | Tok::LParen
            | Tok::As
            | Tok::LBracket
            | Tok::LBrace
            | Tok::Plus
            | Tok::Minus
    )
}

/// The binary operator spelled by `tok`, with its binding strength (higher binds tighter).
fn binary_op(tok: &Tok) -> Option<(BinaryOp, u8)> {
    Some(match tok {
        Tok::At => (BinaryOp::MatMul, 12),
        Tok::Caret => (BinaryOp::Pow, 11),
        Tok::Percent => (BinaryOp::Mod, 10),
        Tok::Star => (BinaryOp::Mul, 9),
        Tok::Slash => (BinaryOp::Div, 9),
        Tok::Plus => (BinaryOp::Add, 8),
        Tok::Minus => (BinaryOp::Sub, 8),
        Tok::EqEq => (BinaryOp::Eq, 7),
        Tok::NotEq => (BinaryOp::Ne, 7),
        Tok::Lt => (BinaryOp::Lt, 7),
        Tok::Le => (BinaryOp::Le, 7),
        Tok::Gt => (BinaryOp::Gt, 7),
        Tok::Ge => (BinaryOp::Ge, 7),
        Tok::AndAnd => (BinaryOp::And, 6),
        Tok::OrOr => (BinaryOp::Or, 5),
        _ => return None,
    })
}

/// Calls `f` on every direct subexpression of `e`.
fn for_each_child<'a>(e: &'a Expr, mut f: impl FnMut(&'a Expr)) {
    let part = |p: &'a IndexPart, f: &mut dyn FnMut(&'a Expr)| match p {
        IndexPart::All => {}
        IndexPart::Expr(e) => f(e),
        IndexPart::Range { lo, hi } => lo.iter().chain(hi).for_each(|e| f(e)),
    };
    match &e.kind {
        ExprKind::Int { .. }
        | ExprKind::Float { .. }
        | ExprKind::Bool(_)
        | ExprKind::Str(_)
        | ExprKind::Ident(_)
        | ExprKind::ScriptArg(_) => {}
        ExprKind::Unary { expr, .. } | ExprKind::Cast { expr, .. } => f(expr),
        ExprKind::Binary { lhs, rhs, .. } => {
            f(lhs);
            f(rhs);
        }
        ExprKind::Ternary { cond, then_expr, else_expr } => {
            f(cond);
            f(then_expr);
            f(else_expr);
        }
        ExprKind::Call { args, .. } => args.iter().for_each(|a| f(&a.value)),
        ExprKind::Matrix { elems, dims } => {
            elems.iter().for_each(&mut f);
            if let Some((rows, cols)) = dims {
                rows.iter().chain(cols).for_each(|e| f(e));
            }
        }
        ExprKind::FrameCols(cols) => cols.iter().for_each(|(l, c)| {
            f(l);
            f(c);
        }),
        ExprKind::FrameRows(rows) => rows.iter().flatten().for_each(f),
        ExprKind::Index { base, index } => {
            f(base);
            part(&index.rows, &mut f);
            part(&index.cols, &mut f);
        }
        ExprKind::Filter { base, rows, cols } => {
            f(base);
            rows.iter().chain(cols).for_each(|e| f(e));
        }
    }
}

/// The height of the tree of `e` (a leaf has height 1), computed without recursion.
fn expr_height(e: &Expr) -> usize {
    let mut max = 0;
    let mut stack = vec![(e, 1)];
    while let Some((e, h)) = stack.pop() {
        max = max.max(h);
        for_each_child(e, |c| stack.push((c, h + 1)));
    }
    max
}

impl Parser<'_> {
    // ---------------------------------------------------------------------------------------
    // Token cursor
    // ---------------------------------------------------------------------------------------

    /// The token `n` places ahead of the cursor (the end-of-input token when past the end).
    fn nth(&self, n: usize) -> &Token {
        let last = self.tokens.len() - 1;
        &self.tokens[(self.pos + n).min(last)]
    }

    /// The current token's kind.
    fn peek(&self) -> &Tok {
        &self.nth(0).tok
    }

    /// The current token's span.
    fn span(&self) -> Span {
        self.nth(0).span
    }

    /// Is the current token `tok`? (Only for tokens without data.)
    fn at(&self, tok: &Tok) -> bool {
        self.peek() == tok
    }

    /// The end of the last consumed token.
    fn prev_end(&self) -> u32 {
        self.pos.checked_sub(1).map_or(0, |i| self.tokens[i].span.end)
    }

    /// Consumes the current token (never moves past the end of input); returns its span.
    fn bump(&mut self) -> Span {
        let span = self.span();
        if self.pos + 1 < self.tokens.len() {
            self.pos += 1;
        }
        span
    }

    /// Consumes the current token if it is `tok`.
    fn eat(&mut self, tok: &Tok) -> bool {
        let found = self.at(tok);
        if found {
            self.bump();
        }
        found
    }

    // ---------------------------------------------------------------------------------------
    // Diagnostics
    // ---------------------------------------------------------------------------------------

    /// Records a diagnostic (unless the limit is reached) and returns the failure marker.
    fn report(&mut self, span: Span, message: String) -> Fail {
        if self.diags.len() < MAX_DIAGS {
            self.diags.push(Diagnostic::new(span, message));
        }
        Fail
    }

    /// Have so many errors been found that parsing should stop?
    fn gave_up(&self) -> bool {
        self.diags.len() >= MAX_DIAGS
    }

    /// Describes the current token for messages: "`x`" or "end of input".
    fn found(&self) -> String {
        let token = self.nth(0);
        if token.tok == Tok::Eof {
            return "end of input".to_owned();
        }
        let text =
            self.source.get(token.span.start as usize..token.span.end as usize).unwrap_or("");
        let first_line = text.lines().next().unwrap_or("");
        let mut shown: String = first_line.chars().take(24).collect();
        if shown.len() < text.len() {
            shown.push('…');
        }
        format!("`{shown}`")
    }

    /// Reports "expected {what}, found {current token}" at the current token.
    ///
    /// Tokens the lexer could not recognise were reported already, so nothing new is recorded
    /// when the parser trips over one.
    fn expected(&mut self, what: &str) -> Fail {
        let span = self.span();
        match self.peek() {
            Tok::Error => Fail,
            Tok::RFilter if what.starts_with("`]`") => self.report(
                span,
                format!("expected {what}, found `]]`, which is a single token (write `] ]` to close two brackets)"),
            ),
            _ => {
                let message = format!("expected {what}, found {}", self.found());
                self.report(span, message)
            }
        }
    }

    /// Consumes `tok` or reports "expected {what}, found ...". Returns the token's span.
    fn expect(&mut self, tok: &Tok, what: &str) -> PResult<Span> {
        if self.at(tok) { Ok(self.bump()) } else { Err(self.expected(what)) }
    }

    /// Consumes an identifier or reports "expected {what}, found ...".
    fn expect_ident(&mut self, what: &str) -> PResult<Ident> {
        match self.peek() {
            Tok::Ident(name) => {
                let ident = Ident { name: name.clone(), span: self.span() };
                self.bump();
                Ok(ident)
            }
            _ => Err(self.expected(what)),
        }
    }

    /// Runs `f` one nesting level deeper, failing if the nesting limit is reached.
    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        if self.depth >= MAX_DEPTH {
            let span = self.span();
            return Err(self.report(
                span,
                format!("the code is nested too deeply here (the limit is {MAX_DEPTH} levels)"),
            ));
        }
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        result
    }

    /// After a failed statement that began at token `start`: skips to the end of the statement,
    /// i.e. past the next `;` or up to the next `}` outside braces opened by the statement.
    fn recover(&mut self, start: usize) {
        let mut braces = self.tokens[start..self.pos].iter().fold(0usize, |depth, t| match t.tok {
            Tok::LBrace => depth + 1,
            Tok::RBrace => depth.saturating_sub(1),
            _ => depth,
        });
        loop {
            match self.peek() {
                Tok::Eof => break,
                Tok::Semi if braces == 0 => {
                    self.bump();
                    break;
                }
                Tok::RBrace if braces == 0 => break,
                Tok::RBrace => {
                    self.bump();
                    braces -= 1;
                    if braces == 0 {
                        // A block of the statement has ended; stop unless the statement
                        // obviously goes on (`{...} + x;`).
                        let goes_on = binary_op(self.peek()).is_some()
                            || matches!(
                                self.peek(),
                                Tok::LBracket
                                    | Tok::LFilter
                                    | Tok::RParen
                                    | Tok::RBracket
                                    | Tok::Comma
                                    | Tok::Question
                                    | Tok::Colon
                                    | Tok::Semi
                            );
                        if !goes_on {
                            break;
                        }
                    }
                }
                Tok::LBrace => {
                    self.bump();
                    braces += 1;
                }
                _ => {
                    self.bump();
                }
            }
        }
        if self.pos == start {
            // Make progress on a token that cannot start a statement (a stray `}`).
            self.bump();
        }
    }

    // ---------------------------------------------------------------------------------------
    // Lookahead decisions
    // ---------------------------------------------------------------------------------------

    /// If the token at index `i` is `[`, the index of the token that closes it (counting `[[`
    /// and `]]` as two brackets each, as they are single tokens); `None` if it is not closed
    /// before the end of the statement.
    fn matching_bracket(&self, i: usize) -> Option<usize> {
        let mut depth = 0usize;
        for (j, t) in self.tokens.iter().enumerate().skip(i) {
            match t.tok {
                Tok::LBracket => depth += 1,
                Tok::LFilter => depth += 2,
                Tok::RBracket | Tok::RFilter => {
                    depth = depth.saturating_sub(if t.tok == Tok::RBracket { 1 } else { 2 });
                    if depth == 0 {
                        return Some(j);
                    }
                }
                Tok::Semi | Tok::Eof => return None,
                _ => {}
            }
        }
        None
    }

    /// Does the `[` at token index `i` start the rows of a row-wise frame literal, i.e. is
    /// its closing `]` followed by `,` or `}`?
    fn frame_rows_ahead(&self, i: usize) -> bool {
        self.matching_bracket(i)
            .and_then(|j| self.tokens.get(j + 1))
            .is_some_and(|t| matches!(t.tok, Tok::Comma | Tok::RBrace))
    }

    /// At a `{` that starts a statement: is it a block (rather than a frame literal starting
    /// an expression statement)?
    ///
    /// This mirrors the reference parser's decision, which looks ahead until only one reading
    /// remains and prefers the block when both remain: `{}` is an empty block unless an operator
    /// follows that no statement can start with (`{} && x;`, `{}[[b, ]];`).
    fn brace_starts_block(&mut self) -> bool {
        match self.nth(1).tok {
            Tok::RBrace => match &self.nth(2).tok {
                // `{}[1, 2];` can be a block followed by a matrix literal, or an indexed frame.
                Tok::LBracket => self.block_reaches_further(),
                Tok::LFilter | Tok::Question => false,
                // `{} - x;` is a block and `-x;`, but `{} -::k x;` is a subtraction.
                Tok::Plus | Tok::Minus => self.nth(3).tok != Tok::ColonColon,
                tok => binary_op(tok).is_none(),
            },
            Tok::LBrace
            | Tok::If
            | Tok::While
            | Tok::Do
            | Tok::For
            | Tok::Def
            | Tok::Return
            | Tok::Import => true,
            Tok::LBracket if self.frame_rows_ahead(self.pos + 1) => false,
            _ => {
                // A frame by columns has a `:` (not belonging to a `?`) before any `;`.
                let mut depth = 0usize;
                let mut pending_questions = 0usize;
                for t in &self.tokens[self.pos + 1..] {
                    match t.tok {
                        Tok::LParen | Tok::LBracket | Tok::LBrace => depth += 1,
                        Tok::LFilter => depth += 2,
                        Tok::RFilter => depth = depth.saturating_sub(2),
                        Tok::RParen | Tok::RBracket => depth = depth.saturating_sub(1),
                        Tok::RBrace if depth == 0 => return true,
                        Tok::RBrace => depth -= 1,
                        Tok::Semi if depth == 0 => return true,
                        Tok::Eof => return true,
                        Tok::Question if depth == 0 => pending_questions += 1,
                        Tok::Colon if depth == 0 => {
                            if pending_questions == 0 {
                                return false;
                            }
                            pending_questions -= 1;
                        }
                        _ => {}
                    }
                }
                true
            }
        }
    }

    /// At `{}` followed by `[`: does reading a block and the next statement get at least as
    /// far as reading an expression statement? (Both are tried silently.)
    fn block_reaches_further(&mut self) -> bool {
        let as_block = self.probe(|p| {
            p.block()?;
            p.statement().map(drop)
        });
        let as_expr = self.probe(|p| {
            p.expr()?;
            p.expect(&Tok::Semi, "`;`").map(drop)
        });
        as_block >= as_expr
    }

    /// Runs `f` without effect: returns how far it got (the token index where it failed, or
    /// `usize::MAX` if it succeeded), then rewinds the cursor and drops its diagnostics.
    fn probe(&mut self, f: impl FnOnce(&mut Self) -> PResult<()>) -> usize {
        let (pos, diag_count) = (self.pos, self.diags.len());
        let reached = match f(self) {
            Ok(()) => usize::MAX,
            Err(Fail) => self.pos,
        };
        self.pos = pos;
        self.diags.truncate(diag_count);
        reached
    }

    /// At an identifier that starts a statement: is this an assignment, i.e. do a dotted name
    /// and optional indexing come before `=` or `,`?
    fn starts_assignment(&self) -> bool {
        let mut i = self.pos + 1;
        while self.tokens.get(i).is_some_and(|t| t.tok == Tok::Dot)
            && self.tokens.get(i + 1).is_some_and(|t| matches!(t.tok, Tok::Ident(_)))
        {
            i += 2;
        }
        if self.tokens.get(i).is_some_and(|t| t.tok == Tok::LBracket) {
            match self.matching_bracket(i) {
                Some(j) => i = j + 1,
                None => return false,
            }
        }
        self.tokens.get(i).is_some_and(|t| matches!(t.tok, Tok::Assign | Tok::Comma))
    }

    // ---------------------------------------------------------------------------------------
    // Statements
    // ---------------------------------------------------------------------------------------

    /// Parses statements up to the end of input (or, in a block, up to its `}`), recovering
    /// from errors statement by statement.
    fn stmt_list(&mut self, in_block: bool) -> Vec<Stmt> {
        let mut stmts = Vec::new();
        while !self.gave_up() {
            match self.peek() {
                Tok::Eof => break,
                Tok::RBrace if in_block => break,
                _ => {}
            }
            let start = self.pos;
            match self.statement() {
                Ok(stmt) => stmts.push(stmt),
                Err(Fail) => self.recover(start),
            }
        }
        stmts
    }

    /// Parses one statement.
    fn statement(&mut self) -> PResult<Stmt> {
        self.nested(|p| {
            let start = p.span().start;
            let is_block = p.at(&Tok::LBrace) && p.brace_starts_block();
            let kind = match p.peek() {
                Tok::LBrace if is_block => StmtKind::Block(p.block()?),
                Tok::If => p.if_stmt()?,
                Tok::While => p.while_stmt()?,
                Tok::Do => p.do_while_stmt()?,
                Tok::For => p.for_stmt()?,
                Tok::Def => StmtKind::FuncDef(p.func_def()?),
                Tok::Return => p.return_stmt()?,
                Tok::Import => p.import_stmt()?,
                Tok::Ident(_) if p.starts_assignment() => p.assign_stmt()?,
                tok if starts_expr(tok) => {
                    let expr = p.expr()?;
                    p.expect(&Tok::Semi, "`;` after the expression")?;
                    StmtKind::Expr(expr)
                }
                _ => return Err(p.expected("a statement")),
            };
            Ok(Stmt { kind, span: Span { start, end: p.prev_end(), file: p.file } })
        })
    }

    /// `{ stmts } ;?`
    fn block(&mut self) -> PResult<Vec<Stmt>> {
        let open = self.expect(&Tok::LBrace, "`{`")?;
        let stmts = self.stmt_list(true);
        if !self.eat(&Tok::RBrace) {
            let (line, col) = line_col(self.source, open.start);
            return Err(self.expected(&format!("`}}` to close the block opened at {line}:{col}")));
        }
        self.eat(&Tok::Semi);
        Ok(stmts)
    }

    /// `( expr )` after `if` or `while`.
    fn condition(&mut self, keyword: &str) -> PResult<Expr> {
        self.expect(&Tok::LParen, &format!("`(` after `{keyword}`"))?;
        let cond = self.expr()?;
        self.expect(&Tok::RParen, "`)` after the condition")?;
        Ok(cond)
    }

    /// `if (cond) stmt [else stmt]`; an `else` belongs to the nearest `if`.
    fn if_stmt(&mut self) -> PResult<StmtKind> {
        self.bump();
        let cond = self.condition("if")?;
        let then_branch = Box::new(self.statement()?);
        let else_branch =
            if self.eat(&Tok::Else) { Some(Box::new(self.statement()?)) } else { None };
        Ok(StmtKind::If { cond, then_branch, else_branch })
    }

    /// `while (cond) stmt`
    fn while_stmt(&mut self) -> PResult<StmtKind> {
        self.bump();
        let cond = self.condition("while")?;
        let body = Box::new(self.statement()?);
        Ok(StmtKind::While { cond, body })
    }

    /// `do stmt while (cond) ;?`
    fn do_while_stmt(&mut self) -> PResult<StmtKind> {
        self.bump();
        let body = Box::new(self.statement()?);
        self.expect(&Tok::While, "`while` after the body of `do`")?;
        let cond = self.condition("while")?;
        self.eat(&Tok::Semi);
        Ok(StmtKind::DoWhile { body, cond })
    }

    /// `for (var in from:to[:step]) stmt`
    fn for_stmt(&mut self) -> PResult<StmtKind> {
        self.bump();
        self.expect(&Tok::LParen, "`(` after `for`")?;
        let var = self.expect_ident("the loop variable after `for (`")?;
        self.expect(&Tok::In, "`in` after the loop variable")?;
        let from = self.expr()?;
        self.expect(&Tok::Colon, "`:` between the bounds of the loop range")?;
        let to = self.expr()?;
        let step = if self.eat(&Tok::Colon) { Some(self.expr()?) } else { None };
        self.expect(&Tok::RParen, "`)` after the loop range")?;
        let body = Box::new(self.statement()?);
        Ok(StmtKind::For { var, from, to, step, body })
    }

    /// `def name(params) [-> types] { body } ;?`
    fn func_def(&mut self) -> PResult<FuncDef> {
        self.bump();
        let name = self.expect_ident("the function name after `def`")?;
        self.expect(&Tok::LParen, "`(` after the function name")?;
        let mut params = Vec::new();
        while !self.at(&Tok::RParen) {
            let name = self.expect_ident("a parameter name")?;
            let ty = if self.eat(&Tok::Colon) { Some(self.type_annot()?) } else { None };
            params.push(Param { name, ty });
            if !self.eat(&Tok::Comma) {
                break;
            }
        }
        self.expect(&Tok::RParen, "`,` or `)` after a parameter")?;
        let mut results = Vec::new();
        if self.eat(&Tok::Arrow) {
            results.push(self.type_annot()?);
            while self.eat(&Tok::Comma) {
                results.push(self.type_annot()?);
            }
        }
        if !self.at(&Tok::LBrace) {
            return Err(self.expected("`{` to start the function body"));
        }
        let body = self.block()?;
        Ok(FuncDef { name, params, results, body })
    }

    /// A type annotation: `matrix<f64>`, `matrix`, `frame`, `scalar` or a value type like `f64`.
    fn type_annot(&mut self) -> PResult<TypeAnnot> {
        let start = self.span().start;
        let (data_type, value_type) =
            self.type_spec("a type (`matrix`, `frame`, `scalar` or a value type like `f64`)")?;
        Ok(TypeAnnot { data_type, value_type, span: Span { start, end: self.prev_end(), file: self.file } })
    }

    /// `datatype [<valuetype>]` or `valuetype`, as in type annotations and casts.
    fn type_spec(&mut self, what: &str) -> PResult<(Option<DataTypeName>, Option<ValueTypeName>)> {
        match *self.peek() {
            Tok::DataType(data_type) => {
                self.bump();
                if !self.eat(&Tok::Lt) {
                    return Ok((Some(data_type), None));
                }
                let Tok::ValueType(vt) = *self.peek() else {
                    return Err(self.expected("a value type after `<`"));
                };
                self.bump();
                self.expect(&Tok::Gt, "`>` after the value type")?;
                Ok((Some(data_type), Some(vt)))
            }
            Tok::ValueType(vt) => {
                self.bump();
                Ok((None, Some(vt)))
            }
            _ => Err(self.expected(what)),
        }
    }

    /// `return [e1, e2, ...];`
    fn return_stmt(&mut self) -> PResult<StmtKind> {
        self.bump();
        let mut values = Vec::new();
        if !self.at(&Tok::Semi) {
            values.push(self.expr()?);
            while self.eat(&Tok::Comma) {
                values.push(self.expr()?);
            }
        }
        self.expect(&Tok::Semi, "`;` after the return statement")?;
        Ok(StmtKind::Return(values))
    }

    /// `import "path" [as "alias"];`
    fn import_stmt(&mut self) -> PResult<StmtKind> {
        self.bump();
        let path = self.string("the file path (a string literal) after `import`")?;
        let alias = if self.eat(&Tok::As) {
            Some(self.string("the alias (a string literal) after `as`")?)
        } else {
            None
        };
        self.expect(&Tok::Semi, "`;` after the import")?;
        Ok(StmtKind::Import { path, alias })
    }

    /// A string literal's value.
    fn string(&mut self, what: &str) -> PResult<String> {
        match self.peek() {
            Tok::Str(s) => {
                let s = s.clone();
                self.bump();
                Ok(s)
            }
            _ => Err(self.expected(what)),
        }
    }

    /// `a.b.c`: an identifier with optional dotted parts, as one [`Ident`].
    fn dotted_name(&mut self) -> PResult<Ident> {
        let mut ident = self.expect_ident("an identifier")?;
        while self.at(&Tok::Dot) && matches!(self.nth(1).tok, Tok::Ident(_)) {
            self.bump();
            let part = self.expect_ident("an identifier after `.`")?;
            ident.name.push('.');
            ident.name.push_str(&part.name);
            ident.span = ident.span.to(part.span);
        }
        Ok(ident)
    }

    /// `t1, t2, ... = expr;` where each target is a dotted name with optional indexing.
    fn assign_stmt(&mut self) -> PResult<StmtKind> {
        let mut targets = Vec::new();
        loop {
            let name = self.dotted_name()?;
            let index = if self.at(&Tok::LBracket) { Some(self.indexing()?) } else { None };
            let span = index.as_ref().map_or(name.span, |i| name.span.to(i.span));
            targets.push(AssignTarget { name, index, span });
            if !self.eat(&Tok::Comma) {
                break;
            }
        }
        self.expect(&Tok::Assign, "`=` after the assignment targets")?;
        let value = self.expr()?;
        self.expect(&Tok::Semi, "`;` after the assignment")?;
        Ok(StmtKind::Assign { targets, value })
    }

    // ---------------------------------------------------------------------------------------
    // Expressions
    // ---------------------------------------------------------------------------------------

    /// A full expression.
    fn expr(&mut self) -> PResult<Expr> {
        self.expr_bp(0)
    }

    /// An expression whose binary operators bind at least as tightly as `min_prec`.
    fn expr_bp(&mut self, min_prec: u8) -> PResult<Expr> {
        self.nested(|p| {
            let mut lhs = match p.peek() {
                Tok::Plus | Tok::Minus => {
                    let op = if p.at(&Tok::Minus) { UnaryOp::Neg } else { UnaryOp::Plus };
                    let op_span = p.bump();
                    let operand = p.expr_bp(PREC_UNARY)?;
                    let span = op_span.to(operand.span);
                    Expr { kind: ExprKind::Unary { op, expr: Box::new(operand) }, span }
                }
                _ => p.primary()?,
            };
            // The height of `lhs`, computed once the first operator is applied to it.
            let mut lhs_height = None;
            loop {
                let applies = match p.peek() {
                    // Postfix operators bind tighter than anything `min_prec` can ask for.
                    Tok::LFilter | Tok::LBracket => true,
                    Tok::Question => PREC_TERNARY >= min_prec,
                    tok => binary_op(tok).is_some_and(|(_, prec)| prec >= min_prec),
                };
                if !applies {
                    break;
                }
                let op_span = p.span();
                let base_height = *lhs_height.get_or_insert_with(|| expr_height(&lhs));
                let start = lhs.span.start;
                let kind = p.operator(lhs, min_prec)?;
                let expr = Expr { kind, span: Span { start, end: p.prev_end(), file: p.file } };
                // The first child is the old `lhs`, whose height is known.
                let mut height = base_height;
                let mut first = true;
                for_each_child(&expr, |c| {
                    if !std::mem::take(&mut first) {
                        height = height.max(expr_height(c));
                    }
                });
                height += 1;
                if height > MAX_EXPR_HEIGHT {
                    return Err(p.report(
                        op_span,
                        format!(
                            "the expression is nested too deeply here (the limit is \
                             {MAX_EXPR_HEIGHT} levels)"
                        ),
                    ));
                }
                lhs_height = Some(height);
                lhs = expr;
            }
            Ok(lhs)
        })
    }

    /// Applies the postfix, binary or ternary operator at the cursor to `lhs` (the caller has
    /// checked that one applies at `min_prec`).
    fn operator(&mut self, lhs: Expr, min_prec: u8) -> PResult<ExprKind> {
        let lhs = Box::new(lhs);
        Ok(match self.peek() {
            Tok::LFilter => {
                self.bump();
                let rows = if self.at(&Tok::Comma) { None } else { Some(Box::new(self.expr()?)) };
                self.expect(&Tok::Comma, "`,` between the row and column filters")?;
                let cols = if self.at(&Tok::RFilter) { None } else { Some(Box::new(self.expr()?)) };
                self.expect(&Tok::RFilter, "`]]` to close the filter")?;
                ExprKind::Filter { base: lhs, rows, cols }
            }
            Tok::LBracket => ExprKind::Index { base: lhs, index: self.indexing()? },
            Tok::Question => {
                self.bump();
                let then_expr = Box::new(self.expr()?);
                self.expect(&Tok::Colon, "`:` after the `?` branch of the conditional")?;
                // As in the reference grammar, the `:` branch is parsed one level tighter.
                let else_expr = Box::new(self.expr_bp(PREC_TERNARY + 1)?);
                ExprKind::Ternary { cond: lhs, then_expr, else_expr }
            }
            tok => {
                let Some((op, prec)) = binary_op(tok).filter(|&(_, prec)| prec >= min_prec) else {
                    return Err(self.expected("an operator"));
                };
                self.bump();
                let hint_allowed =
                    matches!(op, BinaryOp::Mul | BinaryOp::Div | BinaryOp::Add | BinaryOp::Sub);
                let kernel_hint = if hint_allowed && self.eat(&Tok::ColonColon) {
                    Some(self.expect_ident("a kernel name after `::`")?.name)
                } else {
                    None
                };
                let rhs = Box::new(self.expr_bp(prec + 1)?);
                ExprKind::Binary { op, lhs, rhs, kernel_hint }
            }
        })
    }

    /// `[rows, cols]`, each side omitted, an expression or a range `lo:hi`.
    fn indexing(&mut self) -> PResult<Indexing> {
        let open = self.expect(&Tok::LBracket, "`[`")?;
        let rows = self.index_part(&Tok::Comma)?;
        if !self.at(&Tok::Comma) {
            let message = "`,` in the indexing (`X[i, ]` selects rows, `X[, j]` columns)";
            return Err(self.expected(message));
        }
        self.bump();
        let cols = self.index_part(&Tok::RBracket)?;
        let close = self.expect(&Tok::RBracket, "`]` to close the indexing")?;
        Ok(Indexing { rows, cols, span: open.to(close) })
    }

    /// One side of an indexing, which ends before `end`.
    fn index_part(&mut self, end: &Tok) -> PResult<IndexPart> {
        let lo = if self.at(&Tok::Colon) {
            None
        } else if self.at(end) {
            return Ok(IndexPart::All);
        } else {
            let e = self.expr()?;
            if !self.at(&Tok::Colon) {
                return Ok(IndexPart::Expr(Box::new(e)));
            }
            Some(Box::new(e))
        };
        self.bump();
        let hi = if self.at(end) { None } else { Some(Box::new(self.expr()?)) };
        Ok(IndexPart::Range { lo, hi })
    }

    /// A primary expression: literal, `$arg`, name, call, `(e)`, cast, matrix or frame.
    fn primary(&mut self) -> PResult<Expr> {
        let token = self.nth(0).clone();
        let kind = match token.tok {
            Tok::Number(NumLit::Int { value, suffix }) => ExprKind::Int { value, suffix },
            Tok::Number(NumLit::Float { value, is_f32 }) => ExprKind::Float { value, is_f32 },
            Tok::True => ExprKind::Bool(true),
            Tok::False => ExprKind::Bool(false),
            Tok::Str(s) => ExprKind::Str(s),
            Tok::Dollar => {
                self.bump();
                let name = self.expect_ident("an argument name after `$`")?;
                let span = token.span.to(name.span);
                return Ok(Expr { kind: ExprKind::ScriptArg(name.name), span });
            }
            Tok::Ident(_) => return self.name_or_call(),
            Tok::LParen => {
                self.bump();
                let inner = self.expr()?;
                let close = self.expect(&Tok::RParen, "`)` to close the parenthesis")?;
                // The parentheses belong to the expression's span.
                return Ok(Expr { span: token.span.to(close), ..inner });
            }
            Tok::As => return self.cast(),
            Tok::LBracket => return self.matrix_literal(),
            Tok::LBrace => return self.frame_literal(),
            Tok::LFilter => {
                return Err(self.expected(
                    "an expression (`[[` is the filter bracket; write `[ [` for a matrix \
                     literal that starts with a nested one)",
                ));
            }
            _ => return Err(self.expected("an expression")),
        };
        self.bump();
        Ok(Expr { kind, span: token.span })
    }

    /// A (dotted) name, or a call `name[::kernel](args)`.
    fn name_or_call(&mut self) -> PResult<Expr> {
        let callee = self.dotted_name()?;
        let kernel_hint = if self.eat(&Tok::ColonColon) {
            let kernel = self.expect_ident("a kernel name after `::`")?;
            if !self.at(&Tok::LParen) {
                return Err(self.expected("`(` after the kernel name"));
            }
            Some(kernel.name)
        } else {
            None
        };
        if !self.at(&Tok::LParen) {
            let span = callee.span;
            return Ok(Expr { kind: ExprKind::Ident(callee.name), span });
        }
        self.bump();
        let mut args = Vec::new();
        while !self.at(&Tok::RParen) {
            let name = match (&self.nth(0).tok, &self.nth(1).tok) {
                (Tok::Ident(_), Tok::Assign) => {
                    let name = self.expect_ident("a parameter name")?;
                    self.bump();
                    Some(name)
                }
                _ => None,
            };
            let value = self.expr()?;
            args.push(Arg { name, value });
            if !self.eat(&Tok::Comma) {
                break;
            }
        }
        let close = self.expect(&Tok::RParen, "`,` or `)` after a call argument")?;
        let span = callee.span.to(close);
        Ok(Expr { kind: ExprKind::Call { callee, kernel_hint, args }, span })
    }

    /// `as.T(e)` with `T` one of `matrix`, `matrix<vt>`, `frame`, `scalar`, `scalar<vt>`, `vt`.
    fn cast(&mut self) -> PResult<Expr> {
        let start = self.bump();
        self.expect(&Tok::Dot, "`.` after `as`")?;
        let (data_type, value_type) = self.type_spec(
            "a type after `as.` (`matrix`, `frame`, `scalar` or a value type like `f64`)",
        )?;
        let target = CastTarget { data_type, value_type };
        self.expect(&Tok::LParen, "`(` after the cast type")?;
        let expr = Box::new(self.expr()?);
        let close = self.expect(&Tok::RParen, "`)` after the cast operand")?;
        Ok(Expr { kind: ExprKind::Cast { target, expr }, span: start.to(close) })
    }

    /// `[e1, e2, ...]` with optional dimensions `(rows, cols)`, either of which may be omitted.
    fn matrix_literal(&mut self) -> PResult<Expr> {
        let (elems, mut span) = self.bracket_list()?;
        let dims = if self.eat(&Tok::LParen) {
            let rows = if self.at(&Tok::Comma) { None } else { Some(Box::new(self.expr()?)) };
            self.expect(&Tok::Comma, "`,` between the matrix dimensions (`(rows, cols)`)")?;
            let cols = if self.at(&Tok::RParen) { None } else { Some(Box::new(self.expr()?)) };
            span = span.to(self.expect(&Tok::RParen, "`)` after the matrix dimensions")?);
            Some((rows, cols))
        } else {
            None
        };
        Ok(Expr { kind: ExprKind::Matrix { elems, dims }, span })
    }

    /// `[e1, e2, ...]` (possibly empty, no trailing comma) and its span.
    fn bracket_list(&mut self) -> PResult<(Vec<Expr>, Span)> {
        let open = self.expect(&Tok::LBracket, "`[`")?;
        let mut elems = Vec::new();
        if !self.at(&Tok::RBracket) {
            elems.push(self.expr()?);
            while self.eat(&Tok::Comma) {
                elems.push(self.expr()?);
            }
        }
        let close = self.expect(&Tok::RBracket, "`,` or `]` in the matrix literal")?;
        Ok((elems, open.to(close)))
    }

    /// `{"a": e, ...}` (by columns, possibly empty) or `{[labels], [row], ...}` (by rows).
    fn frame_literal(&mut self) -> PResult<Expr> {
        let open = self.bump();
        let kind = if self.at(&Tok::LBracket) && self.frame_rows_ahead(self.pos) {
            let mut rows = vec![self.bracket_list()?.0];
            while self.eat(&Tok::Comma) {
                rows.push(self.bracket_list()?.0);
            }
            ExprKind::FrameRows(rows)
        } else {
            let mut cols = Vec::new();
            if !self.at(&Tok::RBrace) {
                loop {
                    let label = self.expr()?;
                    self.expect(&Tok::Colon, "`:` after the frame column label")?;
                    cols.push((label, self.expr()?));
                    if !self.eat(&Tok::Comma) {
                        break;
                    }
                }
            }
            ExprKind::FrameCols(cols)
        };
        let close = self.expect(&Tok::RBrace, "`,` or `}` in the frame literal")?;
        Ok(Expr { kind, span: open.to(close) })
    }
}

#[cfg(test)]
mod tests;

//! The abstract syntax tree of DaphneDSL.
//!
//! Every node carries a [`Span`] (byte offsets into the source file) so that later stages can
//! report errors at `file:line:col`. The tree is purely syntactic: names are not resolved and no
//! types are known yet (that is the job of `daphne-sema`).

/// A half-open byte range `[start, end)` in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// First byte of the construct.
    pub start: u32,
    /// One past the last byte of the construct.
    pub end: u32,
    /// Which source file (an index into the caller's file table; 0 = the main script).
    pub file: u32,
}

impl Span {
    /// A span from `start` to `end` (byte offsets) in file 0.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start: start as u32, end: end as u32, file: 0 }
    }

    /// The smallest span covering both `self` and `other` (in `self`'s file).
    pub fn to(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end), file: self.file }
    }
}

/// A whole parsed script: the statements of the main scope in source order.
#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    /// Top-level statements (including `def` and `import`).
    pub stmts: Vec<Stmt>,
}

/// An identifier with its position. Dotted names (`utils.f`) are kept as one string.
#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    /// The name as written, e.g. `x` or `m.fun`.
    pub name: String,
    /// Where it was written.
    pub span: Span,
}

/// A statement with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    /// What kind of statement this is.
    pub kind: StmtKind,
    /// From the first token to the terminating `;` or `}`.
    pub span: Span,
}

/// The statement forms of DaphneDSL.
#[derive(Debug, Clone, PartialEq)]
pub enum StmtKind {
    /// `e;`
    Expr(Expr),
    /// `x = e;`, `X[i, j] = e;` or `a, B[1, ], c = f();`
    Assign {
        /// One or more targets (more than one only for multi-result calls).
        targets: Vec<AssignTarget>,
        /// The right-hand side.
        value: Expr,
    },
    /// `{ stmts }`: opens a scope.
    Block(Vec<Stmt>),
    /// `if (cond) then [else else]`
    If {
        /// The condition (cast to bool).
        cond: Expr,
        /// Taken when the condition holds.
        then_branch: Box<Stmt>,
        /// Taken otherwise, if present.
        else_branch: Option<Box<Stmt>>,
    },
    /// `while (cond) body`
    While {
        /// Checked before every iteration.
        cond: Expr,
        /// The loop body.
        body: Box<Stmt>,
    },
    /// `do body while (cond);`
    DoWhile {
        /// The loop body, run at least once.
        body: Box<Stmt>,
        /// Checked after every iteration.
        cond: Expr,
    },
    /// `for (var in from:to[:step]) body` with inclusive bounds.
    For {
        /// The (read-only) loop variable.
        var: Ident,
        /// First value.
        from: Expr,
        /// Last value (inclusive).
        to: Expr,
        /// Step; `None` means ±1 depending on the direction.
        step: Option<Expr>,
        /// The loop body.
        body: Box<Stmt>,
    },
    /// `def name(params) [-> types] { body }`
    FuncDef(FuncDef),
    /// `return [e1, e2, ...];`
    Return(Vec<Expr>),
    /// `import "path" [as "alias"];`
    Import {
        /// The path as written (without quotes, escapes resolved).
        path: String,
        /// The alias, if given.
        alias: Option<String>,
    },
}

/// One target of an assignment.
#[derive(Debug, Clone, PartialEq)]
pub struct AssignTarget {
    /// The variable assigned to.
    pub name: Ident,
    /// `Some` for left indexing `X[rows, cols] = ...`.
    pub index: Option<Indexing>,
    /// Span of the whole target.
    pub span: Span,
}

/// A user-defined function.
#[derive(Debug, Clone, PartialEq)]
pub struct FuncDef {
    /// The function name.
    pub name: Ident,
    /// Parameters, each with an optional type annotation.
    pub params: Vec<Param>,
    /// Declared result types (`-> t1, t2`); empty when none were declared.
    pub results: Vec<TypeAnnot>,
    /// The body (always a block in the source).
    pub body: Vec<Stmt>,
}

/// A UDF parameter `name [: type]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The parameter name.
    pub name: Ident,
    /// Its declared type, if any.
    pub ty: Option<TypeAnnot>,
}

/// A type annotation: `matrix<f64>`, `matrix`, `frame`, `scalar`, `f64`, ...
#[derive(Debug, Clone, PartialEq)]
pub struct TypeAnnot {
    /// `None` for a bare value type like `f64` (which means a scalar of that type).
    pub data_type: Option<DataTypeName>,
    /// The value type, if given (`matrix<f64>`, `f64`).
    pub value_type: Option<ValueTypeName>,
    /// Where the annotation was written.
    pub span: Span,
}

/// The data-type keywords.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataTypeName {
    /// `matrix`
    Matrix,
    /// `frame`
    Frame,
    /// `scalar`
    Scalar,
}

/// The value-type keywords.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueTypeName {
    /// `f64`
    F64,
    /// `f32`
    F32,
    /// `si64`
    Si64,
    /// `si32`
    Si32,
    /// `si8`
    Si8,
    /// `ui64`
    Ui64,
    /// `ui32`
    Ui32,
    /// `ui8`
    Ui8,
    /// `str`
    Str,
    /// `bool`
    Bool,
}

/// An expression with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What kind of expression this is.
    pub kind: ExprKind,
    /// Where it was written.
    pub span: Span,
}

/// Suffix of an integer literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntSuffix {
    /// No suffix: `si64`.
    None,
    /// `u` or `ull`: `ui64`.
    Unsigned,
    /// `l`: `si64`.
    Long,
    /// `z`: `size` (index).
    Size,
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-e`
    Neg,
    /// `+e` (identity)
    Plus,
}

/// Binary operators, in DaphneDSL's spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `@`
    MatMul,
    /// `^`
    Pow,
    /// `%`
    Mod,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `&&`
    And,
    /// `||`
    Or,
}

/// One call argument, optionally named (`fill(value=1, numRows=2, numCols=3)`).
#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    /// The keyword, for keyword arguments.
    pub name: Option<Ident>,
    /// The argument value.
    pub value: Expr,
}

/// One side (rows or columns) of an indexing expression.
#[derive(Debug, Clone, PartialEq)]
pub enum IndexPart {
    /// Omitted: all rows / all columns.
    All,
    /// A single expression: a position, a column matrix of positions, or a label string.
    Expr(Box<Expr>),
    /// `lo:hi` with either bound optional (upper bound exclusive).
    Range {
        /// Lower bound, inclusive; `None` = 0.
        lo: Option<Box<Expr>>,
        /// Upper bound, exclusive; `None` = the end.
        hi: Option<Box<Expr>>,
    },
}

/// The `[rows, cols]` part of an indexing expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Indexing {
    /// Row selection.
    pub rows: IndexPart,
    /// Column selection.
    pub cols: IndexPart,
    /// Where the brackets were written.
    pub span: Span,
}

/// The target of a cast `as.<target>(e)`.
#[derive(Debug, Clone, PartialEq)]
pub struct CastTarget {
    /// `as.matrix`, `as.frame`, `as.scalar`; `None` for `as.f64(...)` and friends.
    pub data_type: Option<DataTypeName>,
    /// `as.matrix<f64>` or `as.f64`.
    pub value_type: Option<ValueTypeName>,
}

/// The `(rows, cols)` suffix of a matrix literal; either expression may be omitted (`(2,)`).
pub type MatrixDims = (Option<Box<Expr>>, Option<Box<Expr>>);

/// The expression forms of DaphneDSL.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// Integer literal; the value is the magnitude as written (a leading `-` is a unary op).
    Int {
        /// The literal's value (up to 2^64-1).
        value: u64,
        /// The suffix that selects its type.
        suffix: IntSuffix,
    },
    /// Floating-point literal (including `nan`, `inf`, `nanf`, `inff`).
    Float {
        /// The value. For f32 literals (`f` suffix) it is the f32 nearest to the written text,
        /// widened to f64, so `value as f32` is exact.
        value: f64,
        /// `true` for an `f` suffix.
        is_f32: bool,
    },
    /// `true` / `false`
    Bool(bool),
    /// A string literal with escapes resolved.
    Str(String),
    /// A variable or (dotted) symbol name.
    Ident(String),
    /// `$name`: a script argument.
    ScriptArg(String),
    /// `-e`, `+e`
    Unary {
        /// The operator.
        op: UnaryOp,
        /// The operand.
        expr: Box<Expr>,
    },
    /// `lhs op[::kernel] rhs`
    Binary {
        /// The operator.
        op: BinaryOp,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
        /// Kernel hint `a +::k b`.
        kernel_hint: Option<String>,
    },
    /// `cond ? then : else`
    Ternary {
        /// The condition.
        cond: Box<Expr>,
        /// Value when true.
        then_expr: Box<Expr>,
        /// Value when false.
        else_expr: Box<Expr>,
    },
    /// `name[::kernel](args)`: a builtin or UDF call.
    Call {
        /// The callee, e.g. `sum` or `utils.f`.
        callee: Ident,
        /// Kernel hint `sum::k(X)`.
        kernel_hint: Option<String>,
        /// Arguments, positional first.
        args: Vec<Arg>,
    },
    /// `as.<target>(e)`
    Cast {
        /// What to cast to.
        target: CastTarget,
        /// The operand.
        expr: Box<Expr>,
    },
    /// Matrix literal `[e1, e2, ...]` with optional `(rows, cols)`.
    Matrix {
        /// The elements in row-major order.
        elems: Vec<Expr>,
        /// `Some((rows, cols))` when a dimension suffix was written; either may be omitted.
        dims: Option<MatrixDims>,
    },
    /// Frame literal by columns `{"a": [1, 2], "b": [3, 4]}`.
    FrameCols(Vec<(Expr, Expr)>),
    /// Frame literal by rows `{["a", "b"], [1, 2], [3, 4]}`; the first row holds the labels.
    FrameRows(Vec<Vec<Expr>>),
    /// Right indexing `e[rows, cols]`.
    Index {
        /// The indexed object.
        base: Box<Expr>,
        /// The selection.
        index: Indexing,
    },
    /// Bit-vector filter `e[[rows, cols]]`.
    Filter {
        /// The filtered object.
        base: Box<Expr>,
        /// Row bit vector, if given.
        rows: Option<Box<Expr>>,
        /// Column bit vector, if given.
        cols: Option<Box<Expr>>,
    },
}

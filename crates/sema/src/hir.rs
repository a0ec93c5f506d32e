//! The typed high-level IR produced by semantic analysis.
//!
//! Every expression has a [`Type`]; names are resolved; builtins are mapped to daphne dialect
//! operations ([`Op`]). Control-flow statements list the variables whose values flow out of
//! them (`merged` / `carried`), so the MLIR emitter can build `scf` results and loop-carried
//! values without analysing the code again.

use crate::types::Type;
use daphne_syntax::ast::Span;

/// A whole analysed program.
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    /// The statements of the main function.
    pub main: Vec<Stmt>,
    /// User-defined functions, one per specialization (untyped UDFs are monomorphized per
    /// call-site signature), in the order they were first called.
    pub functions: Vec<Function>,
}

/// A user-defined function, specialized to concrete parameter types.
#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    /// The unique symbol name of this specialization.
    pub symbol: String,
    /// Parameter names and types.
    pub params: Vec<FlowVar>,
    /// Result types.
    pub results: Vec<Type>,
    /// The body; it ends with exactly one `Return` (early returns are rewritten into flags).
    pub body: Vec<Stmt>,
    /// Where the function was defined.
    pub span: Span,
}

/// A variable flowing out of a control-flow statement, with its type.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowVar {
    /// The variable's name.
    pub name: String,
    /// Its type (the same on every path).
    pub ty: Type,
}

/// A statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Stmt {
    /// `a, b, c = f(...)`: the results of a multi-result call.
    AssignMulti {
        /// The variables, one per result.
        names: Vec<String>,
        /// The call (an [`ExprKind::Call`]).
        value: Expr,
    },
    /// `return e1, e2;` (only as the last statement of a function body).
    Return(Vec<Expr>),
    /// `name = value`
    Assign {
        /// The variable.
        name: String,
        /// The new value.
        value: Expr,
    },
    /// An expression evaluated for its effect (`print(x);`).
    Expr(Expr),
    /// `if (cond) then_body else else_body`
    If {
        /// A bool scalar.
        cond: Expr,
        /// Then branch.
        then_body: Vec<Stmt>,
        /// Else branch (possibly empty).
        else_body: Vec<Stmt>,
        /// Variables visible after the `if` whose value may have changed.
        merged: Vec<FlowVar>,
    },
    /// `while (cond) body` (`do_while`: the body runs before the first check).
    While {
        /// A bool scalar, evaluated before (or, for do-while, after) each iteration.
        cond: Expr,
        /// The body.
        body: Vec<Stmt>,
        /// True for `do body while (cond)`.
        do_while: bool,
        /// Variables assigned in the body that live on after the loop.
        carried: Vec<FlowVar>,
    },
    /// `for (var in from:to:step) body`, inclusive bounds, all si64.
    For {
        /// The loop variable (si64, read-only in the body).
        var: String,
        /// First value.
        from: Expr,
        /// Last value (inclusive).
        to: Expr,
        /// Step; `None` means +1 when `to >= from`, else -1.
        step: Option<Expr>,
        /// The body.
        body: Vec<Stmt>,
        /// Variables assigned in the body that live on after the loop.
        carried: Vec<FlowVar>,
    },
}

/// A typed expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What it computes.
    pub kind: ExprKind,
    /// Its type; `None` only for operations without a result (`print`, `stop`).
    pub ty: Option<Type>,
    /// Where it was written.
    pub span: Span,
}

/// A compile-time constant.
#[derive(Debug, Clone, PartialEq)]
pub enum Constant {
    /// An integer, stored as its two's-complement bits (the expression's type says how to read it).
    Int(u64),
    /// A floating-point number.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// A string.
    Str(String),
}

/// Expression forms.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A constant of the expression's type.
    Const(Constant),
    /// A variable read.
    Var(String),
    /// A daphne operation applied to operands.
    Op {
        /// The operation.
        op: Op,
        /// Its operands, in the dialect's operand order.
        args: Vec<Expr>,
        /// The kernel the user asked for (`sum::myKernel(X)`, `a +::k b`), kept on the op.
        kernel_hint: Option<String>,
    },
    /// `map(X, f)`: the UDF specialization `symbol` applied to every element of `arg`.
    Map {
        /// The matrix.
        arg: Box<Expr>,
        /// The scalar UDF's symbol.
        symbol: String,
    },
    /// An operation with several results (only on the right of a multi-assignment).
    MultiOp {
        /// The operation.
        op: Op,
        /// Its operands.
        args: Vec<Expr>,
        /// Its result types.
        results: Vec<Type>,
        /// The kernel the user asked for, kept on the op.
        kernel_hint: Option<String>,
    },
    /// A call of a user-defined function specialization.
    Call {
        /// The callee's symbol (see [`Function::symbol`]).
        symbol: String,
        /// The arguments, already matching the parameter types.
        args: Vec<Expr>,
        /// All result types (the expression's `ty` is the first one).
        results: Vec<Type>,
    },
    /// `cond ? then : else` with a scalar condition: both sides are evaluated.
    Select {
        /// A bool scalar.
        cond: Box<Expr>,
        /// Value when true.
        then_expr: Box<Expr>,
        /// Value when false.
        else_expr: Box<Expr>,
    },
    /// A matrix literal with constant dimensions; elements already have the matrix's value type.
    MatrixLit {
        /// Row-major elements.
        elems: Vec<Expr>,
        /// Number of rows.
        rows: u64,
        /// Number of columns.
        cols: u64,
    },
}

macro_rules! ops {
    ($($(#[$doc:meta])* $variant:ident = $name:literal,)*) => {
        /// The daphne dialect operations the frontend emits (besides constants and matrix literals).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Op {
            $($(#[$doc])* $variant,)*
        }

        impl Op {
            /// The operation's name in the daphne dialect (without the `daphne.` prefix).
            pub fn mlir_name(self) -> &'static str {
                match self { $(Op::$variant => $name,)* }
            }
        }
    };
}

ops! {
    /// `+`
    EwAdd = "ew_add",
    /// `-`
    EwSub = "ew_sub",
    /// `*`
    EwMul = "ew_mul",
    /// `/`
    EwDiv = "ew_div",
    /// `^`, `pow`
    EwPow = "ew_pow",
    /// `%`, `mod`
    EwMod = "ew_mod",
    /// `log(x, base)`
    EwLog = "ew_log",
    /// `min(a, b)`
    EwMin = "ew_min",
    /// `max(a, b)`
    EwMax = "ew_max",
    /// `&&`
    EwAnd = "ew_and",
    /// `||`
    EwOr = "ew_or",
    /// `==`
    EwEq = "ew_eq",
    /// `!=`
    EwNeq = "ew_neq",
    /// `<`
    EwLt = "ew_lt",
    /// `<=`
    EwLe = "ew_le",
    /// `>`
    EwGt = "ew_gt",
    /// `>=`
    EwGe = "ew_ge",
    /// String `+`
    EwConcat = "ew_concat",
    /// Unary `-`
    EwMinus = "ew_minus",
    /// `abs`
    EwAbs = "ew_abs",
    /// `sign`
    EwSign = "ew_sign",
    /// `sqrt`
    EwSqrt = "ew_sqrt",
    /// `exp`
    EwExp = "ew_exp",
    /// `ln`
    EwLn = "ew_ln",
    /// `round`
    EwRound = "ew_round",
    /// `floor`
    EwFloor = "ew_floor",
    /// `ceil`
    EwCeil = "ew_ceil",
    /// `sin`
    EwSin = "ew_sin",
    /// `cos`
    EwCos = "ew_cos",
    /// `tan`
    EwTan = "ew_tan",
    /// `asin`
    EwAsin = "ew_asin",
    /// `acos`
    EwAcos = "ew_acos",
    /// `atan`
    EwAtan = "ew_atan",
    /// `sinh`
    EwSinh = "ew_sinh",
    /// `cosh`
    EwCosh = "ew_cosh",
    /// `tanh`
    EwTanh = "ew_tanh",
    /// `isNan`
    EwIsnan = "ew_isnan",
    /// `sum(X)`
    SumAll = "sum_all",
    /// `aggMin(X)`
    MinAll = "min_all",
    /// `aggMax(X)`
    MaxAll = "max_all",
    /// `mean(X)`
    MeanAll = "mean_all",
    /// `var(X)`
    VarAll = "var_all",
    /// `stddev(X)`
    StddevAll = "stddev_all",
    /// `sum(X, 0)`: one value per row
    SumRow = "sum_row",
    /// `aggMin(X, 0)`
    MinRow = "min_row",
    /// `aggMax(X, 0)`
    MaxRow = "max_row",
    /// `mean(X, 0)`
    MeanRow = "mean_row",
    /// `var(X, 0)`
    VarRow = "var_row",
    /// `stddev(X, 0)`
    StddevRow = "stddev_row",
    /// `idxMin(X, 0)`
    IdxminRow = "idxmin_row",
    /// `idxMax(X, 0)`
    IdxmaxRow = "idxmax_row",
    /// `sum(X, 1)`: one value per column
    SumCol = "sum_col",
    /// `aggMin(X, 1)`
    MinCol = "min_col",
    /// `aggMax(X, 1)`
    MaxCol = "max_col",
    /// `mean(X, 1)`
    MeanCol = "mean_col",
    /// `var(X, 1)`
    VarCol = "var_col",
    /// `stddev(X, 1)`
    StddevCol = "stddev_col",
    /// `idxMin(X, 1)`
    IdxminCol = "idxmin_col",
    /// `idxMax(X, 1)`
    IdxmaxCol = "idxmax_col",
    /// `fill(value, rows, cols)`
    Fill = "fill",
    /// `seq(from, to, inc)`
    Seq = "seq",
    /// `rand(rows, cols, min, max, sparsity, seed)`
    RandMatrix = "rand_matrix",
    /// `rand` producing a CSR matrix (`--select-matrix-repr` with a low constant sparsity)
    RandCsr = "rand_csr",
    /// Converts a matrix to CSR (`--select-matrix-repr`)
    ToCsr = "to_csr",
    /// `nrow(X)`
    NumRows = "num_rows",
    /// `ncol(X)`
    NumCols = "num_cols",
    /// `ncell(X)`
    NumCells = "num_cells",
    /// `reshape(X, rows, cols)`
    Reshape = "reshape",
    /// `t(X)`
    Transpose = "transpose",
    /// `as.*(x)` and implicit conversions
    Cast = "cast",
    /// `print(x, newline, toStderr)`
    Print = "print",
    /// `stop(message)`
    Stop = "stop",
    /// `now()`
    Now = "now",
    /// `c ? t : e` with a matrix condition
    Cond = "cond",
    /// `X[lo:hi, ]` (bounds with the sentinels of [`crate::indexing`])
    SliceRow = "slice_row",
    /// `X[, lo:hi]`
    SliceCol = "slice_col",
    /// `X[P, ]` with a column matrix of positions
    ExtractRow = "extract_row",
    /// `X[, P]`
    ExtractCol = "extract_col",
    /// `X[[B, ]]` with a bit vector
    FilterRow = "filter_row",
    /// `X[[, B]]`
    FilterCol = "filter_col",
    /// `X[rlo:rhi, clo:chi] = V` (copy-on-write)
    Insert = "insert",
    /// `A @ B`
    MatMul = "mat_mul",
    /// `cbind(A, B)`
    ColBind = "col_bind",
    /// `rbind(A, B)`
    RowBind = "row_bind",
    /// `createFrame(columns..., labels...)` and frame literals
    CreateFrame = "create_frame",
    /// `setColLabels(F, labels...)`
    SetColLabels = "set_col_labels",
    /// `setColLabelsPrefix(F, prefix)`
    SetColLabelsPrefix = "set_col_labels_prefix",
    /// `createList(M...)`
    CreateList = "create_list",
    /// `length(L)`
    Length = "length",
    /// `append(L, M)`
    Append = "append",
    /// `remove(L, i)`: the list without element `i`, and that element
    Remove = "remove",
    /// `cartesian(F, G)`
    Cartesian = "cartesian",
    /// `innerJoin(F, G, fOn, gOn, rowHint)`
    InnerJoin = "inner_join",
    /// `semiJoin(F, G, fOn, gOn, rowHint)`: the result and the matching row ids of `F`
    SemiJoin = "semi_join",
    /// `groupJoin(F, G, fOn, gOn, gAgg)`: the result and the row ids of `F`
    GroupJoin = "group_join",
    /// `groupSum(F, groupColumns..., sumColumn)`
    GroupSum = "group_sum",
    /// `reverse(X)`
    Reverse = "reverse",
    /// `diagMatrix(v)`
    DiagMatrix = "diag_matrix",
    /// `diagVector(X)`
    DiagVector = "diag_vector",
    /// `lowerTri`/`upperTri(X, diag, values)` as (X, upper, diag, values)
    Tri = "tri",
    /// `solve(A, b)`
    Solve = "solve",
    /// `syrk(A)` = `t(A) @ A`
    Syrk = "syrk",
    /// `gemv(A, x)` = `t(A) @ x`
    Gemv = "gemv",
    /// `eigen(A)`: eigenvalues and eigenvectors
    Eigen = "eigen",
    /// `replace(X, pattern, replacement)`
    Replace = "replace",
    /// `cumSum(X)`
    CumSum = "cum_sum",
    /// `cumProd(X)`
    CumProd = "cum_prod",
    /// `cumMin(X)`
    CumMin = "cum_min",
    /// `cumMax(X)`
    CumMax = "cum_max",
    /// `quantize(X, min, max)`
    Quantize = "quantize",
    /// `ctable(ys, xs, weight, rows, cols)`
    Ctable = "ctable",
    /// `oneHot(X, info)`
    OneHot = "one_hot",
    /// `recode(X, orderPreserving)`: codes and dictionary
    Recode = "recode",
    /// `bin(X, numBins[, min, max])` as (X, n, min, max, hasBounds)
    Bin = "bin",
    /// `sample(range, size, withReplacement, seed)`
    Sample = "sample",
    /// `isSymmetric(X)`
    IsSymmetric = "is_symmetric",
    /// `sparsity(X)`
    Sparsity = "sparsity",
    /// `typeOf(X)` of a data object
    TypeOf = "type_of",
    /// `upper(s)`
    EwUpper = "ew_upper",
    /// `lower(s)`
    EwLower = "ew_lower",
    /// `readMatrix(f)` / `readFrame(f)`
    Read = "read",
    /// `write(X, f)`
    Write = "write",
    /// `order(X, cols..., ascs..., returnIndexes)`
    Order = "order",
    /// `outerAdd(a, b)`
    OuterAdd = "outer_add",
    /// `outerSub(a, b)`
    OuterSub = "outer_sub",
    /// `outerMul(a, b)`
    OuterMul = "outer_mul",
    /// `outerDiv(a, b)`
    OuterDiv = "outer_div",
    /// `outerPow(a, b)`
    OuterPow = "outer_pow",
    /// `outerMod(a, b)`
    OuterMod = "outer_mod",
    /// `outerLog(a, b)`
    OuterLog = "outer_log",
    /// `outerMin(a, b)`
    OuterMin = "outer_min",
    /// `outerMax(a, b)`
    OuterMax = "outer_max",
    /// `outerAnd(a, b)`
    OuterAnd = "outer_and",
    /// `outerOr(a, b)`
    OuterOr = "outer_or",
    /// `outerEq(a, b)`
    OuterEq = "outer_eq",
    /// `outerNeq(a, b)`
    OuterNeq = "outer_neq",
    /// `outerLt(a, b)`
    OuterLt = "outer_lt",
    /// `outerLe(a, b)`
    OuterLe = "outer_le",
    /// `outerGt(a, b)`
    OuterGt = "outer_gt",
    /// `outerGe(a, b)`
    OuterGe = "outer_ge",
}

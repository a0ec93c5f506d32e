// The `daphne` dialect: DaphneDSL's data types and operations, defined in IRDL.
// Loaded at start-up (daphne-dialect's `load`); MLIR verifies every module against it.
//
// Types:
//   !daphne.matrix<vt>  a matrix with value type vt (f64 f32 si64 si32 si8 ui64 ui32 ui8 i1 !daphne.string)
//   !daphne.string      a string scalar
// Scalars are builtin types: f64 f32 si64 si32 si8 ui64 ui32 ui8 i1 (bool) index (size).
irdl.dialect @daphne {
  irdl.type @string {
    irdl.parameters()
  }
  irdl.type @matrix {
    %vt = irdl.any
    irdl.parameters(element_type: %vt)
  }
  irdl.type @frame {
    irdl.parameters()
  }
  // A frame column being assembled (IRDL variadics need one operand type, columns differ).
  irdl.type @column {
    irdl.parameters()
  }
  irdl.type @list {
    %vt = irdl.any
    irdl.parameters(element_type: %vt)
  }

  // ---- constants and generation ----
  irdl.operation @constant {
    %v = irdl.any
    %t = irdl.any
    irdl.attributes { "value" = %v }
    irdl.results(res: %t)
  }
  irdl.operation @matrix_constant {
    %e = irdl.any
    %r = irdl.any
    %c = irdl.any
    %m = irdl.base @daphne::@matrix
    irdl.operands(elements: variadic %e)
    irdl.attributes { "num_rows" = %r, "num_cols" = %c }
    irdl.results(res: %m)
  }
  irdl.operation @fill {
    %v = irdl.any
    %idx = irdl.is index
    %m = irdl.base @daphne::@matrix
    irdl.operands(arg: %v, num_rows: %idx, num_cols: %idx)
    irdl.results(res: %m)
  }
  irdl.operation @seq {
    %a = irdl.any
    %b = irdl.any
    %c = irdl.any
    %m = irdl.base @daphne::@matrix
    irdl.operands(from: %a, to: %b, inc: %c)
    irdl.results(res: %m)
  }
  irdl.operation @rand_matrix {
    %idx = irdl.is index
    %v = irdl.any
    %f = irdl.is f64
    %s = irdl.is si64
    %m = irdl.base @daphne::@matrix
    irdl.operands(num_rows: %idx, num_cols: %idx, min: %v, max: %v, sparsity: %f, seed: %s)
    irdl.results(res: %m)
  }

  irdl.operation @rand_csr {
    %idx = irdl.is index  %v = irdl.any  %f = irdl.is f64  %s = irdl.is si64  %m = irdl.base @daphne::@matrix
    irdl.operands(num_rows: %idx, num_cols: %idx, min: %v, max: %v, sparsity: %f, seed: %s)  irdl.results(res: %m)
  }
  irdl.operation @to_csr {
    %a = irdl.base @daphne::@matrix  %r = irdl.base @daphne::@matrix
    irdl.operands(arg: %a)  irdl.results(res: %r)
  }

  // ---- metadata ----
  irdl.operation @num_rows {
    %m = irdl.any
    %idx = irdl.is index
    irdl.operands(arg: %m)
    irdl.results(res: %idx)
  }
  irdl.operation @num_cols {
    %m = irdl.any
    %idx = irdl.is index
    irdl.operands(arg: %m)
    irdl.results(res: %idx)
  }
  irdl.operation @num_cells {
    %m = irdl.any
    %idx = irdl.is index
    irdl.operands(arg: %m)
    irdl.results(res: %idx)
  }

  // ---- reorganization ----
  irdl.operation @reshape {
    %m = irdl.base @daphne::@matrix
    %idx = irdl.is index
    %r = irdl.base @daphne::@matrix
    irdl.operands(arg: %m, num_rows: %idx, num_cols: %idx)
    irdl.results(res: %r)
  }
  irdl.operation @transpose {
    %m = irdl.base @daphne::@matrix
    %r = irdl.base @daphne::@matrix
    irdl.operands(arg: %m)
    irdl.results(res: %r)
  }

  // ---- element-wise (scalar or matrix operands; types decided by the frontend) ----
  irdl.operation @ew_add { %a = irdl.any  %b = irdl.any  %r = irdl.any  irdl.operands(lhs: %a, rhs: %b)  irdl.results(res: %r) }
  irdl.operation @ew_sub { %a = irdl.any  %b = irdl.any  %r = irdl.any  irdl.operands(lhs: %a, rhs: %b)  irdl.results(res: %r) }
  irdl.operation @ew_mul { %a = irdl.any  %b = irdl.any  %r = irdl.any  irdl.operands(lhs: %a, rhs: %b)  irdl.results(res: %r) }
  irdl.operation @ew_div { %a = irdl.any  %b = irdl.any  %r = irdl.any  irdl.operands(lhs: %a, rhs: %b)  irdl.results(res: %r) }
  irdl.operation @ew_pow { %a = irdl.any  %b = irdl.any  %r = irdl.any  irdl.operands(lhs: %a, rhs: %b)  irdl.results(res: %r) }
  irdl.operation @ew_mod { %a = irdl.any  %b = irdl.any  %r = irdl.any  irdl.operands(lhs: %a, rhs: %b)  irdl.results(res: %r) }
  irdl.operation @ew_log { %a = irdl.any  %b = irdl.any  %r = irdl.any  irdl.operands(lhs: %a, rhs: %b)  irdl.results(res: %r) }
  irdl.operation @ew_min { %a = irdl.any  %b = irdl.any  %r = irdl.any  irdl.operands(lhs: %a, rhs: %b)  irdl.results(res: %r) }
  irdl.operation @ew_max { %a = irdl.any  %b = irdl.any  %r = irdl.any  irdl.operands(lhs: %a, rhs: %b)  irdl.results(res: %r) }
  irdl.operation @ew_and { %a = irdl.any  %b = irdl.any  %r = irdl.any  irdl.operands(lhs: %a, rhs: %b)  irdl.results(res: %r) }
  irdl.operation @ew_or  { %a = irdl.any  %b = irdl.any  %r = irdl.any  irdl.operands(lhs: %a, rhs: %b)  irdl.results(res: %r) }
  irdl.operation @ew_eq  { %a = irdl.any  %b = irdl.any  %r = irdl.any  irdl.operands(lhs: %a, rhs: %b)  irdl.results(res: %r) }
  irdl.operation @ew_neq { %a = irdl.any  %b = irdl.any  %r = irdl.any  irdl.operands(lhs: %a, rhs: %b)  irdl.results(res: %r) }
  irdl.operation @ew_lt  { %a = irdl.any  %b = irdl.any  %r = irdl.any  irdl.operands(lhs: %a, rhs: %b)  irdl.results(res: %r) }
  irdl.operation @ew_le  { %a = irdl.any  %b = irdl.any  %r = irdl.any  irdl.operands(lhs: %a, rhs: %b)  irdl.results(res: %r) }
  irdl.operation @ew_gt  { %a = irdl.any  %b = irdl.any  %r = irdl.any  irdl.operands(lhs: %a, rhs: %b)  irdl.results(res: %r) }
  irdl.operation @ew_ge  { %a = irdl.any  %b = irdl.any  %r = irdl.any  irdl.operands(lhs: %a, rhs: %b)  irdl.results(res: %r) }
  irdl.operation @ew_concat {
    %a = irdl.any  %b = irdl.any  %r = irdl.any
    irdl.operands(lhs: %a, rhs: %b)
    irdl.results(res: %r)
  }

  irdl.operation @ew_minus { %a = irdl.any  %r = irdl.any  irdl.operands(arg: %a)  irdl.results(res: %r) }
  irdl.operation @ew_abs   { %a = irdl.any  %r = irdl.any  irdl.operands(arg: %a)  irdl.results(res: %r) }
  irdl.operation @ew_sign  { %a = irdl.any  %r = irdl.any  irdl.operands(arg: %a)  irdl.results(res: %r) }
  irdl.operation @ew_sqrt  { %a = irdl.any  %r = irdl.any  irdl.operands(arg: %a)  irdl.results(res: %r) }
  irdl.operation @ew_exp   { %a = irdl.any  %r = irdl.any  irdl.operands(arg: %a)  irdl.results(res: %r) }
  irdl.operation @ew_ln    { %a = irdl.any  %r = irdl.any  irdl.operands(arg: %a)  irdl.results(res: %r) }
  irdl.operation @ew_round { %a = irdl.any  %r = irdl.any  irdl.operands(arg: %a)  irdl.results(res: %r) }
  irdl.operation @ew_floor { %a = irdl.any  %r = irdl.any  irdl.operands(arg: %a)  irdl.results(res: %r) }
  irdl.operation @ew_ceil  { %a = irdl.any  %r = irdl.any  irdl.operands(arg: %a)  irdl.results(res: %r) }
  irdl.operation @ew_sin   { %a = irdl.any  %r = irdl.any  irdl.operands(arg: %a)  irdl.results(res: %r) }
  irdl.operation @ew_cos   { %a = irdl.any  %r = irdl.any  irdl.operands(arg: %a)  irdl.results(res: %r) }
  irdl.operation @ew_tan   { %a = irdl.any  %r = irdl.any  irdl.operands(arg: %a)  irdl.results(res: %r) }
  irdl.operation @ew_asin  { %a = irdl.any  %r = irdl.any  irdl.operands(arg: %a)  irdl.results(res: %r) }
  irdl.operation @ew_acos  { %a = irdl.any  %r = irdl.any  irdl.operands(arg: %a)  irdl.results(res: %r) }
  irdl.operation @ew_atan  { %a = irdl.any  %r = irdl.any  irdl.operands(arg: %a)  irdl.results(res: %r) }
  irdl.operation @ew_sinh  { %a = irdl.any  %r = irdl.any  irdl.operands(arg: %a)  irdl.results(res: %r) }
  irdl.operation @ew_cosh  { %a = irdl.any  %r = irdl.any  irdl.operands(arg: %a)  irdl.results(res: %r) }
  irdl.operation @ew_tanh  { %a = irdl.any  %r = irdl.any  irdl.operands(arg: %a)  irdl.results(res: %r) }
  irdl.operation @ew_isnan { %a = irdl.any  %r = irdl.any  irdl.operands(arg: %a)  irdl.results(res: %r) }

  // ---- aggregation: full (scalar result), per row (n x 1), per column (1 x m) ----
  irdl.operation @sum_all    { %m = irdl.base @daphne::@matrix  %r = irdl.any  irdl.operands(arg: %m)  irdl.results(res: %r) }
  irdl.operation @min_all    { %m = irdl.base @daphne::@matrix  %r = irdl.any  irdl.operands(arg: %m)  irdl.results(res: %r) }
  irdl.operation @max_all    { %m = irdl.base @daphne::@matrix  %r = irdl.any  irdl.operands(arg: %m)  irdl.results(res: %r) }
  irdl.operation @mean_all   { %m = irdl.base @daphne::@matrix  %r = irdl.any  irdl.operands(arg: %m)  irdl.results(res: %r) }
  irdl.operation @var_all    { %m = irdl.base @daphne::@matrix  %r = irdl.any  irdl.operands(arg: %m)  irdl.results(res: %r) }
  irdl.operation @stddev_all { %m = irdl.base @daphne::@matrix  %r = irdl.any  irdl.operands(arg: %m)  irdl.results(res: %r) }
  irdl.operation @sum_row    { %m = irdl.base @daphne::@matrix  %r = irdl.base @daphne::@matrix  irdl.operands(arg: %m)  irdl.results(res: %r) }
  irdl.operation @min_row    { %m = irdl.base @daphne::@matrix  %r = irdl.base @daphne::@matrix  irdl.operands(arg: %m)  irdl.results(res: %r) }
  irdl.operation @max_row    { %m = irdl.base @daphne::@matrix  %r = irdl.base @daphne::@matrix  irdl.operands(arg: %m)  irdl.results(res: %r) }
  irdl.operation @mean_row   { %m = irdl.base @daphne::@matrix  %r = irdl.base @daphne::@matrix  irdl.operands(arg: %m)  irdl.results(res: %r) }
  irdl.operation @var_row    { %m = irdl.base @daphne::@matrix  %r = irdl.base @daphne::@matrix  irdl.operands(arg: %m)  irdl.results(res: %r) }
  irdl.operation @stddev_row { %m = irdl.base @daphne::@matrix  %r = irdl.base @daphne::@matrix  irdl.operands(arg: %m)  irdl.results(res: %r) }
  irdl.operation @idxmin_row { %m = irdl.base @daphne::@matrix  %r = irdl.base @daphne::@matrix  irdl.operands(arg: %m)  irdl.results(res: %r) }
  irdl.operation @idxmax_row { %m = irdl.base @daphne::@matrix  %r = irdl.base @daphne::@matrix  irdl.operands(arg: %m)  irdl.results(res: %r) }
  irdl.operation @sum_col    { %m = irdl.base @daphne::@matrix  %r = irdl.base @daphne::@matrix  irdl.operands(arg: %m)  irdl.results(res: %r) }
  irdl.operation @min_col    { %m = irdl.base @daphne::@matrix  %r = irdl.base @daphne::@matrix  irdl.operands(arg: %m)  irdl.results(res: %r) }
  irdl.operation @max_col    { %m = irdl.base @daphne::@matrix  %r = irdl.base @daphne::@matrix  irdl.operands(arg: %m)  irdl.results(res: %r) }
  irdl.operation @mean_col   { %m = irdl.base @daphne::@matrix  %r = irdl.base @daphne::@matrix  irdl.operands(arg: %m)  irdl.results(res: %r) }
  irdl.operation @var_col    { %m = irdl.base @daphne::@matrix  %r = irdl.base @daphne::@matrix  irdl.operands(arg: %m)  irdl.results(res: %r) }
  irdl.operation @stddev_col { %m = irdl.base @daphne::@matrix  %r = irdl.base @daphne::@matrix  irdl.operands(arg: %m)  irdl.results(res: %r) }
  irdl.operation @idxmin_col { %m = irdl.base @daphne::@matrix  %r = irdl.base @daphne::@matrix  irdl.operands(arg: %m)  irdl.results(res: %r) }
  irdl.operation @idxmax_col { %m = irdl.base @daphne::@matrix  %r = irdl.base @daphne::@matrix  irdl.operands(arg: %m)  irdl.results(res: %r) }

  // ---- element-wise selection: cond ? then : else with a matrix condition ----
  irdl.operation @cond {
    %c = irdl.base @daphne::@matrix
    %t = irdl.any
    %e = irdl.any
    %r = irdl.base @daphne::@matrix
    irdl.operands(cond: %c, then_value: %t, else_value: %e)
    irdl.results(res: %r)
  }

  // ---- indexing: bounds are si64 (i64::MAX = to the end, i64::MIN as upper bound = single position) ----
  irdl.operation @slice_row {
    %m = irdl.any  %i = irdl.any  %r = irdl.any
    irdl.operands(arg: %m, lower: %i, upper: %i)  irdl.results(res: %r)
  }
  irdl.operation @slice_col {
    %m = irdl.any  %i = irdl.any  %r = irdl.any
    irdl.operands(arg: %m, lower: %i, upper: %i)  irdl.results(res: %r)
  }
  irdl.operation @extract_row {
    %m = irdl.any  %p = irdl.any  %r = irdl.any
    irdl.operands(arg: %m, positions: %p)  irdl.results(res: %r)
  }
  irdl.operation @extract_col {
    %m = irdl.any  %p = irdl.any  %r = irdl.any
    irdl.operands(arg: %m, positions: %p)  irdl.results(res: %r)
  }
  irdl.operation @filter_row {
    %m = irdl.any  %p = irdl.any  %r = irdl.any
    irdl.operands(arg: %m, bits: %p)  irdl.results(res: %r)
  }
  irdl.operation @filter_col {
    %m = irdl.any  %p = irdl.any  %r = irdl.any
    irdl.operands(arg: %m, bits: %p)  irdl.results(res: %r)
  }
  irdl.operation @insert {
    %m = irdl.base @daphne::@matrix  %v = irdl.base @daphne::@matrix  %i = irdl.is si64  %r = irdl.base @daphne::@matrix
    irdl.operands(arg: %m, ins: %v, row_lower: %i, row_upper: %i, col_lower: %i, col_upper: %i)  irdl.results(res: %r)
  }
  irdl.operation @mat_mul {
    %a = irdl.base @daphne::@matrix  %b = irdl.base @daphne::@matrix  %r = irdl.base @daphne::@matrix
    irdl.operands(lhs: %a, rhs: %b)  irdl.results(res: %r)
  }

  irdl.operation @col_bind {
    %a = irdl.any  %b = irdl.any  %r = irdl.any
    irdl.operands(lhs: %a, rhs: %b)  irdl.results(res: %r)
  }
  irdl.operation @row_bind {
    %a = irdl.any  %b = irdl.any  %r = irdl.any
    irdl.operands(lhs: %a, rhs: %b)  irdl.results(res: %r)
  }

  // ---- frames and lists ----
  irdl.operation @as_column {
    %m = irdl.base @daphne::@matrix  %c = irdl.base @daphne::@column
    irdl.operands(arg: %m)  irdl.results(res: %c)
  }
  irdl.operation @create_frame {
    %m = irdl.base @daphne::@column  %s = irdl.base @daphne::@string  %f = irdl.base @daphne::@frame
    irdl.operands(columns: variadic %m, labels: variadic %s)  irdl.results(res: %f)
  }
  irdl.operation @set_col_labels {
    %f = irdl.base @daphne::@frame  %l = irdl.base @daphne::@string  %r = irdl.base @daphne::@frame
    irdl.operands(arg: %f, labels: variadic %l)  irdl.results(res: %r)
  }
  irdl.operation @set_col_labels_prefix {
    %f = irdl.base @daphne::@frame  %l = irdl.base @daphne::@string  %r = irdl.base @daphne::@frame
    irdl.operands(arg: %f, prefix: %l)  irdl.results(res: %r)
  }
  irdl.operation @create_list {
    %m = irdl.base @daphne::@matrix  %l = irdl.base @daphne::@list
    irdl.operands(elements: variadic %m)  irdl.results(res: %l)
  }
  irdl.operation @length {
    %l = irdl.base @daphne::@list  %i = irdl.is index
    irdl.operands(arg: %l)  irdl.results(res: %i)
  }
  irdl.operation @append {
    %l = irdl.base @daphne::@list  %m = irdl.base @daphne::@matrix  %r = irdl.base @daphne::@list
    irdl.operands(arg: %l, elem: %m)  irdl.results(res: %r)
  }
  irdl.operation @remove {
    %l = irdl.base @daphne::@list  %i = irdl.is si64  %r = irdl.base @daphne::@list  %m = irdl.base @daphne::@matrix
    irdl.operands(arg: %l, idx: %i)  irdl.results(res: %r, elem: %m)
  }

  // ---- operations backed one-to-one by runtime kernels (types decided by the frontend) ----
  irdl.operation @reverse { %v0 = irdl.any  %v1 = irdl.any  irdl.operands(arg: %v0)  irdl.results(res: %v1) }
  irdl.operation @diag_matrix { %v0 = irdl.any  %v1 = irdl.any  irdl.operands(arg: %v0)  irdl.results(res: %v1) }
  irdl.operation @diag_vector { %v0 = irdl.any  %v1 = irdl.any  irdl.operands(arg: %v0)  irdl.results(res: %v1) }
  irdl.operation @tri { %v0 = irdl.any  %v1 = irdl.any  %v2 = irdl.any  %v3 = irdl.any  %v4 = irdl.any  irdl.operands(arg: %v0, upper: %v1, diag: %v2, values: %v3)  irdl.results(res: %v4) }
  irdl.operation @solve { %v0 = irdl.any  %v1 = irdl.any  %v2 = irdl.any  irdl.operands(lhs: %v0, rhs: %v1)  irdl.results(res: %v2) }
  irdl.operation @eigen { %v0 = irdl.any  %v1 = irdl.any  %v2 = irdl.any  irdl.operands(arg: %v0)  irdl.results(values: %v1, vectors: %v2) }
  irdl.operation @replace { %v0 = irdl.any  %v1 = irdl.any  %v2 = irdl.any  %v3 = irdl.any  irdl.operands(arg: %v0, pattern: %v1, replacement: %v2)  irdl.results(res: %v3) }
  irdl.operation @cum_sum { %v0 = irdl.any  %v1 = irdl.any  irdl.operands(arg: %v0)  irdl.results(res: %v1) }
  irdl.operation @cum_prod { %v0 = irdl.any  %v1 = irdl.any  irdl.operands(arg: %v0)  irdl.results(res: %v1) }
  irdl.operation @cum_min { %v0 = irdl.any  %v1 = irdl.any  irdl.operands(arg: %v0)  irdl.results(res: %v1) }
  irdl.operation @cum_max { %v0 = irdl.any  %v1 = irdl.any  irdl.operands(arg: %v0)  irdl.results(res: %v1) }
  irdl.operation @quantize { %v0 = irdl.any  %v1 = irdl.any  %v2 = irdl.any  %v3 = irdl.any  irdl.operands(arg: %v0, min: %v1, max: %v2)  irdl.results(res: %v3) }
  irdl.operation @ctable { %v0 = irdl.any  %v1 = irdl.any  %v2 = irdl.any  %v3 = irdl.any  %v4 = irdl.any  %v5 = irdl.any  irdl.operands(lhs: %v0, rhs: %v1, weight: %v2, res_num_rows: %v3, res_num_cols: %v4)  irdl.results(res: %v5) }
  irdl.operation @one_hot { %v0 = irdl.any  %v1 = irdl.any  %v2 = irdl.any  irdl.operands(arg: %v0, info: %v1)  irdl.results(res: %v2) }
  irdl.operation @recode { %v0 = irdl.any  %v1 = irdl.any  %v2 = irdl.any  %v3 = irdl.any  irdl.operands(arg: %v0, order_preserving: %v1)  irdl.results(codes: %v2, dict: %v3) }
  irdl.operation @bin { %v0 = irdl.any  %v1 = irdl.any  %v2 = irdl.any  %v3 = irdl.any  %v4 = irdl.any  %v5 = irdl.any  irdl.operands(arg: %v0, num_bins: %v1, min: %v2, max: %v3, has_bounds: %v4)  irdl.results(res: %v5) }
  irdl.operation @sample { %v0 = irdl.any  %v1 = irdl.any  %v2 = irdl.any  %v3 = irdl.any  %v4 = irdl.any  irdl.operands(range: %v0, size: %v1, with_replacement: %v2, seed: %v3)  irdl.results(res: %v4) }
  irdl.operation @is_symmetric { %v0 = irdl.any  %v1 = irdl.any  irdl.operands(arg: %v0)  irdl.results(res: %v1) }
  irdl.operation @sparsity { %v0 = irdl.any  %v1 = irdl.any  irdl.operands(arg: %v0)  irdl.results(res: %v1) }
  irdl.operation @type_of { %v0 = irdl.any  %v1 = irdl.any  irdl.operands(arg: %v0)  irdl.results(res: %v1) }
  irdl.operation @ew_upper { %v0 = irdl.any  %v1 = irdl.any  irdl.operands(arg: %v0)  irdl.results(res: %v1) }
  irdl.operation @ew_lower { %v0 = irdl.any  %v1 = irdl.any  irdl.operands(arg: %v0)  irdl.results(res: %v1) }
  irdl.operation @read { %v0 = irdl.any  %v1 = irdl.any  irdl.operands(file: %v0)  irdl.results(res: %v1) }
  irdl.operation @write { %v0 = irdl.any  %v1 = irdl.any  irdl.operands(arg: %v0, file: %v1) }
  irdl.operation @order {
    %m = irdl.base @daphne::@matrix  %c = irdl.is si64  %a = irdl.is i1  %r = irdl.is i1  %res = irdl.base @daphne::@matrix
    irdl.operands(arg: %m, columns: variadic %c, ascending: variadic %a, return_indexes: %r)  irdl.results(res: %res)
  }
  irdl.operation @map {
    %v0 = irdl.any  %v1 = irdl.any  %f = irdl.any
    irdl.operands(arg: %v0)  irdl.attributes { "udf" = %f }  irdl.results(res: %v1)
  }
  irdl.operation @outer_add { %v0 = irdl.any  %v1 = irdl.any  %v2 = irdl.any  irdl.operands(lhs: %v0, rhs: %v1)  irdl.results(res: %v2) }
  irdl.operation @outer_sub { %v0 = irdl.any  %v1 = irdl.any  %v2 = irdl.any  irdl.operands(lhs: %v0, rhs: %v1)  irdl.results(res: %v2) }
  irdl.operation @outer_mul { %v0 = irdl.any  %v1 = irdl.any  %v2 = irdl.any  irdl.operands(lhs: %v0, rhs: %v1)  irdl.results(res: %v2) }
  irdl.operation @outer_div { %v0 = irdl.any  %v1 = irdl.any  %v2 = irdl.any  irdl.operands(lhs: %v0, rhs: %v1)  irdl.results(res: %v2) }
  irdl.operation @outer_pow { %v0 = irdl.any  %v1 = irdl.any  %v2 = irdl.any  irdl.operands(lhs: %v0, rhs: %v1)  irdl.results(res: %v2) }
  irdl.operation @outer_mod { %v0 = irdl.any  %v1 = irdl.any  %v2 = irdl.any  irdl.operands(lhs: %v0, rhs: %v1)  irdl.results(res: %v2) }
  irdl.operation @outer_log { %v0 = irdl.any  %v1 = irdl.any  %v2 = irdl.any  irdl.operands(lhs: %v0, rhs: %v1)  irdl.results(res: %v2) }
  irdl.operation @outer_min { %v0 = irdl.any  %v1 = irdl.any  %v2 = irdl.any  irdl.operands(lhs: %v0, rhs: %v1)  irdl.results(res: %v2) }
  irdl.operation @outer_max { %v0 = irdl.any  %v1 = irdl.any  %v2 = irdl.any  irdl.operands(lhs: %v0, rhs: %v1)  irdl.results(res: %v2) }
  irdl.operation @outer_and { %v0 = irdl.any  %v1 = irdl.any  %v2 = irdl.any  irdl.operands(lhs: %v0, rhs: %v1)  irdl.results(res: %v2) }
  irdl.operation @outer_or { %v0 = irdl.any  %v1 = irdl.any  %v2 = irdl.any  irdl.operands(lhs: %v0, rhs: %v1)  irdl.results(res: %v2) }
  irdl.operation @outer_eq { %v0 = irdl.any  %v1 = irdl.any  %v2 = irdl.any  irdl.operands(lhs: %v0, rhs: %v1)  irdl.results(res: %v2) }
  irdl.operation @outer_neq { %v0 = irdl.any  %v1 = irdl.any  %v2 = irdl.any  irdl.operands(lhs: %v0, rhs: %v1)  irdl.results(res: %v2) }
  irdl.operation @outer_lt { %v0 = irdl.any  %v1 = irdl.any  %v2 = irdl.any  irdl.operands(lhs: %v0, rhs: %v1)  irdl.results(res: %v2) }
  irdl.operation @outer_le { %v0 = irdl.any  %v1 = irdl.any  %v2 = irdl.any  irdl.operands(lhs: %v0, rhs: %v1)  irdl.results(res: %v2) }
  irdl.operation @outer_gt { %v0 = irdl.any  %v1 = irdl.any  %v2 = irdl.any  irdl.operands(lhs: %v0, rhs: %v1)  irdl.results(res: %v2) }
  irdl.operation @outer_ge { %v0 = irdl.any  %v1 = irdl.any  %v2 = irdl.any  irdl.operands(lhs: %v0, rhs: %v1)  irdl.results(res: %v2) }

  // ---- relational operations on frames ----
  irdl.operation @cartesian { %v0 = irdl.any  %v1 = irdl.any  %v2 = irdl.any  irdl.operands(lhs: %v0, rhs: %v1)  irdl.results(res: %v2) }
  irdl.operation @inner_join {
    %l = irdl.any  %r = irdl.any  %s = irdl.base @daphne::@string  %n = irdl.is si64  %f = irdl.base @daphne::@frame
    irdl.operands(lhs: %l, rhs: %r, lhs_on: %s, rhs_on: %s, num_row_res: %n)  irdl.results(res: %f)
  }
  irdl.operation @semi_join {
    %l = irdl.any  %r = irdl.any  %s = irdl.base @daphne::@string  %n = irdl.is si64  %f = irdl.base @daphne::@frame  %t = irdl.base @daphne::@matrix
    irdl.operands(lhs: %l, rhs: %r, lhs_on: %s, rhs_on: %s, num_row_res: %n)  irdl.results(res: %f, lhs_tids: %t)
  }
  irdl.operation @group_join {
    %l = irdl.any  %r = irdl.any  %s = irdl.base @daphne::@string  %f = irdl.base @daphne::@frame  %t = irdl.base @daphne::@matrix
    irdl.operands(lhs: %l, rhs: %r, lhs_on: %s, rhs_on: %s, rhs_agg: %s)  irdl.results(res: %f, lhs_tids: %t)
  }
  irdl.operation @group_sum {
    %a = irdl.base @daphne::@frame  %s = irdl.base @daphne::@string  %f = irdl.base @daphne::@frame
    irdl.operands(arg: %a, columns: variadic %s)  irdl.results(res: %f)
  }

  // ---- conversion ----
  irdl.operation @cast {
    %a = irdl.any
    %r = irdl.any
    irdl.operands(arg: %a)
    irdl.results(res: %r)
  }

  // ---- I/O and control ----
  irdl.operation @print {
    %a = irdl.any
    %b = irdl.is i1
    irdl.operands(arg: %a, newline: %b, err: %b)
  }
  irdl.operation @stop {
    %s = irdl.base @daphne::@string
    irdl.operands(message: %s)
  }
  irdl.operation @now {
    %r = irdl.is si64
    irdl.results(res: %r)
  }

  // ---- physical operators (chosen by the phy-op-selection pass) ----
  // syrk(A) = t(A) @ A; gemv(A, x) = t(A) @ x.
  irdl.operation @syrk {
    %a = irdl.base @daphne::@matrix  %r = irdl.base @daphne::@matrix
    irdl.operands(arg: %a)  irdl.results(res: %r)
  }
  irdl.operation @gemv {
    %a = irdl.base @daphne::@matrix  %x = irdl.base @daphne::@matrix  %r = irdl.base @daphne::@matrix
    irdl.operands(mat: %a, vec: %x)  irdl.results(res: %r)
  }

  // ---- vectorized pipelines (formed by the vectorize pass, lowered by lower_pipeline) ----
  // Opens a fused pipeline over `rows` x `cols` cells: the next `num_ops` ops of the block that
  // carry `daphne.pipeline = id` form one outlined loop nest; results used outside the pipeline
  // carry `daphne.pipeline_output`. The other attributes are the scheduling annotation.
  irdl.operation @vectorized_pipeline {
    %id = irdl.any  %n = irdl.any  %r = irdl.any  %c = irdl.any  %s = irdl.any  %l = irdl.any
    %v = irdl.any  %g = irdl.any  %w = irdl.any
    irdl.attributes { "id" = %id, "num_ops" = %n, "rows" = %r, "cols" = %c, "scheme" = %s,
                      "layout" = %l, "victim" = %v, "grain" = %g, "workers" = %w }
  }

  // ---- reference counting (inserted by the obj-ref-mgnt pass): any runtime object ----
  irdl.operation @incref {
    %m = irdl.base @daphne::@matrix  %f = irdl.base @daphne::@frame  %l = irdl.base @daphne::@list  %c = irdl.base @daphne::@column
    %a = irdl.any_of(%m, %f, %l, %c)
    irdl.operands(arg: %a)
  }
  irdl.operation @decref {
    %m = irdl.base @daphne::@matrix  %f = irdl.base @daphne::@frame  %l = irdl.base @daphne::@list  %c = irdl.base @daphne::@column
    %a = irdl.any_of(%m, %f, %l, %c)
    irdl.operands(arg: %a)
  }
}

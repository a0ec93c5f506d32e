// RUN: infer
// Shapes, sparsity and symmetry, recorded as daphne.rows/cols/sparsity/symmetric (-1 = unknown).

// CHECK-LABEL: func.func @sources
func.func @sources() {
  %t = "daphne.constant"() {value = true} : () -> i1
  %f = "daphne.constant"() {value = false} : () -> i1
  %two = "daphne.constant"() {value = 2 : index} : () -> index
  %three = "daphne.constant"() {value = 3 : index} : () -> index
  %zero = "daphne.constant"() {value = 0.000000e+00 : f64} : () -> f64
  %one = "daphne.constant"() {value = 1.000000e+00 : f64} : () -> f64
  // A filled square matrix is symmetric; filled with 0 it has no non-zeros.
  // CHECK: "daphne.fill"{{.*}}{daphne.cols = 2 : i64, daphne.rows = 2 : i64, daphne.sparsity = 0.000000e+00 : f64, daphne.symmetric = true}
  %z = "daphne.fill"(%zero, %two, %two) : (f64, index, index) -> !daphne.matrix<f64>
  // CHECK: "daphne.fill"{{.*}}{daphne.cols = 3 : i64, daphne.rows = 2 : i64, daphne.sparsity = 1.000000e+00 : f64}
  %o = "daphne.fill"(%one, %two, %three) : (f64, index, index) -> !daphne.matrix<f64>
  // seq's length as the kernel computes it: integer steps, and float steps with rounding.
  // CHECK: "daphne.seq"{{.*}}{daphne.cols = 1 : i64, daphne.rows = 4 : i64}
  %a = "daphne.constant"() {value = 1 : si64} : () -> si64
  %b = "daphne.constant"() {value = 10 : si64} : () -> si64
  %s = "daphne.constant"() {value = 3 : si64} : () -> si64
  %seq = "daphne.seq"(%a, %b, %s) : (si64, si64, si64) -> !daphne.matrix<si64>
  // CHECK: "daphne.seq"{{.*}}{daphne.cols = 1 : i64, daphne.rows = 11 : i64}
  %step = "daphne.constant"() {value = 1.000000e-01 : f64} : () -> f64
  %fseq = "daphne.seq"(%zero, %one, %step) : (f64, f64, f64) -> !daphne.matrix<f64>
  // A step away from the end gives 0 rows.
  // CHECK: "daphne.seq"{{.*}}{daphne.cols = 1 : i64, daphne.rows = 0 : i64}
  %empty = "daphne.seq"(%b, %a, %s) : (si64, si64, si64) -> !daphne.matrix<si64>
  // rand records its sparsity argument (DAPHNE's estimate).
  // CHECK: "daphne.rand_matrix"{{.*}}{daphne.cols = 3 : i64, daphne.rows = 2 : i64, daphne.sparsity = 5.000000e-01 : f64}
  %half = "daphne.constant"() {value = 5.000000e-01 : f64} : () -> f64
  %seed = "daphne.constant"() {value = 1 : si64} : () -> si64
  %r = "daphne.rand_matrix"(%two, %three, %zero, %one, %half, %seed) : (index, index, f64, f64, f64, si64) -> !daphne.matrix<f64>
  // Literals: exact sparsity and symmetry.
  // CHECK: "daphne.matrix_constant"{{.*}}{daphne.cols = 2 : i64, daphne.rows = 2 : i64, daphne.sparsity = 5.000000e-01 : f64, daphne.symmetric = true
  %lit = "daphne.matrix_constant"(%zero, %one, %one, %zero) {num_rows = 2 : i64, num_cols = 2 : i64} : (f64, f64, f64, f64) -> !daphne.matrix<f64>
  "daphne.print"(%z, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  "daphne.print"(%o, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  "daphne.print"(%seq, %t, %f) : (!daphne.matrix<si64>, i1, i1) -> ()
  "daphne.print"(%fseq, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  "daphne.print"(%empty, %t, %f) : (!daphne.matrix<si64>, i1, i1) -> ()
  "daphne.print"(%r, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  "daphne.print"(%lit, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  return
}

// CHECK-LABEL: func.func @rules
func.func @rules(%u: !daphne.matrix<f64>) {
  %t = "daphne.constant"() {value = true} : () -> i1
  %f = "daphne.constant"() {value = false} : () -> i1
  %two = "daphne.constant"() {value = 2 : index} : () -> index
  %three = "daphne.constant"() {value = 3 : index} : () -> index
  %six = "daphne.constant"() {value = 6 : index} : () -> index
  %one = "daphne.constant"() {value = 1.000000e+00 : f64} : () -> f64
  %x = "daphne.fill"(%one, %two, %three) : (f64, index, index) -> !daphne.matrix<f64>
  // CHECK: "daphne.transpose"{{.*}}{daphne.cols = 2 : i64, daphne.rows = 3 : i64, daphne.sparsity = 1.000000e+00 : f64}
  %tx = "daphne.transpose"(%x) : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  // CHECK: "daphne.reshape"{{.*}}{daphne.cols = 1 : i64, daphne.rows = 6 : i64, daphne.sparsity = 1.000000e+00 : f64}
  %idx1 = "daphne.constant"() {value = 1 : index} : () -> index
  %re = "daphne.reshape"(%x, %six, %idx1) : (!daphne.matrix<f64>, index, index) -> !daphne.matrix<f64>
  // Element-wise ops keep the left shape (right-hand broadcasting); unknown operands give -1.
  // CHECK: "daphne.ew_add"(%{{.*}}, %arg0){{.*}}{daphne.cols = 3 : i64, daphne.rows = 2 : i64}
  %add = "daphne.ew_add"(%x, %u) : (!daphne.matrix<f64>, !daphne.matrix<f64>) -> !daphne.matrix<f64>
  // CHECK: "daphne.ew_mul"(%arg0, %{{.*}}){{.*}}{daphne.cols = -1 : i64, daphne.rows = -1 : i64}
  %mul = "daphne.ew_mul"(%u, %x) : (!daphne.matrix<f64>, !daphne.matrix<f64>) -> !daphne.matrix<f64>
  // CHECK: "daphne.sum_row"{{.*}}{daphne.cols = 1 : i64, daphne.rows = 2 : i64}
  %rs = "daphne.sum_row"(%x) : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  // CHECK: "daphne.mean_col"{{.*}}{daphne.cols = 3 : i64, daphne.rows = 1 : i64}
  %cm = "daphne.mean_col"(%x) : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  // CHECK: "daphne.mat_mul"{{.*}}{daphne.cols = 3 : i64, daphne.rows = 3 : i64}
  %mm = "daphne.mat_mul"(%tx, %x) : (!daphne.matrix<f64>, !daphne.matrix<f64>) -> !daphne.matrix<f64>
  // Slices with constant bounds, resolved as the runtime does (negative = from the end).
  // CHECK: "daphne.slice_col"{{.*}}{daphne.cols = 2 : i64, daphne.rows = 2 : i64}
  %lo = "daphne.constant"() {value = -2 : si64} : () -> si64
  %end = "daphne.constant"() {value = 9223372036854775807 : si64} : () -> si64
  %sl = "daphne.slice_col"(%x, %lo, %end) : (!daphne.matrix<f64>, si64, si64) -> !daphne.matrix<f64>
  // CHECK: "daphne.cast"{{.*}}{daphne.cols = 1 : i64, daphne.rows = 1 : i64, daphne.symmetric = true}
  %sc = "daphne.cast"(%one) : (f64) -> !daphne.matrix<f64>
  "daphne.print"(%tx, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  "daphne.print"(%re, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  "daphne.print"(%add, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  "daphne.print"(%mul, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  "daphne.print"(%rs, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  "daphne.print"(%cm, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  "daphne.print"(%mm, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  "daphne.print"(%sl, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  "daphne.print"(%sc, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  return
}

// CHECK-LABEL: func.func @control_flow
func.func @control_flow(%c: i1) {
  %t = "daphne.constant"() {value = true} : () -> i1
  %f = "daphne.constant"() {value = false} : () -> i1
  %two = "daphne.constant"() {value = 2 : index} : () -> index
  %three = "daphne.constant"() {value = 3 : index} : () -> index
  %one = "daphne.constant"() {value = 1.000000e+00 : f64} : () -> f64
  %x = "daphne.fill"(%one, %two, %three) : (f64, index, index) -> !daphne.matrix<f64>
  %y = "daphne.fill"(%one, %three, %three) : (f64, index, index) -> !daphne.matrix<f64>
  // Branches that agree keep the fact; where they differ it becomes unknown.
  // CHECK: scf.if
  // CHECK: } {daphne.cols = array<i64: 3, 3>, daphne.rows = array<i64: 2, -1>, daphne.sparsity = array<f64: -1.000000e+00, 1.000000e+00>}
  %r:2 = scf.if %c -> (!daphne.matrix<f64>, !daphne.matrix<f64>) {
    %a = "daphne.ew_add"(%x, %one) : (!daphne.matrix<f64>, f64) -> !daphne.matrix<f64>
    scf.yield %a, %x : !daphne.matrix<f64>, !daphne.matrix<f64>
  } else {
    scf.yield %x, %y : !daphne.matrix<f64>, !daphne.matrix<f64>
  }
  // A loop that keeps the shape keeps it; one that grows a dimension loses it.
  // CHECK: scf.while
  // CHECK: "daphne.ew_mul"{{.*}}{daphne.cols = 3 : i64, daphne.rows = 2 : i64}
  // CHECK: "daphne.col_bind"{{.*}}{daphne.cols = -1 : i64, daphne.rows = 3 : i64}
  // CHECK: } attributes {daphne.cols = array<i64: 3, -1>, daphne.rows = array<i64: 2, 3>}
  %w:2 = scf.while (%a = %x, %b = %y) : (!daphne.matrix<f64>, !daphne.matrix<f64>) -> (!daphne.matrix<f64>, !daphne.matrix<f64>) {
    scf.condition(%c) %a, %b : !daphne.matrix<f64>, !daphne.matrix<f64>
  } do {
  ^bb0(%a: !daphne.matrix<f64>, %b: !daphne.matrix<f64>):
    %a2 = "daphne.ew_mul"(%a, %one) : (!daphne.matrix<f64>, f64) -> !daphne.matrix<f64>
    %b2 = "daphne.col_bind"(%b, %b) : (!daphne.matrix<f64>, !daphne.matrix<f64>) -> !daphne.matrix<f64>
    scf.yield %a2, %b2 : !daphne.matrix<f64>, !daphne.matrix<f64>
  }
  "daphne.print"(%r#0, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  "daphne.print"(%r#1, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  "daphne.print"(%w#0, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  "daphne.print"(%w#1, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  return
}

// CHECK-LABEL: func.func @read_csv
func.func @read_csv() {
  %t = "daphne.constant"() {value = true} : () -> i1
  %f = "daphne.constant"() {value = false} : () -> i1
  // The shape of a CSV matrix comes from its .meta file (numNonZeros gives the sparsity).
  // CHECK: "daphne.read"{{.*}}{daphne.cols = 3 : i64, daphne.rows = 2 : i64, daphne.sparsity = 1.000000e+00 : f64}
  %file = "daphne.constant"() {value = "@TESTDIR@/data/m.csv"} : () -> !daphne.string
  %m = "daphne.read"(%file) : (!daphne.string) -> !daphne.matrix<f64>
  "daphne.print"(%m, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  return
}

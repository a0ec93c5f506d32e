// RUN: canonicalize,cse,dce
// Small constant matrices (literals, fill/seq of constants, reshapes of them; at most 64
// cells) combined with constants are folded at compile time by the runtime's own kernels.

// CHECK-LABEL: func.func @literal_ops
func.func @literal_ops() {
  %t = "daphne.constant"() {value = true} : () -> i1
  %f = "daphne.constant"() {value = false} : () -> i1
  %c1 = "daphne.constant"() {value = 1.000000e+00 : f64} : () -> f64
  %c2 = "daphne.constant"() {value = 2.000000e+00 : f64} : () -> f64
  %c3 = "daphne.constant"() {value = 3.000000e+00 : f64} : () -> f64
  %c4 = "daphne.constant"() {value = 4.000000e+00 : f64} : () -> f64
  %one = "daphne.constant"() {value = 1 : si64} : () -> si64
  // [1, 2, 3, 4](2, 2) + 1 and t(...) * 2: literals of constants, no kernels left.
  %a = "daphne.matrix_constant"(%c1, %c2, %c3, %c4) {num_rows = 2 : i64, num_cols = 2 : i64} : (f64, f64, f64, f64) -> !daphne.matrix<f64>
  %p = "daphne.ew_add"(%a, %one) : (!daphne.matrix<f64>, si64) -> !daphne.matrix<f64>
  %ta = "daphne.transpose"(%a) : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  %q = "daphne.ew_mul"(%ta, %c2) : (!daphne.matrix<f64>, f64) -> !daphne.matrix<f64>
  // sum of the literal is a scalar constant.
  %s = "daphne.sum_all"(%a) : (!daphne.matrix<f64>) -> f64
  // CHECK-NOT: "daphne.ew_add"
  // CHECK-NOT: "daphne.transpose"
  // CHECK-NOT: "daphne.ew_mul"
  // CHECK-NOT: "daphne.sum_all"
  // CHECK-DAG: %[[C5:.*]] = "daphne.constant"() {value = 5.000000e+00 : f64}
  // CHECK-DAG: %[[C6:.*]] = "daphne.constant"() {value = 6.000000e+00 : f64}
  // CHECK-DAG: %[[C8:.*]] = "daphne.constant"() {value = 8.000000e+00 : f64}
  // CHECK-DAG: "daphne.matrix_constant"(%{{.*}}, %{{.*}}, %{{.*}}, %[[C5]]) {num_cols = 2 : i64, num_rows = 2 : i64}
  // CHECK-DAG: "daphne.matrix_constant"(%{{.*}}, %[[C6]], %{{.*}}, %[[C8]]) {num_cols = 2 : i64, num_rows = 2 : i64}
  // CHECK-DAG: "daphne.constant"() {value = 1.000000e+01 : f64}
  "daphne.print"(%p, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  "daphne.print"(%q, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  "daphne.print"(%s, %t, %f) : (f64, i1, i1) -> ()
  return
}

// CHECK-LABEL: func.func @generated
func.func @generated() {
  %t = "daphne.constant"() {value = true} : () -> i1
  %f = "daphne.constant"() {value = false} : () -> i1
  %one = "daphne.constant"() {value = 1 : si64} : () -> si64
  %six = "daphne.constant"() {value = 6 : si64} : () -> si64
  %two = "daphne.constant"() {value = 2 : index} : () -> index
  %three = "daphne.constant"() {value = 3 : index} : () -> index
  %ten = "daphne.constant"() {value = 10 : index} : () -> index
  // colMaxs(reshape(seq(1, 6, 1), 2, 3)) is [4, 5, 6] (si64).
  %s = "daphne.seq"(%one, %six, %one) : (si64, si64, si64) -> !daphne.matrix<si64>
  %r = "daphne.reshape"(%s, %two, %three) : (!daphne.matrix<si64>, index, index) -> !daphne.matrix<si64>
  %m = "daphne.max_col"(%r) : (!daphne.matrix<si64>) -> !daphne.matrix<si64>
  // CHECK-DAG: %[[C4:.*]] = "daphne.constant"() {value = 4 : si64}
  // CHECK-DAG: %[[C5:.*]] = "daphne.constant"() {value = 5 : si64}
  // CHECK-DAG: %[[C6:.*]] = "daphne.constant"() {value = 6 : si64}
  // CHECK: "daphne.matrix_constant"(%[[C4]], %[[C5]], %[[C6]]) {num_cols = 3 : i64, num_rows = 1 : i64} : (si64, si64, si64) -> !daphne.matrix<si64>
  // CHECK-NOT: "daphne.max_col"
  "daphne.print"(%m, %t, %f) : (!daphne.matrix<si64>, i1, i1) -> ()
  // fill(1, 10, 10) has 100 cells: above the bound, it stays a kernel call.
  // CHECK: "daphne.fill"
  // CHECK: "daphne.ew_add"
  %big = "daphne.fill"(%one, %ten, %ten) : (si64, index, index) -> !daphne.matrix<si64>
  %b1 = "daphne.ew_add"(%big, %one) : (!daphne.matrix<si64>, si64) -> !daphne.matrix<si64>
  "daphne.print"(%b1, %t, %f) : (!daphne.matrix<si64>, i1, i1) -> ()
  return
}

// CHECK-LABEL: func.func @left_to_run_time
func.func @left_to_run_time() {
  %t = "daphne.constant"() {value = true} : () -> i1
  %f = "daphne.constant"() {value = false} : () -> i1
  %z = "daphne.constant"() {value = 0 : si64} : () -> si64
  %zf = "daphne.constant"() {value = 0.000000e+00 : f64} : () -> f64
  %two = "daphne.constant"() {value = 2 : index} : () -> index
  %three = "daphne.constant"() {value = 3 : index} : () -> index
  // Integer division by zero fails at run time: not folded.
  // CHECK: "daphne.ew_div"(%{{.*}}, %{{.*}}) : (!daphne.matrix<si64>, si64)
  %m = "daphne.fill"(%z, %two, %two) : (si64, index, index) -> !daphne.matrix<si64>
  %d = "daphne.ew_div"(%m, %z) : (!daphne.matrix<si64>, si64) -> !daphne.matrix<si64>
  "daphne.print"(%d, %t, %f) : (!daphne.matrix<si64>, i1, i1) -> ()
  // 0.0 / 0 makes NaNs, whose sign is not portable through a constant: not folded.
  // CHECK: "daphne.ew_div"(%{{.*}}, %{{.*}}) : (!daphne.matrix<f64>, f64)
  %mf = "daphne.fill"(%zf, %two, %two) : (f64, index, index) -> !daphne.matrix<f64>
  %df = "daphne.ew_div"(%mf, %zf) : (!daphne.matrix<f64>, f64) -> !daphne.matrix<f64>
  "daphne.print"(%df, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  // A reshape to the wrong number of cells fails at run time: not folded.
  // CHECK: "daphne.reshape"
  // CHECK: "daphne.transpose"
  %r = "daphne.reshape"(%m, %three, %three) : (!daphne.matrix<si64>, index, index) -> !daphne.matrix<si64>
  %tr = "daphne.transpose"(%r) : (!daphne.matrix<si64>) -> !daphne.matrix<si64>
  "daphne.print"(%tr, %t, %f) : (!daphne.matrix<si64>, i1, i1) -> ()
  return
}

// RUN: canonicalize,dce,infer,phy-op-selection,dce
// Transposes fold into mat_mul's transa/transb flags (no transpose is materialized), on
// non-square shapes; phy-op-selection then reads syrk/gemv off the flags.

// CHECK-LABEL: func.func @flags
// CHECK-SAME: (%[[A:[^:]*]]: !daphne.matrix<f64>, %[[B:[^:]*]]: !daphne.matrix<f64>, %[[C:[^:]*]]: !daphne.matrix<f64>)
func.func @flags(%a: !daphne.matrix<f64>, %b: !daphne.matrix<f64>, %c: !daphne.matrix<f64>) {
  %t = "daphne.constant"() {value = true} : () -> i1
  %f = "daphne.constant"() {value = false} : () -> i1
  %two = "daphne.constant"() {value = 2 : index} : () -> index
  %three = "daphne.constant"() {value = 3 : index} : () -> index
  %four = "daphne.constant"() {value = 4 : index} : () -> index
  %ra = "daphne.reshape"(%a, %two, %three) : (!daphne.matrix<f64>, index, index) -> !daphne.matrix<f64>
  %rb = "daphne.reshape"(%b, %two, %four) : (!daphne.matrix<f64>, index, index) -> !daphne.matrix<f64>
  %rc = "daphne.reshape"(%c, %four, %three) : (!daphne.matrix<f64>, index, index) -> !daphne.matrix<f64>
  // CHECK: %[[RA:.*]] = "daphne.reshape"(%[[A]]
  // CHECK: %[[RB:.*]] = "daphne.reshape"(%[[B]]
  // CHECK: %[[RC:.*]] = "daphne.reshape"(%[[C]]
  // CHECK-NOT: "daphne.transpose"
  %ta = "daphne.transpose"(%ra) : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  %tb = "daphne.transpose"(%rb) : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  %tc = "daphne.transpose"(%rc) : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  // t(A) @ B: 3x2 @ 2x4 is 3x4.
  // CHECK: "daphne.mat_mul"(%[[RA]], %[[RB]]) {daphne.cols = 4 : i64, daphne.rows = 3 : i64, transa = true}
  %p1 = "daphne.mat_mul"(%ta, %rb) : (!daphne.matrix<f64>, !daphne.matrix<f64>) -> !daphne.matrix<f64>
  // A @ t(C): 2x3 @ 3x4 is 2x4.
  // CHECK: "daphne.mat_mul"(%[[RA]], %[[RC]]) {daphne.cols = 4 : i64, daphne.rows = 2 : i64, transb = true}
  %p2 = "daphne.mat_mul"(%ra, %tc) : (!daphne.matrix<f64>, !daphne.matrix<f64>) -> !daphne.matrix<f64>
  // t(C) @ t(B): 3x4 @ 4x2 is 3x2.
  // CHECK: "daphne.mat_mul"(%[[RC]], %[[RB]]) {daphne.cols = 2 : i64, daphne.rows = 3 : i64, transa = true, transb = true}
  %p3 = "daphne.mat_mul"(%tc, %tb) : (!daphne.matrix<f64>, !daphne.matrix<f64>) -> !daphne.matrix<f64>
  // t(t(A)) @ B folds both ways: no flag is left.
  // CHECK: "daphne.mat_mul"(%[[RA]], %[[RB]]) {daphne.cols = 4 : i64, daphne.rows = 2 : i64} :
  %tta = "daphne.transpose"(%ta) : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  %p4 = "daphne.mat_mul"(%tta, %rb) : (!daphne.matrix<f64>, !daphne.matrix<f64>) -> !daphne.matrix<f64>
  // t(A) @ A and A @ t(A) become syrk (outer for the second), after the flags.
  // CHECK: "daphne.syrk"(%[[RA]]) {daphne.cols = 3 : i64, daphne.rows = 3 : i64, daphne.symmetric = true}
  // CHECK: "daphne.syrk"(%[[RA]]) {daphne.cols = 2 : i64, daphne.rows = 2 : i64, daphne.symmetric = true, outer}
  %s1 = "daphne.mat_mul"(%ta, %ra) : (!daphne.matrix<f64>, !daphne.matrix<f64>) -> !daphne.matrix<f64>
  %s2 = "daphne.mat_mul"(%ra, %ta) : (!daphne.matrix<f64>, !daphne.matrix<f64>) -> !daphne.matrix<f64>
  // t(A) @ v with v a column becomes gemv.
  // CHECK: %[[V:.*]] = "daphne.reshape"(%[[B]]
  // CHECK: "daphne.gemv"(%[[RA]], %[[V]]) {daphne.cols = 1 : i64, daphne.rows = 3 : i64}
  %one = "daphne.constant"() {value = 1 : index} : () -> index
  %v = "daphne.reshape"(%b, %two, %one) : (!daphne.matrix<f64>, index, index) -> !daphne.matrix<f64>
  %g = "daphne.mat_mul"(%ta, %v) : (!daphne.matrix<f64>, !daphne.matrix<f64>) -> !daphne.matrix<f64>
  // CHECK-NOT: "daphne.transpose"
  "daphne.print"(%p1, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  "daphne.print"(%p2, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  "daphne.print"(%p3, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  "daphne.print"(%p4, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  "daphne.print"(%s1, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  "daphne.print"(%s2, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  "daphne.print"(%g, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  return
}

// CHECK-LABEL: func.func @sparse_keeps_transpose
func.func @sparse_keeps_transpose(%a: !daphne.matrix<f64>, %b: !daphne.matrix<f64>) {
  %t = "daphne.constant"() {value = true} : () -> i1
  %f = "daphne.constant"() {value = false} : () -> i1
  // A CSR operand keeps its transpose (the CSR kernels read it as is).
  // CHECK: %[[S:.*]] = "daphne.to_csr"
  // CHECK: %[[T:.*]] = "daphne.transpose"(%[[S]])
  // CHECK: "daphne.mat_mul"(%[[T]], %arg1) {
  // CHECK-NOT: transa
  // CHECK-SAME: }
  %s = "daphne.to_csr"(%a) : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  %ts = "daphne.transpose"(%s) : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  %p = "daphne.mat_mul"(%ts, %b) : (!daphne.matrix<f64>, !daphne.matrix<f64>) -> !daphne.matrix<f64>
  "daphne.print"(%p, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  return
}

// RUN: phy-op-selection,dce
// Products with a transposed operand become syrk/gemv; the transposes they no longer need go.
// (Here canonicalize did not run: the transposes are still ops, not mat_mul flags; see
// matmul_flags.mlir for the flags.)

// CHECK-LABEL: func.func @syrk
// CHECK-SAME: (%[[X:.*]]: !daphne.matrix<f64>)
func.func @syrk(%x: !daphne.matrix<f64>) {
  %t = "daphne.constant"() {value = true} : () -> i1
  %f = "daphne.constant"() {value = false} : () -> i1
  // t(X) @ X -> syrk(X)
  // CHECK-NOT: "daphne.transpose"
  // CHECK: %[[A:.*]] = "daphne.syrk"(%[[X]]) {daphne.cols = 3 : i64, daphne.rows = 3 : i64, daphne.symmetric = true}
  %tx = "daphne.transpose"(%x) : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  %a = "daphne.mat_mul"(%tx, %x) {daphne.rows = 3 : i64, daphne.cols = 3 : i64} : (!daphne.matrix<f64>, !daphne.matrix<f64>) -> !daphne.matrix<f64>
  // X @ t(X) -> syrk(X) {outer} (DAPHNE's syrk(X, false)); the transpose is gone
  // CHECK: %[[B:.*]] = "daphne.syrk"(%[[X]]) {outer}
  %b = "daphne.mat_mul"(%x, %tx) : (!daphne.matrix<f64>, !daphne.matrix<f64>) -> !daphne.matrix<f64>
  // CHECK-NOT: "daphne.mat_mul"
  "daphne.print"(%a, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  "daphne.print"(%b, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  return
}

// CHECK-LABEL: func.func @gemv
// CHECK-SAME: (%[[X:.*]]: !daphne.matrix<f64>, %[[Y:.*]]: !daphne.matrix<f64>)
func.func @gemv(%x: !daphne.matrix<f64>, %y: !daphne.matrix<f64>) {
  %t = "daphne.constant"() {value = true} : () -> i1
  %f = "daphne.constant"() {value = false} : () -> i1
  // t(X) @ v with v a known column -> gemv(X, v); the transpose of X is gone.
  // CHECK-NOT: "daphne.transpose"(%[[X]])
  // CHECK: %[[V:.*]] = "daphne.transpose"(%[[Y]])
  // CHECK-NOT: "daphne.transpose"(%[[X]])
  // CHECK: "daphne.gemv"(%[[X]], %[[V]])
  %v = "daphne.transpose"(%y) {daphne.rows = 4 : i64, daphne.cols = 1 : i64} : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  %tx = "daphne.transpose"(%x) : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  %a = "daphne.mat_mul"(%tx, %v) : (!daphne.matrix<f64>, !daphne.matrix<f64>) -> !daphne.matrix<f64>
  "daphne.print"(%a, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  return
}

// CHECK-LABEL: func.func @no_gemv
func.func @no_gemv(%x: !daphne.matrix<f64>, %y: !daphne.matrix<f64>) {
  %t = "daphne.constant"() {value = true} : () -> i1
  %f = "daphne.constant"() {value = false} : () -> i1
  // Without a known single column it stays a product.
  // CHECK: "daphne.transpose"(%arg0)
  // CHECK: "daphne.mat_mul"
  %tx = "daphne.transpose"(%x) : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  %b = "daphne.mat_mul"(%tx, %y) : (!daphne.matrix<f64>, !daphne.matrix<f64>) -> !daphne.matrix<f64>
  "daphne.print"(%b, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  return
}

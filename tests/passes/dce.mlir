// RUN: dce
// Unused results of pure ops that cannot fail are deleted; anything that could stop the
// program with an error, or prints, stays.

// CHECK-LABEL: func.func @dead
func.func @dead(%x: !daphne.matrix<f64>, %y: !daphne.matrix<f64>, %c: i1) {
  %t = "daphne.constant"() {value = true} : () -> i1
  %f = "daphne.constant"() {value = false} : () -> i1
  %two = "daphne.constant"() {value = 2 : si64} : () -> si64
  %zero = "daphne.constant"() {value = 0 : si64} : () -> si64
  %n = "daphne.constant"() {value = 7 : si64} : () -> si64
  // A dead chain goes in one sweep.
  // CHECK-NOT: "daphne.transpose"
  // CHECK-NOT: "daphne.ew_mul"
  %tx = "daphne.transpose"(%x) : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  %m = "daphne.ew_mul"(%tx, %two) : (!daphne.matrix<f64>, si64) -> !daphne.matrix<f64>
  // Integer division by a variable or zero may fail: kept. By a non-zero constant: deleted.
  // CHECK: "daphne.ew_div"(%{{.*}}, %{{.*}}) : (si64, si64) -> si64
  // CHECK-NOT: "daphne.ew_div"
  %d0 = "daphne.ew_div"(%n, %zero) : (si64, si64) -> si64
  %d2 = "daphne.ew_div"(%n, %two) : (si64, si64) -> si64
  // Matrices of unknown shapes may not broadcast: kept.
  // CHECK: "daphne.ew_add"(%arg0, %arg1)
  %s = "daphne.ew_add"(%x, %y) : (!daphne.matrix<f64>, !daphne.matrix<f64>) -> !daphne.matrix<f64>
  // Shapes recorded by inference that broadcast: deleted.
  // CHECK-NOT: "daphne.ew_sub"
  %a = "daphne.transpose"(%x) {daphne.rows = 2 : i64, daphne.cols = 3 : i64} : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  %b = "daphne.transpose"(%y) {daphne.rows = 1 : i64, daphne.cols = 3 : i64} : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  %u = "daphne.ew_sub"(%a, %b) : (!daphne.matrix<f64>, !daphne.matrix<f64>) -> !daphne.matrix<f64>
  // as.scalar needs a 1x1 matrix: kept unless the shape is known to be 1x1.
  // CHECK: "daphne.cast"(%arg0) : (!daphne.matrix<f64>) -> f64
  %v = "daphne.cast"(%x) : (!daphne.matrix<f64>) -> f64
  // A conditional whose results are unused and whose branches hold only such ops: deleted.
  // CHECK-NOT: scf.if
  %r = scf.if %c -> (!daphne.matrix<f64>) {
    %k = "daphne.transpose"(%y) : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
    scf.yield %k : !daphne.matrix<f64>
  } else {
    scf.yield %y : !daphne.matrix<f64>
  }
  // Printing is an effect.
  // CHECK: "daphne.print"
  "daphne.print"(%two, %t, %f) : (si64, i1, i1) -> ()
  // A loop may not terminate: kept.
  // CHECK: scf.while
  %w = scf.while (%i = %two) : (si64) -> si64 {
    %cond = "daphne.cast"(%i) : (si64) -> i1
    scf.condition(%cond) %i : si64
  } do {
  ^bb0(%i: si64):
    scf.yield %i : si64
  }
  return
}

// RUN: infer
// Properties flow into UDF bodies from their call sites (joined over all of them) and back
// out of their returns, across chains of calls; parameters show them as argument attributes.

// CHECK-LABEL: func.func @main
func.func @main() {
  %t = "daphne.constant"() {value = true} : () -> i1
  %f = "daphne.constant"() {value = false} : () -> i1
  %v = "daphne.constant"() {value = 1.000000e+00 : f64} : () -> f64
  %r = "daphne.constant"() {value = 3 : index} : () -> index
  %c = "daphne.constant"() {value = 2 : index} : () -> index
  %x = "daphne.fill"(%v, %r, %c) : (f64, index, index) -> !daphne.matrix<f64>
  // CHECK: call @twice(%{{.*}}) {daphne.cols = 3 : i64, daphne.rows = 2 : i64, daphne.sparsity = 1.000000e+00 : f64}
  %y = func.call @twice(%x) : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  // CHECK: call @outer(%{{.*}}) {daphne.cols = 3 : i64, daphne.rows = 3 : i64, daphne.symmetric = true}
  %z = func.call @outer(%y) : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  // Two call sites with different shapes: the parameter keeps what both share.
  // CHECK: call @id(%{{.*}}) {daphne.cols = 2 : i64, daphne.rows = -1 : i64, daphne.sparsity = 1.000000e+00 : f64}
  // CHECK: call @id(%{{.*}}) {daphne.cols = 2 : i64, daphne.rows = -1 : i64, daphne.sparsity = 1.000000e+00 : f64}
  %c2x2 = "daphne.fill"(%v, %c, %c) : (f64, index, index) -> !daphne.matrix<f64>
  %a = func.call @id(%x) : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  %b = func.call @id(%c2x2) : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  "daphne.print"(%z, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  "daphne.print"(%a, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  "daphne.print"(%b, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  return
}

// CHECK-LABEL: func.func @twice
// CHECK-SAME: (%arg0: !daphne.matrix<f64> {daphne.cols = 2 : i64, daphne.rows = 3 : i64, daphne.sparsity = 1.000000e+00 : f64})
func.func @twice(%m: !daphne.matrix<f64>) -> !daphne.matrix<f64> {
  // CHECK: "daphne.transpose"(%arg0) {daphne.cols = 3 : i64, daphne.rows = 2 : i64
  %tm = "daphne.transpose"(%m) : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  return %tm : !daphne.matrix<f64>
}

// CHECK-LABEL: func.func @outer
// CHECK-SAME: (%arg0: !daphne.matrix<f64> {daphne.cols = 3 : i64, daphne.rows = 2 : i64, daphne.sparsity = 1.000000e+00 : f64})
func.func @outer(%m: !daphne.matrix<f64>) -> !daphne.matrix<f64> {
  %s = "daphne.syrk"(%m) : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  return %s : !daphne.matrix<f64>
}

// CHECK-LABEL: func.func @id
// CHECK-SAME: (%arg0: !daphne.matrix<f64> {daphne.cols = 2 : i64, daphne.rows = -1 : i64, daphne.sparsity = 1.000000e+00 : f64})
func.func @id(%m: !daphne.matrix<f64>) -> !daphne.matrix<f64> {
  return %m : !daphne.matrix<f64>
}

// RUN: cse
// Pure ops with the same operands and attributes are computed once; the earlier op must
// dominate the later one (same block or an enclosing one).

// CHECK-LABEL: func.func @same_block
func.func @same_block(%x: !daphne.matrix<f64>) {
  %t = "daphne.constant"() {value = true} : () -> i1
  %f = "daphne.constant"() {value = false} : () -> i1
  // CHECK: %[[A:.*]] = "daphne.transpose"(%arg0)
  // CHECK-NOT: "daphne.transpose"
  // CHECK: "daphne.print"(%[[A]],
  // CHECK: "daphne.print"(%[[A]],
  %a = "daphne.transpose"(%x) : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  %b = "daphne.transpose"(%x) : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  "daphne.print"(%a, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  "daphne.print"(%b, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  // Constants merge by value and type only.
  // CHECK: {value = 2 : si64}
  // CHECK-NOT: {value = 2 : si64}
  // CHECK: {value = 2 : ui64}
  %c1 = "daphne.constant"() {value = 2 : si64} : () -> si64
  %c2 = "daphne.constant"() {value = 2 : si64} : () -> si64
  %c3 = "daphne.constant"() {value = 2 : ui64} : () -> ui64
  "daphne.print"(%c1, %t, %f) : (si64, i1, i1) -> ()
  "daphne.print"(%c2, %t, %f) : (si64, i1, i1) -> ()
  "daphne.print"(%c3, %t, %f) : (ui64, i1, i1) -> ()
  return
}

// CHECK-LABEL: func.func @effects
func.func @effects() {
  %t = "daphne.constant"() {value = true} : () -> i1
  %f = "daphne.constant"() {value = false} : () -> i1
  %n = "daphne.constant"() {value = 2 : index} : () -> index
  %lo = "daphne.constant"() {value = 0.000000e+00 : f64} : () -> f64
  %hi = "daphne.constant"() {value = 1.000000e+00 : f64} : () -> f64
  %seed = "daphne.constant"() {value = 42 : si64} : () -> si64
  %random = "daphne.constant"() {value = -1 : si64} : () -> si64
  // rand with a fixed seed is reproducible: merged. Seed -1 draws a new seed per call: kept.
  // CHECK-COUNT-3: "daphne.rand_matrix"
  // CHECK-NOT: "daphne.rand_matrix"
  %r1 = "daphne.rand_matrix"(%n, %n, %lo, %hi, %hi, %seed) : (index, index, f64, f64, f64, si64) -> !daphne.matrix<f64>
  %r2 = "daphne.rand_matrix"(%n, %n, %lo, %hi, %hi, %seed) : (index, index, f64, f64, f64, si64) -> !daphne.matrix<f64>
  %r3 = "daphne.rand_matrix"(%n, %n, %lo, %hi, %hi, %random) : (index, index, f64, f64, f64, si64) -> !daphne.matrix<f64>
  %r4 = "daphne.rand_matrix"(%n, %n, %lo, %hi, %hi, %random) : (index, index, f64, f64, f64, si64) -> !daphne.matrix<f64>
  "daphne.print"(%r1, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  "daphne.print"(%r2, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  "daphne.print"(%r3, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  "daphne.print"(%r4, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  // now() is not pure.
  // CHECK-COUNT-2: "daphne.now"
  %a = "daphne.now"() : () -> si64
  %b = "daphne.now"() : () -> si64
  "daphne.print"(%a, %t, %f) : (si64, i1, i1) -> ()
  "daphne.print"(%b, %t, %f) : (si64, i1, i1) -> ()
  return
}

// CHECK-LABEL: func.func @regions
func.func @regions(%x: !daphne.matrix<f64>, %c: i1) {
  %t = "daphne.constant"() {value = true} : () -> i1
  %f = "daphne.constant"() {value = false} : () -> i1
  // CHECK: %[[S:.*]] = "daphne.sum_all"(%arg0)
  %s = "daphne.sum_all"(%x) : (!daphne.matrix<f64>) -> f64
  // CHECK: scf.if
  %r = scf.if %c -> (f64) {
    // An op in a nested region reuses the enclosing block's result.
    // CHECK-NOT: "daphne.sum_all"
    // CHECK: %[[M:.*]] = "daphne.mean_all"(%arg0)
    %s2 = "daphne.sum_all"(%x) : (!daphne.matrix<f64>) -> f64
    %m = "daphne.mean_all"(%x) : (!daphne.matrix<f64>) -> f64
    %y = "daphne.ew_add"(%s2, %m) : (f64, f64) -> f64
    scf.yield %y : f64
  } else {
    // The sibling branch cannot reuse the then-branch's mean.
    // CHECK: } else {
    // CHECK: "daphne.mean_all"(%arg0)
    %m = "daphne.mean_all"(%x) : (!daphne.matrix<f64>) -> f64
    scf.yield %m : f64
  }
  // Nor can ops after the scf.if.
  // CHECK: "daphne.mean_all"(%arg0)
  %m3 = "daphne.mean_all"(%x) : (!daphne.matrix<f64>) -> f64
  "daphne.print"(%r, %t, %f) : (f64, i1, i1) -> ()
  "daphne.print"(%s, %t, %f) : (f64, i1, i1) -> ()
  "daphne.print"(%m3, %t, %f) : (f64, i1, i1) -> ()
  return
}

// RUN: canonicalize
// Constant folding computes what the lowered program computes; what would fail or is not
// portable at run time stays. Identities only where the types guarantee the same bits.

// CHECK-LABEL: func.func @fold_integers
func.func @fold_integers() {
  %t = "daphne.constant"() {value = true} : () -> i1
  %f = "daphne.constant"() {value = false} : () -> i1
  %a = "daphne.constant"() {value = -7 : si64} : () -> si64
  %b = "daphne.constant"() {value = 2 : si64} : () -> si64
  %z = "daphne.constant"() {value = 0 : si64} : () -> si64
  %max = "daphne.constant"() {value = 9223372036854775807 : si64} : () -> si64
  // Integer division truncates, % keeps the dividend's sign, + wraps.
  // CHECK-DAG: "daphne.constant"() {value = -3 : si64}
  // CHECK-DAG: "daphne.constant"() {value = -1 : si64}
  // CHECK-DAG: "daphne.constant"() {value = -9223372036854775808 : si64}
  %q = "daphne.ew_div"(%a, %b) : (si64, si64) -> si64
  %r = "daphne.ew_mod"(%a, %b) : (si64, si64) -> si64
  %w = "daphne.ew_add"(%max, %t) : (si64, i1) -> si64
  "daphne.print"(%q, %t, %f) : (si64, i1, i1) -> ()
  "daphne.print"(%r, %t, %f) : (si64, i1, i1) -> ()
  "daphne.print"(%w, %t, %f) : (si64, i1, i1) -> ()
  // Division by zero is left for the run-time error.
  // CHECK: "daphne.ew_div"
  %e = "daphne.ew_div"(%a, %z) : (si64, si64) -> si64
  "daphne.print"(%e, %t, %f) : (si64, i1, i1) -> ()
  // Comparisons give the promoted type; -1 < 1u compares as ui64 (C++ semantics).
  // CHECK: "daphne.constant"() {value = 0 : si64}
  %u = "daphne.constant"() {value = 1 : ui64} : () -> ui64
  %m1 = "daphne.constant"() {value = -1 : si64} : () -> si64
  %lt = "daphne.ew_lt"(%m1, %u) : (si64, ui64) -> si64
  "daphne.print"(%lt, %t, %f) : (si64, i1, i1) -> ()
  return
}

// CHECK-LABEL: func.func @fold_floats
func.func @fold_floats() {
  %t = "daphne.constant"() {value = true} : () -> i1
  %f = "daphne.constant"() {value = false} : () -> i1
  %one = "daphne.constant"() {value = 1.000000e+00 : f64} : () -> f64
  %nan = "daphne.constant"() {value = 0x7FF8000000000000 : f64} : () -> f64
  %zero = "daphne.constant"() {value = 0.000000e+00 : f64} : () -> f64
  %i0 = "daphne.constant"() {value = 0 : si64} : () -> si64
  // std::min(1.0, nan) is 1.0 (not IEEE minimum), std::min(nan, 1.0) is nan.
  // CHECK-DAG: "daphne.print"(%[[ONE:.*]], %{{.*}}, %{{.*}}) : (f64, i1, i1)
  // CHECK-DAG: %[[ONE]] = "daphne.constant"() {value = 1.000000e+00 : f64}
  %m = "daphne.ew_min"(%one, %nan) : (f64, f64) -> f64
  "daphne.print"(%m, %t, %f) : (f64, i1, i1) -> ()
  // CHECK-DAG: "daphne.print"(%[[NAN:.*]], %{{.*}}, %{{.*}}) : (f64, i1, i1)
  // CHECK-DAG: %[[NAN]] = "daphne.constant"() {value = 0x7FF8000000000000 : f64}
  %n = "daphne.ew_min"(%nan, %one) : (f64, f64) -> f64
  "daphne.print"(%n, %t, %f) : (f64, i1, i1) -> ()
  // 0.0 / 0 makes a NaN whose sign depends on who computes it: not folded.
  // CHECK: "daphne.ew_div"
  %d = "daphne.ew_div"(%zero, %i0) : (f64, si64) -> f64
  "daphne.print"(%d, %t, %f) : (f64, i1, i1) -> ()
  // 1.0 / 0 is inf.
  // CHECK: "daphne.constant"() {value = 0x7FF0000000000000 : f64}
  %inf = "daphne.ew_div"(%one, %i0) : (f64, si64) -> f64
  "daphne.print"(%inf, %t, %f) : (f64, i1, i1) -> ()
  // -(0.0) is -0.0, which prints as -0.
  // CHECK: "daphne.constant"() {value = -0.000000e+00 : f64}
  %neg = "daphne.ew_minus"(%zero) : (f64) -> f64
  "daphne.print"(%neg, %t, %f) : (f64, i1, i1) -> ()
  return
}

// CHECK-LABEL: func.func @fold_strings_and_casts
func.func @fold_strings_and_casts() {
  %t = "daphne.constant"() {value = true} : () -> i1
  %f = "daphne.constant"() {value = false} : () -> i1
  %s = "daphne.constant"() {value = "x"} : () -> !daphne.string
  %x = "daphne.constant"() {value = 2.500000e+00 : f64} : () -> f64
  // Numbers join strings through std::to_string.
  // CHECK: "daphne.constant"() {value = "x2.500000"}
  %c = "daphne.ew_concat"(%s, %x) : (!daphne.string, f64) -> !daphne.string
  "daphne.print"(%c, %t, %f) : (!daphne.string, i1, i1) -> ()
  // Float to integer truncates toward zero; out of range is not folded.
  // CHECK: "daphne.constant"() {value = -2 : si64}
  %m = "daphne.constant"() {value = -2.900000e+00 : f64} : () -> f64
  %i = "daphne.cast"(%m) : (f64) -> si64
  "daphne.print"(%i, %t, %f) : (si64, i1, i1) -> ()
  // CHECK: "daphne.cast"
  %big = "daphne.constant"() {value = 1.000000e+30 : f64} : () -> f64
  %j = "daphne.cast"(%big) : (f64) -> si64
  "daphne.print"(%j, %t, %f) : (si64, i1, i1) -> ()
  // A string that is not a number fails at run time: not folded.
  // CHECK: "daphne.cast"
  %k = "daphne.cast"(%s) : (!daphne.string) -> si64
  "daphne.print"(%k, %t, %f) : (si64, i1, i1) -> ()
  return
}

// CHECK-LABEL: func.func @identities
// CHECK-SAME: (%[[X:.*]]: !daphne.matrix<f64>, %[[I:.*]]: !daphne.matrix<si64>)
func.func @identities(%x: !daphne.matrix<f64>, %i: !daphne.matrix<si64>) {
  %t = "daphne.constant"() {value = true} : () -> i1
  %f = "daphne.constant"() {value = false} : () -> i1
  %one = "daphne.constant"() {value = 1 : si64} : () -> si64
  %zero = "daphne.constant"() {value = 0 : si64} : () -> si64
  // t(t(X)) and -(-X) are X.
  // CHECK: "daphne.print"(%[[X]],
  %tx = "daphne.transpose"(%x) : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  %ttx = "daphne.transpose"(%tx) : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  "daphne.print"(%ttx, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  // CHECK: "daphne.print"(%[[X]],
  %nx = "daphne.ew_minus"(%x) : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  %nnx = "daphne.ew_minus"(%nx) : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  "daphne.print"(%nnx, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  // X * 1, 1 * X, X - 0 keep every float bit.
  // CHECK: "daphne.print"(%[[X]],
  %m = "daphne.ew_mul"(%one, %x) : (si64, !daphne.matrix<f64>) -> !daphne.matrix<f64>
  "daphne.print"(%m, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  // CHECK: "daphne.print"(%[[X]],
  %s = "daphne.ew_sub"(%x, %zero) : (!daphne.matrix<f64>, si64) -> !daphne.matrix<f64>
  "daphne.print"(%s, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  // X + 0 on floats turns -0 into +0: kept. On integers it is X.
  // CHECK: %[[ADD:.*]] = "daphne.ew_add"(%[[X]],
  // CHECK: "daphne.print"(%[[ADD]],
  %a = "daphne.ew_add"(%x, %zero) : (!daphne.matrix<f64>, si64) -> !daphne.matrix<f64>
  "daphne.print"(%a, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  // CHECK: "daphne.print"(%[[I]],
  %b = "daphne.ew_add"(%zero, %i) : (si64, !daphne.matrix<si64>) -> !daphne.matrix<si64>
  "daphne.print"(%b, %t, %f) : (!daphne.matrix<si64>, i1, i1) -> ()
  // A product that changes the value type is kept.
  // CHECK: "daphne.ew_mul"(%[[I]],
  %onef = "daphne.constant"() {value = 1.000000e+00 : f64} : () -> f64
  %c = "daphne.ew_mul"(%i, %onef) : (!daphne.matrix<si64>, f64) -> !daphne.matrix<f64>
  "daphne.print"(%c, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  return
}

// CHECK-LABEL: func.func @control_flow
func.func @control_flow(%x: !daphne.matrix<f64>, %y: !daphne.matrix<f64>) {
  %t = "daphne.constant"() {value = true} : () -> i1
  %f = "daphne.constant"() {value = false} : () -> i1
  %three = "daphne.constant"() {value = 3 : si64} : () -> si64
  %four = "daphne.constant"() {value = 4 : si64} : () -> si64
  %lt = "daphne.ew_lt"(%three, %four) : (si64, si64) -> si64
  %c = "daphne.cast"(%lt) : (si64) -> i1
  // A constant condition selects a branch at compile time.
  // CHECK-NOT: scf.if
  // CHECK-NOT: arith.select
  // CHECK: "daphne.ew_add"(%arg0, %arg1)
  // CHECK-NOT: "daphne.ew_sub"
  %r = scf.if %c -> (!daphne.matrix<f64>) {
    %s = "daphne.ew_add"(%x, %y) : (!daphne.matrix<f64>, !daphne.matrix<f64>) -> !daphne.matrix<f64>
    scf.yield %s : !daphne.matrix<f64>
  } else {
    %s = "daphne.ew_sub"(%x, %y) : (!daphne.matrix<f64>, !daphne.matrix<f64>) -> !daphne.matrix<f64>
    scf.yield %s : !daphne.matrix<f64>
  }
  %sel = arith.select %c, %r, %y : !daphne.matrix<f64>
  "daphne.print"(%sel, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  return
}

// CHECK-LABEL: func.func @known_shapes
func.func @known_shapes(%x: !daphne.matrix<f64>) {
  %t = "daphne.constant"() {value = true} : () -> i1
  %f = "daphne.constant"() {value = false} : () -> i1
  %tx = "daphne.transpose"(%x) {daphne.rows = 3 : i64, daphne.cols = 5 : i64} : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  // Recorded shapes fold nrow/ncol.
  // CHECK: "daphne.constant"() {value = 15 : index}
  %n = "daphne.num_cells"(%tx) : (!daphne.matrix<f64>) -> index
  "daphne.print"(%n, %t, %f) : (index, i1, i1) -> ()
  return
}

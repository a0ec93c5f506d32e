// RUN: pipeline
// The default pipeline on what the frontend emits for:
//   X = rand(5, 3, 0.0, 1.0, 1.0, 42);
//   G = t(X) @ X;
//   for (i in 1:3) {
//       G = G * 0.5;
//   }
//   print(G);
//   print(nrow(G) + 2 * 3);
//
// CHECK: %[[X:.*]] = "daphne.rand_matrix"{{.*}}{daphne.cols = 3 : i64, daphne.rows = 5 : i64
// t(X) @ X is syrk(X); the transpose is gone and X is released right after its last use.
// CHECK-NEXT: %[[G:.*]] = "daphne.syrk"(%[[X]]) {daphne.cols = 3 : i64, daphne.rows = 3 : i64, daphne.symmetric = true}
// CHECK-NEXT: "daphne.decref"(%[[X]])
// The for loop's step sign folded away: the condition is just i <= 3.
// CHECK: scf.while
// CHECK-NEXT: "daphne.ew_le"
// CHECK-NEXT: "daphne.cast"
// CHECK-NEXT: scf.condition
// Scaling keeps shape and symmetry through the loop; the old value is freed each iteration.
// CHECK: "daphne.ew_mul"(%[[A:.*]], %{{.*}}) {daphne.cols = 3 : i64, daphne.rows = 3 : i64, daphne.symmetric = true}
// CHECK-NEXT: "daphne.decref"(%[[A]])
// CHECK: } attributes {daphne.cols = array<i64: -1, 3>, daphne.rows = array<i64: -1, 3>, daphne.symmetric = array<i64: -1, 1>}
// CHECK: "daphne.print"(%[[W:.*]], %{{.*}}, %{{.*}}) : (!daphne.matrix<f64>
// CHECK-NEXT: "daphne.decref"(%[[W]])
// nrow(G) + 2 * 3 folds with the inferred shape.
// CHECK-NEXT: %[[N:.*]] = "daphne.constant"() {value = 9 : si64}
// CHECK-NEXT: "daphne.print"(%[[N]],
module {
  func.func @main() {
    %0 = "daphne.constant"() {value = 5 : index} : () -> index
    %1 = "daphne.constant"() {value = 3 : index} : () -> index
    %2 = "daphne.constant"() {value = 0.000000e+00 : f64} : () -> f64
    %3 = "daphne.constant"() {value = 1.000000e+00 : f64} : () -> f64
    %4 = "daphne.constant"() {value = 1.000000e+00 : f64} : () -> f64
    %5 = "daphne.constant"() {value = 42 : si64} : () -> si64
    %6 = "daphne.rand_matrix"(%0, %1, %2, %3, %4, %5) : (index, index, f64, f64, f64, si64) -> !daphne.matrix<f64>
    %7 = "daphne.transpose"(%6) : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
    %8 = "daphne.mat_mul"(%7, %6) : (!daphne.matrix<f64>, !daphne.matrix<f64>) -> !daphne.matrix<f64>
    %9 = "daphne.constant"() {value = 1 : si64} : () -> si64
    %10 = "daphne.constant"() {value = 3 : si64} : () -> si64
    %11 = "daphne.ew_ge"(%10, %9) : (si64, si64) -> si64
    %12 = "daphne.constant"() {value = 2 : si64} : () -> si64
    %13 = "daphne.constant"() {value = 1 : si64} : () -> si64
    %14 = "daphne.ew_mul"(%11, %12) : (si64, si64) -> si64
    %15 = "daphne.ew_sub"(%14, %13) : (si64, si64) -> si64
    %16:2 = scf.while (%arg0 = %9, %arg1 = %8) : (si64, !daphne.matrix<f64>) -> (si64, !daphne.matrix<f64>) {
      %26 = "daphne.constant"() {value = 0 : si64} : () -> si64
      %27 = "daphne.ew_gt"(%15, %26) : (si64, si64) -> si64
      %28 = "daphne.ew_le"(%arg0, %10) : (si64, si64) -> si64
      %29 = "daphne.ew_ge"(%arg0, %10) : (si64, si64) -> si64
      %30 = "daphne.cast"(%27) : (si64) -> i1
      %31 = "daphne.cast"(%28) : (si64) -> i1
      %32 = "daphne.cast"(%29) : (si64) -> i1
      %33 = arith.select %30, %31, %32 : i1
      scf.condition(%33) %arg0, %arg1 : si64, !daphne.matrix<f64>
    } do {
    ^bb0(%arg0: si64, %arg1: !daphne.matrix<f64>):
      %26 = "daphne.constant"() {value = 5.000000e-01 : f64} : () -> f64
      %27 = "daphne.ew_mul"(%arg1, %26) : (!daphne.matrix<f64>, f64) -> !daphne.matrix<f64>
      %28 = "daphne.ew_add"(%arg0, %15) : (si64, si64) -> si64
      scf.yield %28, %27 : si64, !daphne.matrix<f64>
    }
    %17 = "daphne.constant"() {value = true} : () -> i1
    %18 = "daphne.constant"() {value = false} : () -> i1
    "daphne.print"(%16#1, %17, %18) : (!daphne.matrix<f64>, i1, i1) -> ()
    %19 = "daphne.num_rows"(%16#1) : (!daphne.matrix<f64>) -> index
    %20 = "daphne.constant"() {value = 2 : si64} : () -> si64
    %21 = "daphne.constant"() {value = 3 : si64} : () -> si64
    %22 = "daphne.ew_mul"(%20, %21) : (si64, si64) -> si64
    %23 = "daphne.ew_add"(%19, %22) : (index, si64) -> si64
    %24 = "daphne.constant"() {value = true} : () -> i1
    %25 = "daphne.constant"() {value = false} : () -> i1
    "daphne.print"(%23, %24, %25) : (si64, i1, i1) -> ()
    return
  }
}


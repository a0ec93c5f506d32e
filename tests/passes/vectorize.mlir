// RUN: vectorize
// Element-wise chains and the aggregations they feed become one pipeline; an intermediate used
// outside is a pipeline output; a print between ops stops the pipeline from growing across it.

// CHECK-LABEL: func.func @chain
func.func @chain(%s: f64) {
  %r = "daphne.constant"() {value = 1000 : index} : () -> index
  %c = "daphne.constant"() {value = 3 : index} : () -> index
  %t = "daphne.constant"() {value = true} : () -> i1
  %f = "daphne.constant"() {value = false} : () -> i1
  %two = "daphne.constant"() {value = 2.0 : f64} : () -> f64
  %x = "daphne.fill"(%s, %r, %c) {daphne.rows = 1000 : i64, daphne.cols = 3 : i64} : (f64, index, index) -> !daphne.matrix<f64>
  %y = "daphne.fill"(%two, %r, %c) {daphne.rows = 1000 : i64, daphne.cols = 3 : i64} : (f64, index, index) -> !daphne.matrix<f64>
  // CHECK: "daphne.vectorized_pipeline"() {cols = 3 : i64, grain = {{.*}}, id = 0 : i64, layout = "{{.*}}", num_ops = 4 : i64, rows = 1000 : i64, scheme = "{{.*}}", victim = "{{.*}}", workers = {{.*}}}
  // CHECK-NEXT: "daphne.ew_mul"{{.*}}daphne.pipeline = 0 : i64
  // CHECK-NEXT: "daphne.ew_add"{{.*}}daphne.pipeline = 0 : i64, daphne.pipeline_output
  // CHECK-NEXT: "daphne.ew_sub"{{.*}}daphne.pipeline = 0 : i64
  // CHECK-NEXT: "daphne.sum_all"{{.*}}daphne.pipeline = 0 : i64, daphne.pipeline_output
  %a = "daphne.ew_mul"(%x, %two) {daphne.rows = 1000 : i64, daphne.cols = 3 : i64} : (!daphne.matrix<f64>, f64) -> !daphne.matrix<f64>
  %b = "daphne.ew_add"(%a, %y) {daphne.rows = 1000 : i64, daphne.cols = 3 : i64} : (!daphne.matrix<f64>, !daphne.matrix<f64>) -> !daphne.matrix<f64>
  %d = "daphne.ew_sub"(%b, %x) {daphne.rows = 1000 : i64, daphne.cols = 3 : i64} : (!daphne.matrix<f64>, !daphne.matrix<f64>) -> !daphne.matrix<f64>
  %sum = "daphne.sum_all"(%d) : (!daphne.matrix<f64>) -> f64
  // CHECK-NEXT: "daphne.print"
  "daphne.print"(%sum, %t, %f) : (f64, i1, i1) -> ()
  "daphne.print"(%b, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  // Per-row and per-column aggregations of one input: two pipelines (a print in between).
  // CHECK: "daphne.vectorized_pipeline"() {cols = 3 : i64, {{.*}}id = 1 : i64, {{.*}}num_ops = 2 : i64
  // CHECK-NEXT: "daphne.ew_gt"
  // CHECK-NEXT: "daphne.sum_row"{{.*}}daphne.pipeline = 1 : i64, daphne.pipeline_output
  %g = "daphne.ew_gt"(%x, %y) {daphne.rows = 1000 : i64, daphne.cols = 3 : i64} : (!daphne.matrix<f64>, !daphne.matrix<f64>) -> !daphne.matrix<f64>
  %rs = "daphne.sum_row"(%g) {daphne.rows = 1000 : i64, daphne.cols = 1 : i64} : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  "daphne.print"(%rs, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  // CHECK: "daphne.vectorized_pipeline"() {cols = 3 : i64, {{.*}}id = 2 : i64, {{.*}}num_ops = 2 : i64
  // CHECK-NEXT: "daphne.ew_sqrt"
  // CHECK-NEXT: "daphne.mean_col"
  %q = "daphne.ew_sqrt"(%y) {daphne.rows = 1000 : i64, daphne.cols = 3 : i64} : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  %cm = "daphne.mean_col"(%q) {daphne.rows = 1 : i64, daphne.cols = 3 : i64} : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  "daphne.print"(%cm, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  return
}

// Unknown shapes, string matrices and integer division stay kernel calls.
// CHECK-LABEL: func.func @not_fused
// CHECK-NOT: daphne.vectorized_pipeline
func.func @not_fused(%m: !daphne.matrix<f64>, %k: si64) {
  %t = "daphne.constant"() {value = true} : () -> i1
  %f = "daphne.constant"() {value = false} : () -> i1
  %a = "daphne.ew_mul"(%m, %m) : (!daphne.matrix<f64>, !daphne.matrix<f64>) -> !daphne.matrix<f64>
  %s = "daphne.sum_all"(%a) : (!daphne.matrix<f64>) -> f64
  "daphne.print"(%s, %t, %f) : (f64, i1, i1) -> ()
  %r = "daphne.constant"() {value = 1000 : index} : () -> index
  %i = "daphne.fill"(%k, %r, %r) {daphne.rows = 1000 : i64, daphne.cols = 1000 : i64} : (si64, index, index) -> !daphne.matrix<si64>
  %d = "daphne.ew_div"(%i, %k) {daphne.rows = 1000 : i64, daphne.cols = 1000 : i64} : (!daphne.matrix<si64>, si64) -> !daphne.matrix<si64>
  "daphne.print"(%d, %t, %f) : (!daphne.matrix<si64>, i1, i1) -> ()
  return
}

// RUN: obj-ref-mgnt
// Every runtime object is released after its last use; consuming uses (yield, condition,
// return, loop inits, call arguments) hand a reference over.

// CHECK-LABEL: func.func @straight_line
func.func @straight_line(%n: index) {
  %t = "daphne.constant"() {value = true} : () -> i1
  %f = "daphne.constant"() {value = false} : () -> i1
  %one = "daphne.constant"() {value = 1.000000e+00 : f64} : () -> f64
  // CHECK: %[[X:.*]] = "daphne.fill"
  // CHECK-NEXT: %[[Y:.*]] = "daphne.transpose"(%[[X]])
  // CHECK-NEXT: "daphne.decref"(%[[X]])
  // CHECK-NEXT: "daphne.print"(%[[Y]],
  // CHECK-NEXT: "daphne.decref"(%[[Y]])
  %x = "daphne.fill"(%one, %n, %n) : (f64, index, index) -> !daphne.matrix<f64>
  %y = "daphne.transpose"(%x) : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  "daphne.print"(%y, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  // An unused object is released right away.
  // CHECK-NEXT: %[[U:.*]] = "daphne.fill"
  // CHECK-NEXT: "daphne.decref"(%[[U]])
  %u = "daphne.fill"(%one, %n, %n) : (f64, index, index) -> !daphne.matrix<f64>
  return
}

// CHECK-LABEL: func.func @udf
// The parameter is owned by the callee and moved into the result.
// CHECK-NEXT: return %arg0
func.func @udf(%a: !daphne.matrix<f64>) -> !daphne.matrix<f64> {
  return %a : !daphne.matrix<f64>
}

// CHECK-LABEL: func.func @calls
func.func @calls(%x: !daphne.matrix<f64>) {
  %t = "daphne.constant"() {value = true} : () -> i1
  %f = "daphne.constant"() {value = false} : () -> i1
  // The first call borrows a new reference; the last call takes the parameter's own.
  // CHECK: "daphne.incref"(%arg0)
  // CHECK-NEXT: %[[R1:.*]] = call @udf(%arg0)
  // CHECK-NEXT: "daphne.print"(%[[R1]],
  // CHECK-NEXT: "daphne.decref"(%[[R1]])
  // CHECK-NEXT: %[[R2:.*]] = call @udf(%arg0)
  // CHECK-NEXT: "daphne.print"(%[[R2]],
  // CHECK-NEXT: "daphne.decref"(%[[R2]])
  %r1 = func.call @udf(%x) : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  "daphne.print"(%r1, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  %r2 = func.call @udf(%x) : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  "daphne.print"(%r2, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  return
}

// CHECK-LABEL: func.func @loop
func.func @loop(%x: !daphne.matrix<f64>, %c: i1) {
  %t = "daphne.constant"() {value = true} : () -> i1
  %f = "daphne.constant"() {value = false} : () -> i1
  %two = "daphne.constant"() {value = 2 : si64} : () -> si64
  // %x is used inside the loop too, so the loop gets its own reference and %x is released after.
  // CHECK: "daphne.incref"(%arg0)
  // CHECK-NEXT: %[[W:.*]] = scf.while (%[[A:.*]] = %arg0)
  %w = scf.while (%a = %x) : (!daphne.matrix<f64>) -> !daphne.matrix<f64> {
    // CHECK-NEXT: scf.condition(%arg1) %[[A]]
    scf.condition(%c) %a : !daphne.matrix<f64>
  } do {
  ^bb0(%a: !daphne.matrix<f64>):
    // The old value is released after its last use in the body.
    // CHECK: %[[M:.*]] = "daphne.ew_mul"(%[[B:.*]], %{{.*}})
    // CHECK-NEXT: "daphne.decref"(%[[B]])
    // CHECK-NEXT: %[[S:.*]] = "daphne.ew_add"(%[[M]], %arg0)
    // CHECK-NEXT: "daphne.decref"(%[[M]])
    // CHECK-NEXT: scf.yield %[[S]]
    %m = "daphne.ew_mul"(%a, %two) : (!daphne.matrix<f64>, si64) -> !daphne.matrix<f64>
    %s = "daphne.ew_add"(%m, %x) : (!daphne.matrix<f64>, !daphne.matrix<f64>) -> !daphne.matrix<f64>
    scf.yield %s : !daphne.matrix<f64>
  }
  // CHECK: "daphne.decref"(%arg0)
  // CHECK-NEXT: "daphne.print"(%[[W]],
  // CHECK-NEXT: "daphne.decref"(%[[W]])
  "daphne.print"(%w, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  return
}

// CHECK-LABEL: func.func @branches
func.func @branches(%x: !daphne.matrix<f64>, %c: i1) {
  %t = "daphne.constant"() {value = true} : () -> i1
  %f = "daphne.constant"() {value = false} : () -> i1
  // A branch yielding an outer value gives it a reference of its own.
  // CHECK: scf.if
  // CHECK-NEXT: "daphne.transpose"
  // CHECK-NEXT: scf.yield
  // CHECK-NEXT: } else {
  // CHECK-NEXT: "daphne.incref"(%arg0)
  // CHECK-NEXT: scf.yield %arg0
  // CHECK-NEXT: }
  // CHECK-NEXT: "daphne.decref"(%arg0)
  %r = scf.if %c -> (!daphne.matrix<f64>) {
    %y = "daphne.transpose"(%x) : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
    scf.yield %y : !daphne.matrix<f64>
  } else {
    scf.yield %x : !daphne.matrix<f64>
  }
  // select returns one of its operands: its result is counted anew.
  // CHECK: %[[S:.*]] = arith.select
  // CHECK-NEXT: "daphne.incref"(%[[S]])
  // CHECK-NEXT: "daphne.decref"
  // CHECK-NEXT: "daphne.decref"
  // CHECK-NEXT: "daphne.print"(%[[S]],
  // CHECK-NEXT: "daphne.decref"(%[[S]])
  %n = "daphne.transpose"(%r) : (!daphne.matrix<f64>) -> !daphne.matrix<f64>
  %s = arith.select %c, %r, %n : !daphne.matrix<f64>
  "daphne.print"(%s, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  return
}

// CHECK-LABEL: func.func @already_managed
// A function that already has reference counting is left alone.
// CHECK-NEXT: "daphne.decref"(%arg0)
// CHECK-NEXT: return
func.func @already_managed(%x: !daphne.matrix<f64>) {
  "daphne.decref"(%x) : (!daphne.matrix<f64>) -> ()
  return
}

// CHECK-LABEL: func.func @frames
func.func @frames(%n: index) {
  %t = "daphne.constant"() {value = true} : () -> i1
  %f = "daphne.constant"() {value = false} : () -> i1
  %one = "daphne.constant"() {value = 1.000000e+00 : f64} : () -> f64
  %a = "daphne.constant"() {value = "a"} : () -> !daphne.string
  %b = "daphne.constant"() {value = "b"} : () -> !daphne.string
  // A column takes over its matrix's reference; a matrix used again keeps one of its own.
  // CHECK: %[[X:.*]] = "daphne.fill"
  // CHECK-NEXT: %[[Y:.*]] = "daphne.fill"
  // CHECK-NEXT: %[[CX:.*]] = "daphne.as_column"(%[[X]])
  // CHECK-NEXT: "daphne.incref"(%[[Y]])
  // CHECK-NEXT: %[[CY:.*]] = "daphne.as_column"(%[[Y]])
  // CHECK-NEXT: %[[F:.*]] = "daphne.create_frame"(%[[CX]], %[[CY]]
  // CHECK-DAG: "daphne.decref"(%[[CX]])
  // CHECK-DAG: "daphne.decref"(%[[CY]])
  // CHECK: "daphne.print"(%[[F]],
  // CHECK-NEXT: "daphne.decref"(%[[F]])
  // CHECK-NEXT: "daphne.print"(%[[Y]],
  // CHECK-NEXT: "daphne.decref"(%[[Y]])
  %x = "daphne.fill"(%one, %n, %n) : (f64, index, index) -> !daphne.matrix<f64>
  %y = "daphne.fill"(%one, %n, %n) : (f64, index, index) -> !daphne.matrix<f64>
  %cx = "daphne.as_column"(%x) : (!daphne.matrix<f64>) -> !daphne.column
  %cy = "daphne.as_column"(%y) : (!daphne.matrix<f64>) -> !daphne.column
  %fr = "daphne.create_frame"(%cx, %cy, %a, %b) {operandSegmentSizes = array<i32: 2, 2>} : (!daphne.column, !daphne.column, !daphne.string, !daphne.string) -> !daphne.frame
  "daphne.print"(%fr, %t, %f) : (!daphne.frame, i1, i1) -> ()
  "daphne.print"(%y, %t, %f) : (!daphne.matrix<f64>, i1, i1) -> ()
  return
}

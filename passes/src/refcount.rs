//! Reference counting: `daphne.incref`/`daphne.decref` so that every runtime object is freed
//! right after its last use.
//!
//! **The ownership model.** Every SSA value of a runtime-object type (`!daphne.matrix`,
//! `!daphne.frame`, `!daphne.list`, `!daphne.column`) owns exactly one reference to its
//! runtime object: op results (kernels return objects with count 1), block arguments
//! (function parameters, `scf.while` loop-carried values) and the results of `scf.if`,
//! `scf.while` and `func.call`. A *consuming* use hands one reference over to the receiving
//! value: the operands of `scf.yield`, `scf.condition` (after the i1), `func.return`, the
//! initial values of `scf.while`, the arguments of `func.call` (the callee owns its
//! parameters), and the matrix of `daphne.as_column` (the column is the same object under
//! another type, and takes the matrix's reference). Every other use borrows.
//!
//! **What it inserts**, for each owned value `v` in the block `B` that defines it, looking at
//! its users through their ancestors in `B` (a use inside an `scf.if`/`scf.while` counts as a
//! use by that op), with `L` the last such user:
//! - no uses: `decref v` right after the definition (at the block start for arguments);
//! - if `L` consumes `v` directly and does not also use `v` inside its regions, that use
//!   takes `v`'s own reference (a move); every other consuming use gets `incref v` just
//!   before it;
//! - otherwise every consuming use gets an `incref v` before it and `decref v` goes right
//!   after `L` (after the whole loop or conditional if `L` has regions);
//! - a consuming use in `B` of a value owned by an enclosing block (e.g. `scf.yield %outer`)
//!   gets `incref` before it: the enclosing block keeps its own reference;
//! - `arith.select` on objects returns one of its operands without a new reference (see
//!   [`aliases`]), so its result gets `incref` right after it and owns a reference like any
//!   other value.
//!
//! **Why it is sound.** Each owned value's reference is released exactly once on every path:
//! blocks here have a single entry and leave only through their terminator, so "after the
//! last user in `B`" is reached exactly once per execution of `B`, after every use (uses
//! inside nested regions finish before their ancestor op does). Moves happen only at the
//! last user, so no use follows the release. Consuming uses receive a reference of their own,
//! so the receiving value's release is balanced. Objects are freed when the count drops to
//! zero, which is then after the last use of every SSA value that referred to them. Strings
//! (`!daphne.string`) are not runtime objects with counts and are left alone. A function that
//! already contains `incref`/`decref` is skipped, so running the pass twice is harmless.

use crate::ir::{Blk, Op, Val, ancestor_in, build, module_body};
use melior::ir::Module;
use std::collections::{HashMap, HashSet};

/// Runs the pass; true if the module changed.
pub fn run(module: &Module) -> bool {
    let mut changed = false;
    for f in module_body(module).ops() {
        if crate::ir::nested_ops(f).iter().any(|o| matches!(o.name().as_str(), "daphne.incref" | "daphne.decref")) {
            continue; // already managed (e.g. the pass ran before)
        }
        for region in f.regions() {
            for b in region {
                changed |= block(b);
            }
        }
    }
    changed
}

/// True if operand `i` of `op` hands a reference over (see the module docs).
fn is_consuming(op: Op, i: usize) -> bool {
    match op.name().as_str() {
        // `daphne.as_column` wraps a matrix for `create_frame`: the column takes its reference.
        "scf.yield" | "func.return" | "scf.while" | "func.call" | "daphne.as_column" => true,
        "scf.condition" => i >= 1,
        _ => false,
    }
}

/// True for ops whose object result is one of their (borrowed) operands' objects, not a new
/// one. (`daphne.as_column` also returns its operand's object, but consumes the operand's
/// reference instead, see [`is_consuming`].)
pub fn aliases(op: Op) -> bool {
    op.name() == "arith.select"
}

fn incref(v: Val, loc_of: Op) -> melior::ir::Operation<'static> {
    build("daphne.incref", loc_of.location(), &[v], &[], &[])
}

fn decref(v: Val, loc_of: Op) -> melior::ir::Operation<'static> {
    build("daphne.decref", loc_of.location(), &[v], &[], &[])
}

/// Inserts `op` after `at`, after any `incref`s already placed there (an alias must be
/// counted before its source can be released).
fn insert_after_increfs(at: Op, op: melior::ir::Operation<'static>) {
    let mut at = at;
    while let Some(n) = at.next().filter(|n| n.name() == "daphne.incref") {
        at = n;
    }
    at.insert_after(op);
}

fn block(b: Blk) -> bool {
    let mut changed = false;
    for op in b.ops() {
        for region in op.regions() {
            for inner in region {
                changed |= block(inner);
            }
        }
    }
    let ops = b.ops();
    let pos: HashMap<Op, usize> = ops.iter().enumerate().map(|(i, o)| (*o, i)).collect();

    // Aliasing results first, so that releases placed after the same op come after them.
    for op in &ops {
        if aliases(*op) && op.result(0).is_object() {
            op.insert_after(incref(op.result(0), *op));
            changed = true;
        }
    }

    let mut owned: Vec<(Val, Option<Op>)> = b.args().into_iter().filter(|a| a.is_object()).map(|a| (a, None)).collect();
    for op in &ops {
        owned.extend(op.results().into_iter().filter(|r| r.is_object()).map(|r| (r, Some(*op))));
    }
    let owned_here: HashSet<Val> = owned.iter().map(|(v, _)| *v).collect();

    for (v, def) in owned {
        let mut last: Option<Op> = None;
        let mut nested: HashSet<Op> = HashSet::new();
        let mut consuming: Vec<Op> = Vec::new();
        for (user, i) in v.uses() {
            if user.name() == "daphne.incref" {
                continue; // inserted above for an aliasing op
            }
            let Some(anc) = ancestor_in(b, user) else { continue };
            if anc == user {
                if is_consuming(user, i) {
                    consuming.push(user);
                }
            } else {
                nested.insert(anc);
            }
            if last.is_none_or(|l| pos.get(&anc) > pos.get(&l)) {
                last = Some(anc);
            }
        }
        changed = true;
        let Some(last) = last else {
            match def {
                Some(d) => insert_after_increfs(d, decref(v, d)),
                None => match b.first() {
                    Some(first) => {
                        first.insert_before(decref(v, first));
                    }
                    None => continue,
                },
            }
            continue;
        };
        let moved = consuming.contains(&last) && !nested.contains(&last);
        let mut skipped = false;
        for user in consuming {
            if moved && !skipped && user == last {
                skipped = true;
                continue;
            }
            user.insert_before(incref(v, user));
        }
        if !moved {
            insert_after_increfs(last, decref(v, last));
        }
    }

    // Consuming uses of values that an enclosing block owns.
    for op in &ops {
        for (i, v) in op.operands().into_iter().enumerate() {
            if v.is_object() && is_consuming(*op, i) && !owned_here.contains(&v) {
                op.insert_before(incref(v, *op));
                changed = true;
            }
        }
    }
    changed
}

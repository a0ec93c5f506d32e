//! Common subexpression elimination for pure ops, scoped by regions.
//!
//! **Matches** a pure op ([`crate::effects::is_pure`], no regions) that has the same name,
//! operands, inherent attributes and result types as an op seen earlier in the same block or
//! in an enclosing block, and **produces** nothing: the later op's results are replaced by the
//! earlier op's and the later op is erased.
//!
//! **Why it is sound.** The earlier op dominates the later one: it comes first in the same
//! block, or in a block whose region contains the later op (regions here are `scf.if`
//! branches, `scf.while` bodies and function bodies, which all run after the ops before them
//! in their parent block). A pure op computes the same results from the same operands, so the
//! earlier results are the later ones; the later op had no other effect. Sibling regions
//! (the two branches of an `scf.if`) never share a table. Property attributes
//! (`daphne.rows`, ...) are not part of the key: they are facts about the results, equal
//! whenever the computations are. If the later op could fail at run time, so could the
//! earlier one, at an earlier point, with the same operands, so the program stops there either
//! way. Runtime matrices are immutable, so sharing one object between two names is not
//! observable.

use crate::effects::is_pure;
use crate::ir::{Blk, Op, Val, module_body};
use melior::ir::{Module, operation::OperationLike};
use std::collections::HashMap;

/// Runs the pass; true if the module changed.
pub fn run(module: &Module) -> bool {
    let mut changed = false;
    let mut scopes = Vec::new();
    block(module_body(module), &mut scopes, &mut changed);
    changed
}

fn block(b: Blk, scopes: &mut Vec<HashMap<String, Vec<Val>>>, changed: &mut bool) {
    scopes.push(HashMap::new());
    for op in b.ops() {
        if op.has_regions() {
            for region in op.regions() {
                for inner in region {
                    block(inner, scopes, changed);
                }
            }
            continue;
        }
        if op.result_count() == 0 || !is_pure(op) {
            continue;
        }
        let k = key(op);
        match scopes.iter().rev().find_map(|s| s.get(&k)) {
            Some(earlier) => {
                let earlier = earlier.clone();
                op.replace_with(&earlier);
                *changed = true;
            }
            None => {
                scopes.last_mut().expect("a scope per block").insert(k, op.results());
            }
        }
    }
    scopes.pop();
}

/// What identifies an op's computation: name, operands, inherent attributes, result types.
fn key(op: Op) -> String {
    let mut k = op.name();
    for v in op.operands() {
        k.push_str(&format!("|{:x}", v.0.ptr as usize));
    }
    let mut attrs: Vec<String> = op
        .get()
        .attributes()
        .filter_map(|(id, a)| {
            let n = id.as_string_ref().as_str().unwrap_or("").to_string();
            (!n.starts_with("daphne.")).then(|| format!("{n}={a}"))
        })
        .collect();
    attrs.sort();
    k.push_str(&format!("|{{{}}}", attrs.join(",")));
    for r in op.results() {
        k.push_str(&format!("|{}", r.ty()));
    }
    k
}

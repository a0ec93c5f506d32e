//! Dead code elimination.
//!
//! **Matches** an op whose results are all unused and that [`crate::effects::is_removable`]
//! (pure and unable to fail), or an `scf.if` whose results are unused and whose branches hold
//! nothing but such ops; **produces** nothing: the op is erased. Blocks are swept back to
//! front, so a chain of dead ops goes in one sweep, and sweeps repeat until nothing changes.
//!
//! **Why it is sound.** An erased op had no effect besides its results (pure), nobody read
//! them, and it could not have stopped the program (cannot fail), so the program's output and
//! exit status are unchanged. `scf.while` is never erased: a loop that does not terminate is
//! observable. Calls to UDFs are kept (UDFs may print).

use crate::effects::is_removable;
use crate::ir::{Blk, Op, module_body};
use melior::ir::Module;

/// Runs the pass; true if the module changed.
pub fn run(module: &Module) -> bool {
    let mut changed = false;
    while sweep(module_body(module)) {
        changed = true;
    }
    changed
}

fn sweep(b: Blk) -> bool {
    let mut changed = false;
    for op in b.ops().into_iter().rev() {
        for region in op.regions() {
            for inner in region {
                changed |= sweep(inner);
            }
        }
        let unused = op.results().iter().all(|r| !r.has_uses());
        if unused && (is_removable(op) || (op.name() == "scf.if" && branches_removable(op))) {
            op.erase();
            changed = true;
        }
    }
    changed
}

/// True if every op in `op`'s regions, except the terminators, is removable.
fn branches_removable(op: Op) -> bool {
    op.regions().into_iter().flatten().all(|b| {
        b.ops().into_iter().all(|o| o.is_terminator() || is_removable(o) || (o.name() == "scf.if" && branches_removable(o)))
    })
}

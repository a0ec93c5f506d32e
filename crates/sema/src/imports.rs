//! `import "file.daphne" [as "alias"];`: resolution, loading and namespacing of modules.
//!
//! An imported module runs its top-level statements at the import point, in its own namespace:
//! its variables and functions are visible to the importer as `prefix.name`, where the prefix is
//! the alias, else the file's stem (on a clash with an earlier import: `parentdir.stem`).
//! Expansion inlines each module's statements with every module-level name qualified, so the
//! rest of the analysis sees one script. Modules' own imports are qualified again (A imports B
//! imports C: A may use `b.c.x`, which DAPHNE does not allow; everything DAPHNE accepts behaves
//! the same).
//!
//! Resolution: a path with an extension is looked up relative to the importing file, then in
//! each default import directory (`daphnedsl_import_paths.default_dirs` of `--config`); two hits
//! are an ambiguity error. A name without extension names a library (another key of
//! `daphnedsl_import_paths`) whose directories' `.daphne` files are all imported as
//! `name.stem`.

use daphne_syntax::Diagnostic;
use daphne_syntax::ast::{self, Span};
use daphne_syntax::diag::SourceFile;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Where imports are searched besides the importing file's directory.
#[derive(Debug, Clone, Default)]
pub struct ImportConfig {
    /// Directories searched for `import "x.daphne"` (the `default_dirs` key).
    pub default_dirs: Vec<PathBuf>,
    /// Libraries: `import "name";` imports every `.daphne` file in these directories.
    pub libraries: HashMap<String, Vec<PathBuf>>,
}

/// Expands the imports of `script`, the main script stored as `files[0]` (read from `path`).
/// Imported files are appended to `files`; their spans refer to their index there.
pub fn expand(script: ast::Script, path: &Path, config: &ImportConfig, files: &mut Vec<SourceFile>) -> Result<ast::Script, Vec<Diagnostic>> {
    let mut ex = Expander { config, files, diags: Vec::new() };
    let stmts = ex.module(script.stmts, path);
    if ex.diags.is_empty() { Ok(ast::Script { stmts }) } else { Err(ex.diags) }
}

struct Expander<'a> {
    config: &'a ImportConfig,
    files: &'a mut Vec<SourceFile>,
    diags: Vec<Diagnostic>,
}

fn canonical(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

impl Expander<'_> {
    /// Expands the imports among `stmts`, the top level of the module at `path`.
    fn module(&mut self, stmts: Vec<ast::Stmt>, path: &Path) -> Vec<ast::Stmt> {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let this = canonical(path);
        let mut prefixes: HashSet<String> = HashSet::new();
        let mut seen: HashSet<PathBuf> = HashSet::new();
        let mut out = Vec::new();
        for stmt in stmts {
            let ast::StmtKind::Import { path: target, alias } = &stmt.kind else {
                out.push(stmt);
                continue;
            };
            let targets = match self.resolve(target, &dir, stmt.span) {
                Some(t) => t,
                None => continue,
            };
            for (file, lib_prefix) in targets {
                let canon = canonical(&file);
                if canon == this {
                    self.diags.push(Diagnostic::new(stmt.span, "a script cannot import itself"));
                    continue;
                }
                if !seen.insert(canon.clone()) {
                    self.diags.push(Diagnostic::new(stmt.span, format!("`{}` is imported twice", file.display())));
                    continue;
                }
                let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                let prefix = match (&lib_prefix, alias) {
                    (Some(lib), _) => format!("{lib}.{stem}"),
                    (None, Some(a)) => a.clone(),
                    (None, None) => stem.clone(),
                };
                let prefix = if prefixes.contains(&prefix) {
                    if alias.is_some() {
                        self.diags.push(Diagnostic::new(stmt.span, format!("the import alias `{prefix}` is already used")));
                        continue;
                    }
                    let parent = file.parent().and_then(Path::file_name).map(|s| s.to_string_lossy().into_owned());
                    match parent {
                        Some(p) if !prefixes.contains(&format!("{p}.{stem}")) => format!("{p}.{stem}"),
                        _ => {
                            self.diags.push(Diagnostic::new(stmt.span, format!("the import name `{prefix}` is already used")));
                            continue;
                        }
                    }
                } else {
                    prefix
                };
                prefixes.insert(prefix.clone());
                if let Some(module) = self.load(&file, stmt.span) {
                    let inner = self.module(module.stmts, &file);
                    out.extend(qualify(inner, &prefix));
                }
            }
        }
        out
    }

    /// The files an import names, each with its library prefix (for directory imports).
    fn resolve(&mut self, target: &str, dir: &Path, span: Span) -> Option<Vec<(PathBuf, Option<String>)>> {
        if Path::new(target).extension().is_none() {
            let Some(dirs) = self.config.libraries.get(target) else {
                self.diags.push(Diagnostic::new(span, format!("no import library `{target}` is configured (daphnedsl_import_paths in --config)")));
                return None;
            };
            let mut files = Vec::new();
            for d in dirs {
                let mut entries: Vec<PathBuf> = std::fs::read_dir(d)
                    .map(|rd| rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "daphne")).collect())
                    .unwrap_or_default();
                entries.sort();
                files.extend(entries.into_iter().map(|p| (p, Some(target.to_string()))));
            }
            return Some(files);
        }
        let mut hits: Vec<PathBuf> = Vec::new();
        let candidates = std::iter::once(dir.join(target)).chain(self.config.default_dirs.iter().map(|d| d.join(target)));
        for c in candidates {
            if c.is_file() && !hits.iter().any(|h| canonical(h) == canonical(&c)) {
                hits.push(c);
            }
        }
        match hits.len() {
            0 => {
                self.diags.push(Diagnostic::new(span, format!("cannot find the imported file `{target}`")));
                None
            }
            1 => Some(vec![(hits.remove(0), None)]),
            _ => {
                let list: Vec<String> = hits.iter().map(|h| h.display().to_string()).collect();
                self.diags.push(Diagnostic::new(span, format!("ambiguous import `{target}`: found {}", list.join(" and "))));
                None
            }
        }
    }

    fn load(&mut self, file: &Path, span: Span) -> Option<ast::Script> {
        let source = match std::fs::read_to_string(file) {
            Ok(s) => s,
            Err(e) => {
                self.diags.push(Diagnostic::new(span, format!("cannot read the imported file `{}`: {e}", file.display())));
                return None;
            }
        };
        let index = self.files.len() as u32;
        self.files.push(SourceFile { name: file.display().to_string(), source });
        match daphne_syntax::parse_file(&self.files[index as usize].source, index) {
            Ok(s) => Some(s),
            Err(d) => {
                self.diags.extend(d);
                None
            }
        }
    }
}

/// Prefixes every module-level name of `stmts` with `prefix.`: top-level variables, function
/// names, and calls of the module's own (or its imports') functions. Function-local names stay.
fn qualify(mut stmts: Vec<ast::Stmt>, prefix: &str) -> Vec<ast::Stmt> {
    let functions: HashSet<String> = stmts
        .iter()
        .filter_map(|s| match &s.kind {
            ast::StmtKind::FuncDef(f) => Some(f.name.name.clone()),
            _ => None,
        })
        .collect();
    let q = |name: &mut String| *name = format!("{prefix}.{name}");
    let is_module_fn = |name: &str| functions.contains(name) || name.contains('.');
    for s in &mut stmts {
        if let ast::StmtKind::FuncDef(f) = &mut s.kind {
            q(&mut f.name.name);
            for st in &mut f.body {
                walk_stmt(st, &mut |_| {}, &mut |e| {
                    if let ast::ExprKind::Call { callee, .. } = &mut e.kind
                        && is_module_fn(&callee.name)
                    {
                        q(&mut callee.name);
                    }
                });
            }
            continue;
        }
        walk_stmt(
            s,
            &mut |name| q(name),
            &mut |e| match &mut e.kind {
                ast::ExprKind::Ident(name) => q(name),
                ast::ExprKind::Call { callee, .. } if is_module_fn(&callee.name) => q(&mut callee.name),
                _ => {}
            },
        );
    }
    stmts
}

/// Visits every variable name bound by a statement (`on_name`) and every expression (`on_expr`,
/// children before parents) in `s`, mutably. Function definitions are not entered.
fn walk_stmt(s: &mut ast::Stmt, on_name: &mut impl FnMut(&mut String), on_expr: &mut impl FnMut(&mut ast::Expr)) {
    match &mut s.kind {
        ast::StmtKind::Expr(e) => walk_expr(e, on_expr),
        ast::StmtKind::Assign { targets, value } => {
            for t in targets {
                on_name(&mut t.name.name);
                if let Some(ix) = &mut t.index {
                    walk_indexing(ix, on_expr);
                }
            }
            walk_expr(value, on_expr);
        }
        ast::StmtKind::Block(b) => b.iter_mut().for_each(|s| walk_stmt(s, on_name, on_expr)),
        ast::StmtKind::If { cond, then_branch, else_branch } => {
            walk_expr(cond, on_expr);
            walk_stmt(then_branch, on_name, on_expr);
            if let Some(e) = else_branch {
                walk_stmt(e, on_name, on_expr);
            }
        }
        ast::StmtKind::While { cond, body } | ast::StmtKind::DoWhile { body, cond } => {
            walk_expr(cond, on_expr);
            walk_stmt(body, on_name, on_expr);
        }
        ast::StmtKind::For { var, from, to, step, body } => {
            on_name(&mut var.name);
            walk_expr(from, on_expr);
            walk_expr(to, on_expr);
            if let Some(st) = step {
                walk_expr(st, on_expr);
            }
            walk_stmt(body, on_name, on_expr);
        }
        ast::StmtKind::Return(values) => values.iter_mut().for_each(|v| walk_expr(v, on_expr)),
        ast::StmtKind::FuncDef(_) | ast::StmtKind::Import { .. } => {}
    }
}

fn walk_indexing(ix: &mut ast::Indexing, f: &mut impl FnMut(&mut ast::Expr)) {
    for part in [&mut ix.rows, &mut ix.cols] {
        match part {
            ast::IndexPart::All => {}
            ast::IndexPart::Expr(e) => walk_expr(e, f),
            ast::IndexPart::Range { lo, hi } => {
                for b in [lo, hi].into_iter().flatten() {
                    walk_expr(b, f);
                }
            }
        }
    }
}

/// Visits `e` and all its sub-expressions, children first.
fn walk_expr(e: &mut ast::Expr, f: &mut impl FnMut(&mut ast::Expr)) {
    match &mut e.kind {
        ast::ExprKind::Unary { expr, .. } | ast::ExprKind::Cast { expr, .. } => walk_expr(expr, f),
        ast::ExprKind::Binary { lhs, rhs, .. } => {
            walk_expr(lhs, f);
            walk_expr(rhs, f);
        }
        ast::ExprKind::Ternary { cond, then_expr, else_expr } => {
            walk_expr(cond, f);
            walk_expr(then_expr, f);
            walk_expr(else_expr, f);
        }
        ast::ExprKind::Call { args, .. } => args.iter_mut().for_each(|a| walk_expr(&mut a.value, f)),
        ast::ExprKind::Matrix { elems, dims } => {
            elems.iter_mut().for_each(|x| walk_expr(x, f));
            if let Some((r, c)) = dims {
                for d in [r, c].into_iter().flatten() {
                    walk_expr(d, f);
                }
            }
        }
        ast::ExprKind::FrameCols(cols) => {
            for (l, c) in cols {
                walk_expr(l, f);
                walk_expr(c, f);
            }
        }
        ast::ExprKind::FrameRows(rows) => rows.iter_mut().flatten().for_each(|x| walk_expr(x, f)),
        ast::ExprKind::Index { base, index } => {
            walk_expr(base, f);
            walk_indexing(index, f);
        }
        ast::ExprKind::Filter { base, rows, cols } => {
            walk_expr(base, f);
            for x in [rows, cols].into_iter().flatten() {
                walk_expr(x, f);
            }
        }
        ast::ExprKind::Int { .. }
        | ast::ExprKind::Float { .. }
        | ast::ExprKind::Bool(_)
        | ast::ExprKind::Str(_)
        | ast::ExprKind::Ident(_)
        | ast::ExprKind::ScriptArg(_) => {}
    }
    f(e);
}

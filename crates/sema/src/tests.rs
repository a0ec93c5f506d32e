use super::*;

fn check(src: &str) -> Result<Program, Vec<Diagnostic>> {
    let script = daphne_syntax::parse(src).expect("test script parses");
    analyze(&script, &Options::default())
}

fn last_assign_type(src: &str) -> Type {
    let p = check(src).expect("analysis succeeds");
    p.main
        .iter()
        .rev()
        .find_map(|s| match s {
            Stmt::Assign { value, .. } => value.ty,
            _ => None,
        })
        .expect("an assignment")
}

#[test]
fn binary_ops_promote_value_types() {
    assert_eq!(last_assign_type("x = 1 + 2.5;"), Type::Scalar(ValueType::F64));
    assert_eq!(last_assign_type("x = 1 < 2;"), Type::Scalar(ValueType::Si64));
    assert_eq!(last_assign_type("x = 1.5 && 2;"), Type::Scalar(ValueType::Ui64));
    assert_eq!(last_assign_type("x = true && false;"), Type::Scalar(ValueType::Bool));
    assert_eq!(last_assign_type("x = \"a\" + 1;"), Type::Scalar(ValueType::Str));
    assert_eq!(last_assign_type("X = fill(1, 2, 2); y = X * 0.5;"), Type::Matrix(ValueType::F64));
    assert_eq!(last_assign_type("X = fill(1, 2, 2); y = mean(X);"), Type::Scalar(ValueType::F64));
    assert_eq!(last_assign_type("X = fill(1, 2, 2); y = sum(X, 0);"), Type::Matrix(ValueType::Si64));
    assert_eq!(last_assign_type("X = [1, 2.5, true];"), Type::Matrix(ValueType::F64));
    assert_eq!(last_assign_type("n = nrow(fill(1, 2, 2));"), Type::Scalar(ValueType::Index));
}

#[test]
fn negative_literal_edge_case() {
    let p = check("x = -9223372036854775808;").unwrap();
    let Stmt::Assign { value, .. } = &p.main[0] else { panic!() };
    assert_eq!(value.kind, ExprKind::Const(Constant::Int(i64::MIN as u64)));
    assert!(check("x = 9223372036854775809;").is_err());
    assert!(check("x = 18446744073709551615u;").is_ok());
}

#[test]
fn unknown_variable_and_scoping() {
    let err = check("print(y);").unwrap_err();
    assert!(err[0].message.contains("unknown variable `y`"));
    let err = check("{ a = 1; } print(a);").unwrap_err();
    assert!(err[0].message.contains("`a`"));
    assert!(check("a = 0; { a = 1; } print(a);").is_ok());
}

#[test]
fn if_merges_variables_and_rejects_ambiguous_types() {
    let p = check("x = 1; if (true) x = 2; else x = 3; print(x);").unwrap();
    let Stmt::If { merged, .. } = &p.main[1] else { panic!() };
    assert_eq!(merged, &[FlowVar { name: "x".into(), ty: Type::Scalar(ValueType::Si64) }]);
    let err = check("y = 0; if (true) y = 1.5;").unwrap_err();
    assert!(err[0].message.contains("ambiguous"));
    // First assigned inside the branches: gone afterwards (DAPHNE's scoping).
    assert!(check("if (true) { z = 1; } else { z = 2; } print(z);").is_err());
}

#[test]
fn loops_carry_variables_with_stable_types() {
    let p = check("s = 0; for (i in 1:10) s = s + i; print(s);").unwrap();
    let Stmt::For { carried, .. } = &p.main[1] else { panic!() };
    assert_eq!(carried.len(), 1);
    assert!(check("s = 0; while (s < 3) s = s + 0.5;").unwrap_err()[0].message.contains("changes in the loop"));
    assert!(check("for (i in 1:3) i = 2;").unwrap_err()[0].message.contains("loop variable"));
}

#[test]
fn builtin_arity_and_keywords() {
    assert!(check("X = fill(value=1, numRows=2, numCols=3);").is_ok());
    assert!(check("X = fill(1, 2);").unwrap_err()[0].message.contains("numCols"));
    assert!(check("X = fill(1, 2, 3, 4);").is_err());
    assert!(check("X = fill(1, 2, foo=3);").unwrap_err()[0].message.contains("foo"));
    assert!(check("x = nosuchfn(1);").unwrap_err()[0].message.contains("unknown function"));
}

#[test]
fn script_arguments() {
    let script = daphne_syntax::parse("print($n + 1);").unwrap();
    let args = ScriptArgs::from([("n".to_string(), "41".to_string())]);
    assert!(analyze(&script, &Options { args, ..Default::default() }).is_ok());
    let bad = ScriptArgs::from([("n".to_string(), "10+10".to_string())]);
    assert!(analyze(&script, &Options { args: bad, ..Default::default() }).is_err());
    assert!(analyze(&script, &Options::default()).unwrap_err()[0].message.contains("$n"));
}

//! `daphne-fuzz`: a time-boxed fuzzer for the DaphneDSL frontend.
//!
//! Inputs come from three generators: random bytes, random sequences of DaphneDSL tokens, and
//! mutations (deletions, duplications, splices, token insertions) of the script corpus under
//! `tests/scripts`. Each input goes through `parse` and, when it parses, `analyze`. A panic or
//! an input taking longer than `--slow-ms` is a finding: it is written to `--findings` and the
//! run fails. Run it with `make fuzz` (10 minutes) or `cargo run --release -p daphne-fuzz -- --seconds 30`.

use clap::Parser;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(about = "Fuzz the DaphneDSL lexer, parser and semantic analysis")]
struct Args {
    /// How long to run.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// Seed of the random generator (default: from the clock).
    #[arg(long)]
    seed: Option<u64>,
    /// Directory of `.daphne` files to mutate.
    #[arg(long, default_value = "tests/scripts")]
    corpus: PathBuf,
    /// Where failing inputs are written.
    #[arg(long, default_value = "target/fuzz-findings")]
    findings: PathBuf,
    /// An input slower than this is a finding (a hang).
    #[arg(long, default_value_t = 2000)]
    slow_ms: u64,
}

const TOKENS: &[&str] = &[
    "x", "y", "X", "f", "i", "a.b", "$n", "0", "1", "2.5", "1e3", "7u", "3z", "1'000", "nan", "inf", "nanf", "true",
    "false", "\"s\"", "\"a\\n\"", "+", "-", "*", "/", "^", "%", "@", "==", "!=", "<", "<=", ">", ">=", "&&", "||", "?",
    ":", "=", ",", ";", "(", ")", "[", "]", "[[", "]]", "{", "}", "if", "else", "while", "do", "for", "in", "def",
    "return", "import", "as", ".", "matrix", "f64", "si64", "str", "->", "::", "print", "fill", "seq", "sum", "t",
    "rand", "reshape", "mean", "as.scalar", "as.matrix<f64>", "#c\n", "//c\n", "/*c*/", "\n", " ",
];

fn corpus(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "daphne")
                && let Ok(s) = std::fs::read_to_string(&p)
            {
                out.push(s);
            }
        }
    }
    out
}

fn tokens(rng: &mut fastrand::Rng, n: usize) -> String {
    (0..n).map(|_| TOKENS[rng.usize(..TOKENS.len())]).collect::<Vec<_>>().join(" ")
}

fn mutate(rng: &mut fastrand::Rng, base: &str, other: &str) -> String {
    let mut s: Vec<u8> = base.as_bytes().to_vec();
    for _ in 0..rng.usize(1..6) {
        let at = rng.usize(..=s.len());
        match rng.u8(..5) {
            0 if !s.is_empty() => {
                let end = (at + rng.usize(..20)).min(s.len());
                s.drain(at.min(end)..end);
            }
            1 => {
                let n = rng.usize(1..4);
                let t = tokens(rng, n);
                s.splice(at..at, t.bytes());
            }
            2 if !other.is_empty() => {
                let from = rng.usize(..other.len());
                let to = (from + rng.usize(..200)).min(other.len());
                s.splice(at..at, other.as_bytes()[from..to].iter().copied());
            }
            3 => {
                let depth = rng.usize(1..400);
                let (open, close) = if rng.bool() { ("(", ")") } else { ("{", "}") };
                let nested = format!("{}{}", open.repeat(depth), close.repeat(depth));
                s.splice(at..at, nested.bytes());
            }
            _ => s.insert(at, rng.u8(..)),
        }
    }
    String::from_utf8_lossy(&s).into_owned()
}

fn run_one(input: &str) {
    if let Ok(script) = daphne_syntax::parse(input) {
        let options = daphne_sema::Options { args: [("n".to_string(), "3".to_string())].into(), select_matrix_repr: true, ..Default::default() };
        let _ = daphne_sema::analyze(&script, &options);
    }
}

fn main() {
    let args = Args::parse();
    let seed = args.seed.unwrap_or_else(|| std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64));
    let mut rng = fastrand::Rng::with_seed(seed);
    let corpus = corpus(&args.corpus);
    panic::set_hook(Box::new(|_| {})); // findings are reported below, once each
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let (mut runs, mut findings) = (0u64, 0u64);
    while Instant::now() < deadline {
        let input = match rng.u8(..4) {
            0 => {
                let n = rng.usize(..300);
                (0..n).map(|_| rng.u8(..) as char).collect()
            }
            1 => {
                let n = rng.usize(..120);
                tokens(&mut rng, n)
            }
            _ if !corpus.is_empty() => {
                let base = &corpus[rng.usize(..corpus.len())];
                let other = &corpus[rng.usize(..corpus.len())];
                mutate(&mut rng, base, other)
            }
            _ => tokens(&mut rng, 50),
        };
        let start = Instant::now();
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| run_one(&input)));
        let slow = start.elapsed() > Duration::from_millis(args.slow_ms);
        runs += 1;
        if outcome.is_err() || slow {
            findings += 1;
            let _ = std::fs::create_dir_all(&args.findings);
            let path = args.findings.join(format!("finding-{seed}-{runs}.daphne"));
            let _ = std::fs::write(&path, &input);
            eprintln!("{}: {}", if slow { "slow input" } else { "panic" }, path.display());
        }
    }
    println!("daphne-fuzz: {runs} inputs in {} s (seed {seed}), {findings} finding(s)", args.seconds);
    if findings > 0 {
        std::process::exit(1);
    }
}

# The two commands of the README: `make run` and `make test`. Both set up what is missing first.
CARGO ?= cargo
SCRIPT ?= examples/hello.daphne
STAMP := target/.setup-done

.PHONY: all setup build run test fuzz bench clean

all: build

# Installs the Debian packages the build needs (idempotent; see tools/setup.sh).
setup: $(STAMP)
$(STAMP): tools/setup.sh
	tools/setup.sh
	@mkdir -p target && touch $(STAMP)

# Leaves the CLI at target/release/daphne and the runtime at target/release/libdaphne_rt.a.
build: setup
	$(CARGO) build --release --workspace

run: build
	target/release/daphne $(SCRIPT)

# Unit tests of every crate plus the script tests (JIT and native binary).
test: build
	DAPHNE_BIN=$(CURDIR)/target/release/daphne $(CARGO) test --release --workspace

# Fuzzes the frontend (lexer, parser, semantic analysis) for FUZZ_SECONDS (default 10 minutes).
FUZZ_SECONDS ?= 600
fuzz: setup
	$(CARGO) run --release -p daphne-fuzz -- --seconds $(FUZZ_SECONDS)

# Benchmark suite: DaphneDSL against NumPy and the machine's limits, plus the scheduling study;
# writes benches/report.md and benches/*.svg (about 10-15 minutes on 2 cores). The NumPy side
# comes from `tools/setup.sh --bench`. Options of tools/daphne-bench go in BENCH_ARGS.
BENCH_ARGS ?=
bench: setup
	tools/setup.sh --bench
	$(CARGO) build --release -p daphne -p daphne-runtime -p daphne-bench
	target/release/daphne-bench $(BENCH_ARGS)

clean:
	$(CARGO) clean

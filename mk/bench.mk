# Speed, side by side with Augeas (issue: fast).  Writes
# bench/results/latest.json and prints the table.  The bytecode is written
# again first, as installing does, so that the run measures the package
# as installed, not Python compiling the sources of files edited since.
.PHONY: bench bench-quick bytecode
bench: setup bytecode
	$(VENV_PY) bench/run.py

bench-quick: setup bytecode
	$(VENV_PY) bench/run.py --quick

bytecode: setup
	@$(BYTECODE)

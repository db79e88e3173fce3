# Speed, side by side with Augeas (issue: fast).  Writes
# bench/results/latest.json and prints the table.
.PHONY: bench bench-quick
bench: setup
	$(VENV_PY) bench/run.py

bench-quick: setup
	$(VENV_PY) bench/run.py --quick

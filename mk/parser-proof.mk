# The parser proof: pyconfcheck's virconf parser against libvirt's own
# (libvirt.so.0 through ctypes), see docs/parser-proof.md.
#
#   make test                runs it with a fixed seed on 30,000 generated
#                            files, every input of up to three pieces and
#                            the stock, real and example files
#   make parser-proof-long   runs PROOF_LONG_COUNT generated files with a
#                            fresh seed (or CONFCHECK_PROOF_SEED=N to
#                            replay one) and every input of up to
#                            PROOF_LONG_SHORT_LENGTH pieces; a failure names
#                            the seed and index of every file that disagrees

VENV_PY ?= .venv/bin/python
PROOF_LONG_COUNT ?= 200000
PROOF_LONG_SHORT_LENGTH ?= 4

.PHONY: parser-proof-long

parser-proof-long: setup
	@seed=$${CONFCHECK_PROOF_SEED:-$$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}; \
	echo "parser proof: seed $$seed, $(PROOF_LONG_COUNT) generated files"; \
	CONFCHECK_PROOF_SEED=$$seed CONFCHECK_PROOF_COUNT=$(PROOF_LONG_COUNT) \
	CONFCHECK_PROOF_SHORT_LENGTH=$(PROOF_LONG_SHORT_LENGTH) \
		$(VENV_PY) -m pytest -q -s -p no:cacheprovider \
		tests/test_virconf_differential.py \
		tests/test_virconf_regressions.py

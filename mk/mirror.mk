# The mirror proof: pyconfcheck.mirror (the Lark mirror of our lens)
# against Augeas with lenses/libvirtd_qemu.aug, see docs/mirror.md.
#
#   make test                runs it with a fixed seed on 12,000 generated
#                            files, the lens test's inputs, the examples,
#                            the stock and real files
#   make mirror-proof-long   runs MIRROR_LONG_COUNT generated files with a
#                            fresh seed (or CONFCHECK_MIRROR_SEED=N to
#                            replay one); a failure names the generator call
#                            of every file that disagrees

VENV_PY ?= .venv/bin/python
MIRROR_LONG_COUNT ?= 200000

.PHONY: mirror-proof-long

mirror-proof-long: setup
	@seed=$${CONFCHECK_MIRROR_SEED:-$$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}; \
	echo "mirror proof: seed $$seed, $(MIRROR_LONG_COUNT) generated files"; \
	CONFCHECK_MIRROR_SEED=$$seed CONFCHECK_MIRROR_COUNT=$(MIRROR_LONG_COUNT) \
		$(VENV_PY) -m pytest -q -s -p no:cacheprovider \
		tests/test_mirror_differential.py \
		tests/test_mirror_regressions.py

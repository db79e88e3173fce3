# pyconfcheck — set-up, demo and tests.
#
# `make demo` and `make test` do all set-up on a fresh Debian 12 that has
# only make and git: apt packages (as root), a virtualenv in .venv and the
# package installed into it.  Run as another user with something missing,
# they name the packages and stop.

SHELL := /bin/bash
PYTHON ?= /usr/bin/python3
VENV := .venv
VENV_PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Debian 12 packages: Python and its venv module, a compiler for
# python-augeas, Augeas itself, libvirt's parser and daemon (the oracles),
# QEMU's tools and GnuTLS's tools (the TLS oracles).
APT_PACKAGES := python3 python3-venv python3-dev gcc libc6-dev pkg-config \
	augeas-tools augeas-lenses libaugeas0 libaugeas-dev libxml2-dev \
	libvirt0 libvirt-daemon libvirt-daemon-driver-qemu qemu-utils \
	gnutls-bin acl passwd util-linux ca-certificates
APT_PACKAGES += $(EXTRA_APT_PACKAGES)

# Bytecode for the package and what a check imports, written at install
# time: where PYTHONDONTWRITEBYTECODE is set or the tree is read-only,
# Python would otherwise compile every module on every run, half the time
# of a cold check.  Hash-checked, not timestamped: a git checkout gives
# every file a new mtime, which would make timestamped bytecode stale.
RUNTIME_PACKAGES := click lark augeas cffi pycparser cryptography
BYTECODE = site=$$($(VENV_PY) -c \
	'import sysconfig; print(sysconfig.get_paths()["purelib"])'); \
	$(VENV_PY) -m compileall -q -j 0 --invalidation-mode checked-hash \
	pyconfcheck $(addprefix $$site/,$(RUNTIME_PACKAGES)) >/dev/null

PYTEST := $(VENV_PY) -m pytest
PYTEST_ARGS ?=

.PHONY: all setup deps demo test check pytest-all pytest-fast clean

all: check

# Areas add their own targets (lens-test, parser-proof-long, bench, ...).
-include mk/*.mk

deps:
	@missing=$$(for p in $(APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
		grep -q 'install ok installed' || echo $$p; done); \
	missing=$$(echo $$missing); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
		echo "missing Debian packages: $$missing" >&2; \
		echo "install them as root: apt-get install $$missing" >&2; \
		exit 1; \
	fi; \
	echo "installing: $$missing"; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get install -y --no-install-recommends $$missing || \
	{ apt-get update && \
	  apt-get install -y --no-install-recommends $$missing; }

$(STAMP): pyproject.toml | deps
	test -x $(VENV_PY) || $(PYTHON) -m venv $(VENV)
	$(VENV_PY) -m pip install --quiet --upgrade pip
	$(VENV_PY) -m pip install --quiet -e '.[augeas,x509,test]' \
		$(EXTRA_PIP_PACKAGES)
	$(VENV_PY) -m pyconfcheck.larkcache
	$(BYTECODE)
	touch $@

setup: deps $(STAMP)

demo: setup
	@for tree in examples/hosts/*/; do \
		echo "== confcheck --root $$tree"; \
		$(VENV)/bin/confcheck --root "$$tree" || true; \
		echo; \
	done

# The edit loop: everything but the slow oracles and long proofs.
check: setup
	$(PYTEST) -q -m "not slow" $(PYTEST_ARGS)

pytest-all: setup
	$(PYTEST) -q $(PYTEST_ARGS)

test: setup pytest-all $(TEST_TARGETS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache

# The Augeas lens (lenses/libvirtd_qemu.aug): tests and installation.
#
#   make lens-test      type-checks the lens and runs its tests (augparse),
#                       runs the distribution's own libvirtd_qemu lens test
#                       against our lens where it is installed, and checks
#                       that the generated files match the settings table
#   make lens           regenerates the lens and its test
#   make install-lens   installs into $(DESTDIR)$(LENS_DIR); refuses to
#                       overwrite a file a dpkg package owns unless FORCE=1

VENV_PY ?= .venv/bin/python
AUGPARSE ?= augparse
PREFIX ?= /usr/local
LENS_DIR ?= $(PREFIX)/share/augeas/lenses
STOCK_LENS_TEST ?= /usr/share/augeas/lenses/tests/test_libvirtd_qemu.aug

LENS_FILES = lenses/libvirtd_qemu.aug lenses/tests/test_libvirtd_qemu.aug

# `make test` runs these after pytest.
TEST_TARGETS += lens-test

.PHONY: lens lens-test install-lens

lens:
	$(VENV_PY) -m pyconfcheck.lens.generate

lens-test:
	$(VENV_PY) -m pyconfcheck.lens.generate --check
	$(AUGPARSE) -I lenses lenses/tests/test_libvirtd_qemu.aug
	@if [ -f "$(STOCK_LENS_TEST)" ]; then \
	  echo "$(AUGPARSE) -I lenses $(STOCK_LENS_TEST)"; \
	  $(AUGPARSE) -I lenses "$(STOCK_LENS_TEST)"; \
	else \
	  echo "lens-test: $(STOCK_LENS_TEST) not installed, skipped"; \
	fi

install-lens: $(LENS_FILES)
	@for file in $(LENS_FILES); do \
	  target=$$(realpath -m "$(DESTDIR)$(LENS_DIR)/$${file#lenses/}"); \
	  if [ "$(FORCE)" != 1 ] && [ -e "$$target" ] \
	     && owner=$$(dpkg-query -S "$$target" 2>/dev/null); then \
	    echo "install-lens: $$target belongs to $${owner%%:*};" \
	         "not overwritten (FORCE=1 to overwrite)" >&2; \
	    exit 1; \
	  fi; \
	done
	install -d "$(DESTDIR)$(LENS_DIR)/tests"
	install -m 644 lenses/libvirtd_qemu.aug "$(DESTDIR)$(LENS_DIR)/"
	install -m 644 lenses/tests/test_libvirtd_qemu.aug \
	  "$(DESTDIR)$(LENS_DIR)/tests/"

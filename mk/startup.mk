# Start-up parity with libvirt's QEMU driver (docs/startup.md).
#
# The oracle needs root, private mount/network namespaces and overlayfs;
# its packages (libvirt-daemon, libvirt-daemon-driver-qemu, util-linux)
# are already in APT_PACKAGES.  It runs inside `make test` (pytest -m slow);
# this target runs it alone and prints the agreement figures.

.PHONY: startup-oracle

startup-oracle: setup
	CONFCHECK_ORACLE_SUMMARY=$(CURDIR)/.startup-oracle.txt \
		$(PYTEST) -q tests/test_startup_oracle.py $(PYTEST_ARGS)
	@cat $(CURDIR)/.startup-oracle.txt

"""pyconfcheck: predicts what in libvirt's qemu.conf will break."""

__version__ = "0.1.0"

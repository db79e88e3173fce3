"""Parsers: libvirt's own syntax (virconf) and its typed getters."""

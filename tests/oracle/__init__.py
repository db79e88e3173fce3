"""Reference implementations that pyconfcheck is proven against.

``libvirt_conf`` loads libvirt's own configuration parser (Debian's
``libvirt.so.0``) through ctypes, so tests can ask the real thing what it
makes of a file instead of trusting anybody's notes.
"""

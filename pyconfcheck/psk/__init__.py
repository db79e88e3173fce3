"""TLS-PSK: the key directory and keys.psk as QEMU and GnuTLS read them.

* ``keyfile`` -- pure analysis of the bytes of a keys.psk against both
  readers (QEMU's client lookup, GnuTLS's server lookup).
* ``check`` -- the rules and the check of the main run (directory, file,
  permissions, then the lines).
* ``cli`` -- ``confcheck psk``: check a key file alone, generate,
  fingerprint and compare key files.

No function here returns or prints key material in a message: findings
name identities, line numbers and lengths only.
"""

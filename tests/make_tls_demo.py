"""Write the certificates of the demo host tree ``examples/hosts/tls``.

Run once (``.venv/bin/python tests/make_tls_demo.py``); the output is
committed.  The dates are fixed so the demo does not rot: the good
certificates run from 2025 to 2055, the expired one ended in 2020.  The
keys are demo keys, made for this tree and used nowhere else.

What the tree shows:

* ``/etc/pki/qemu/server-cert.pem`` expired (field case C11: VNC guests
  will not start);
* no ``ca-cert.pem`` but libvirtd's ``cacert.pem`` (field case C13: the
  NBD client and the VNC server both need QEMU's name).
"""

import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import certs  # noqa: E402

UTC = datetime.timezone.utc
GOOD_FROM = datetime.datetime(2025, 1, 1, tzinfo=UTC)
GOOD_UNTIL = datetime.datetime(2055, 1, 1, tzinfo=UTC)
EXPIRED_FROM = datetime.datetime(2019, 1, 1, tzinfo=UTC)
EXPIRED_UNTIL = datetime.datetime(2020, 1, 1, tzinfo=UTC)

HOST = "compute1.example.test"


def main(root: str) -> None:
    directory = os.path.join(root, "etc", "pki", "qemu")
    os.makedirs(directory, exist_ok=True)

    ca = certs.make_ca("Example Cloud CA", not_before=GOOD_FROM,
                       not_after=GOOD_UNTIL)
    server = certs.issue(HOST, certs.SERVER_USAGE, ca, "server", san=[HOST],
                         not_before=EXPIRED_FROM, not_after=EXPIRED_UNTIL)
    client = certs.issue(HOST, certs.CLIENT_USAGE, ca, "client",
                         not_before=GOOD_FROM, not_after=GOOD_UNTIL)

    # libvirtd's name for the CA certificate, where QEMU wants ca-cert.pem
    certs.write(os.path.join(directory, "cacert.pem"), certs.cert_pem(ca.cert))
    certs.write_pair(directory, "server", server)
    certs.write_pair(directory, "client", client)


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    main(os.path.join(here, "..", "examples", "hosts", "tls"))

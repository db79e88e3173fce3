"""confcheck's two reader models against the real QEMU and GnuTLS.

For every variant of tests/psk_variants.py, four real outcomes:

* source load: QEMU 7.2 builds ``tls-creds-psk`` endpoint=client from
  the file (``qemu-img info ... /dev/null``);
* source handshake: that client against a qemu-nbd holding the intended
  key;
* destination handshake: qemu-nbd serving with the file (GnuTLS 3.7.9
  reads it) against a client holding the intended key, once as QEMU
  negotiates it (TLS 1.3) and once over TLS 1.2.

confcheck's prediction for each comes from ``keyfile.client_lookup`` and
``keyfile.server_lookup``, and its findings must agree: an error naming a
side for every side that really fails, and no error for a side that
works (the one exception is the "keys differ between the two forms"
error, which is about a pair of hosts: then one side must really fail).
"""

import concurrent.futures
import time

import pytest

from pyconfcheck.findings import ERROR
from pyconfcheck.psk import keyfile
from tests.oracle import qemu_psk
from tests.psk_variants import variants

MISSING = qemu_psk.missing_tools()
# Real QEMU runs: part of `make test`, left out of the `make check` loop.
pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    bool(MISSING), reason="needs Debian's qemu-utils (missing: "
    + ", ".join(MISSING) + "); `make test` installs it")]

WORKERS = 3


def predict(variant):
    identity = variant.identity.encode("utf-8")
    client = keyfile.client_lookup(variant.data, identity)
    server = keyfile.server_lookup(variant.data, identity)
    # An empty identity loads but no handshake can carry it.
    usable = bool(identity)
    return {
        "source-load": client.works,
        "source-handshake": usable and client.works and
        client.key == variant.key,
        "destination-handshake": usable and server.works and
        server.key == variant.key,
        "destination-handshake-tls12": usable and server.works and
        server.key == variant.key,
    }


def observe(oracle, variant):
    load = oracle.source_load(variant.data, variant.identity)
    source = oracle.source_handshake(variant.data, variant.identity,
                                     variant.key)
    destination = oracle.destination_handshake(
        variant.data, variant.identity, variant.key)
    tls12 = oracle.destination_handshake(
        variant.data, variant.identity, variant.key, tls12=True)
    return {
        "source-load": load.works,
        "source-handshake": source.works,
        "destination-handshake": destination.works,
        "destination-handshake-tls12": tls12.works,
    }, {"source-load": load.message, "source-handshake": source.message,
        "destination-handshake": destination.message,
        "destination-handshake-tls12": tls12.message}


def _run_chunk(chunk):
    results = []
    with qemu_psk.Oracle() as oracle:
        for variant in chunk:
            results.append((variant, *observe(oracle, variant)))
    return results


@pytest.fixture(scope="module")
def outcomes():
    cases = variants()
    chunks = [cases[index::WORKERS] for index in range(WORKERS)]
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
        results = [row for chunk in pool.map(_run_chunk, chunks)
                   for row in chunk]
    elapsed = time.monotonic() - started
    print(f"\noracle: {len(results)} key files, {elapsed:.1f} s")
    return results


def test_enough_variants():
    assert len(variants()) >= 60
    assert len({variant.name for variant in variants()}) == len(variants())


def test_models_agree_with_qemu_and_gnutls(outcomes):
    disagreements = []
    for variant, real, messages in outcomes:
        predicted = predict(variant)
        for check, works in real.items():
            if predicted[check] != works:
                disagreements.append(
                    f"{variant.name}: {check} predicted "
                    f"{'works' if predicted[check] else 'fails'}, QEMU: "
                    f"{'works' if works else 'fails'} ({messages[check]})")
    total = sum(len(real) for _variant, real, _messages in outcomes)
    print(f"oracle agreement: {total - len(disagreements)}/{total} "
          "verdicts")
    assert disagreements == []


def _error_sides(variant):
    findings = keyfile.analyse(variant.data, [variant.identity], "keys.psk")
    sides = set()
    pair_only = True
    for finding in findings:
        if finding.severity != ERROR:
            continue
        if finding.side in ("source", "both"):
            sides.add("source")
        if finding.side in ("destination", "both"):
            sides.add("destination")
        if not (finding.code == "PSK020" and "keys differ" in
                finding.message):
            pair_only = False
    return sides, pair_only and bool(sides)


def test_findings_name_the_side_that_fails():
    """Findings agree with the models the oracle proves, for every variant.

    Whether a side works is judged without the intended key here (confcheck
    cannot know which of two keys an administrator meant); the test above
    covers which key each side really uses.
    """
    wrong = []
    for variant in variants():
        identity = variant.identity.encode("utf-8")
        client = keyfile.client_lookup(variant.data, identity)
        server = keyfile.server_lookup(variant.data, identity)
        failing = set()
        if not (client.works and identity):
            failing.add("source")
        if not (server.works and identity):
            failing.add("destination")
        sides, pair_only = _error_sides(variant)
        if pair_only:
            ok = not failing and client.key != server.key
        else:
            ok = failing == sides
        if not ok:
            wrong.append(f"{variant.name}: errors for {sorted(sides)}, "
                         f"failing {sorted(failing)}")
    assert wrong == []

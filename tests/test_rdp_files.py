"""RDP (libvirt 11 and later): the two files libvirt wants before qemu-rdp."""

from conftest import run_check


def rdp(findings):
    return [(f.line, f.column, f.code, f.severity, f.stage, f.message)
            for f in findings if f.code == "X509024"]


def test_missing_files_in_the_override_directory(debian_host):
    (debian_host / "etc" / "pki" / "libvirt-rdp").mkdir(parents=True)

    findings = run_check('\nrdp_listen = "0.0.0.0"\n', root=str(debian_host))

    assert rdp(findings) == [
        (2, 1, "X509024", "warning", "vm-start",
         "rdp: Missing certificate file '/etc/pki/libvirt-rdp/"
         "server-cert.pem': guests with RDP graphics will not start"),
        (2, 1, "X509024", "warning", "vm-start",
         "rdp: Missing key file '/etc/pki/libvirt-rdp/server-key.pem': "
         "guests with RDP graphics will not start")]


def test_written_directory_with_both_files_is_fine(debian_host):
    rdp_dir = debian_host / "srv" / "rdp"
    rdp_dir.mkdir(parents=True)
    (rdp_dir / "server-cert.pem").write_text("x")
    (rdp_dir / "server-key.pem").write_text("x")

    findings = run_check('rdp_tls_x509_cert_dir = "/srv/rdp"\n',
                         root=str(debian_host))

    assert rdp(findings) == []


def test_points_at_the_directory_line_when_written(debian_host):
    (debian_host / "srv" / "rdp").mkdir(parents=True)

    findings = run_check('rdp_listen = "::"\nrdp_tls_x509_cert_dir = '
                         '"/srv/rdp"\n', root=str(debian_host))

    assert [(line, column) for line, column, *_ in rdp(findings)] == [
        (2, 1), (2, 1)]


def test_not_checked_where_the_release_has_no_rdp(debian_host):
    findings = run_check('rdp_listen = "0.0.0.0"\n', root=str(debian_host),
                         version=(9, 0))

    assert rdp(findings) == []


def test_nothing_without_rdp_settings(debian_host):
    (debian_host / "etc" / "pki" / "libvirt-rdp").mkdir(parents=True)

    assert rdp(run_check('vnc_listen = "::"\n', root=str(debian_host))) == []

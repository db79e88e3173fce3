"""confcheck show: every setting with its effective value and source."""

import json

from click.testing import CliRunner

from conftest import shared_path
from pyconfcheck import settings
from pyconfcheck.show import show_command


def show(args):
    result = CliRunner().invoke(show_command, args)
    assert result.exit_code == 0, result.output
    return {row["setting"]: row for row in json.loads(result.output)[
        "settings"]}


def test_stock_file_lists_every_setting(debian_host):
    path = shared_path("corpus", "libvirt-12.9.0", "qemu.conf")

    rows = show(["--root", str(debian_host), "--format", "json", path])

    assert list(rows) == [s.name for s in settings.SETTINGS]
    # Every example in the stock file is commented out.
    assert [name for name, row in rows.items()
            if row["source"].startswith("line ")] == []
    assert rows["user"] == {"setting": "user", "value": '"libvirt-qemu"',
                            "source": "build default for debian"}
    assert rows["vnc_tls"]["value"] == "0"
    assert rows["chardev_tls_x509_verify"] == {
        "setting": "chardev_tls_x509_verify", "value": "1",
        "source": "default"}


def test_written_inherited_and_override_sources(tmp_path):
    (tmp_path / "etc" / "pki" / "libvirt-migrate").mkdir(parents=True)
    conf = tmp_path / "qemu.conf"
    conf.write_text('default_tls_x509_cert_dir = "/srv/pki"\n'
                    "default_tls_x509_verify = 0\n"
                    'vnc_password = "canary-pw"\n'
                    'default_tls_psk_dir = "/srv/psk"\n')

    rows = show(["--root", str(tmp_path), "--format", "json", str(conf)])

    assert rows["default_tls_x509_cert_dir"]["source"] == "line 1"
    assert rows["vnc_tls_x509_cert_dir"] == {
        "setting": "vnc_tls_x509_cert_dir", "value": '"/srv/pki"',
        "source": "inherited from default_tls_x509_cert_dir, line 1; "
                  "/etc/pki/libvirt-vnc would win, but does not exist"}
    assert rows["migrate_tls_x509_cert_dir"]["value"] == \
        '"/etc/pki/libvirt-migrate"'
    assert "silently" in rows["migrate_tls_x509_cert_dir"]["source"]
    assert rows["chardev_tls_x509_verify"]["value"] == "0"
    assert rows["vnc_password"]["value"] == "(hidden)"
    assert rows["migrate_tls_psk_dir"] == {
        "setting": "migrate_tls_psk_dir", "value": '"/srv/psk"',
        "source": "inherited from default_tls_psk_dir, line 4"}


def test_password_not_in_text_output(tmp_path):
    conf = tmp_path / "qemu.conf"
    conf.write_text('vnc_password = "canary-pw"\nspice_password = 5\n')

    result = CliRunner().invoke(show_command, ["--no-host", str(conf)])

    assert result.exit_code == 0
    assert "canary-pw" not in result.output
    assert "spice_password" in result.output


def test_version_marks_settings_it_does_not_read(tmp_path):
    conf = tmp_path / "qemu.conf"
    conf.write_text('rdp_listen = "0.0.0.0"\n')

    rows = show(["--no-host", "--libvirt-version", "9.0", "--format",
                 "json", str(conf)])

    assert rows["rdp_listen"]["note"] == "not read by this libvirt version"


def test_unset_directories_name_the_override_they_skip(tmp_path):
    (tmp_path / "etc" / "pki" / "libvirt-nbd").mkdir(parents=True)
    conf = tmp_path / "qemu.conf"
    conf.write_text("vnc_tls = 1\n")

    rows = show(["--root", str(tmp_path), "--format", "json",
                 "--libvirt-version", "9.0", str(conf)])

    assert rows["vnc_tls_x509_cert_dir"] == {
        "setting": "vnc_tls_x509_cert_dir", "value": '"/etc/pki/qemu"',
        "source": "inherited from default_tls_x509_cert_dir (default); "
                  "/etc/pki/libvirt-vnc would win, but does not exist"}
    assert rows["nbd_tls_x509_cert_dir"]["value"] == '"/etc/pki/libvirt-nbd"'
    assert rows["nbd_tls_x509_cert_dir"]["source"] == \
        "/etc/pki/libvirt-nbd exists, so libvirt uses it silently"
    assert rows["default_tls_x509_cert_dir"]["source"] == "default"


def test_stock_9_0_file_every_row_has_a_value_and_a_source(debian_host):
    path = shared_path("corpus", "libvirt-9.0.0", "qemu.conf")

    rows = show(["--root", str(debian_host), "--format", "json",
                 "--libvirt-version", "9.0", path])

    assert list(rows) == [s.name for s in settings.SETTINGS]
    assert all(row["value"] for row in rows.values())
    assert {row["source"].split(" ")[0].rstrip(";")
            for row in rows.values()} <= {
        "default", "inherited", "build", "line"}
    assert rows["group"]["source"] == "build default for debian"
    assert rows["vxhs_tls_x509_cert_dir"]["source"].startswith(
        "inherited from default_tls_x509_cert_dir (default); "
        "/etc/pki/libvirt-vxhs would win")
    assert rows["rdp_listen"]["note"] == "not read by this libvirt version"


def test_text_shows_control_characters_and_bad_bytes_as_escapes(tmp_path):
    conf = tmp_path / "qemu.conf"
    conf.write_bytes(b'vnc_listen = "\x1b]0;t\x07x"\n'
                     b'spice_listen = "\xff"\n')

    result = CliRunner().invoke(show_command, ["--no-host", str(conf)])

    lines = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert result.exit_code == 0
    assert lines["vnc_listen"].endswith('"\\x1b]0;t\\x07x"  (line 1)')
    assert lines["spice_listen"].endswith('"\\xff"  (line 2)')
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout


def test_a_file_over_10_mib_says_libvirt_reads_none_of_it(tmp_path):
    conf = tmp_path / "qemu.conf"
    conf.write_bytes(b"vnc_tls = 1\n" + b"#" * (10 * 1024 * 1024) + b"\n")

    result = CliRunner().invoke(show_command, ["--no-host", str(conf)])

    assert result.exit_code == 0
    assert result.stderr == (
        f"{conf}: larger than libvirt's 10 MiB limit: libvirt reads none "
        "of it and the QEMU driver does not start; shown is what its "
        "first 10 MiB say\n")


def test_a_syntax_error_means_libvirt_uses_none_of_the_file(tmp_path):
    conf = tmp_path / "qemu.conf"
    conf.write_text("vnc_tls = 1\nvnc_sasl = yes\nspice_tls = 1\n")

    result = CliRunner().invoke(show_command, ["--no-host", str(conf)])

    assert result.exit_code == 0
    assert result.stderr == (
        f"{conf}:2:12: libvirt fails to read the file here (expecting a "
        "value): it uses none of it and the QEMU driver does not start; "
        "shown is what the file says up to this point\n")
    assert "vnc_tls" in result.stdout


def test_priority_and_psk_fallbacks_follow_what_is_written(tmp_path):
    conf = tmp_path / "qemu.conf"
    conf.write_text('default_tls_psk_dir = "/etc/pki/mypsk"\n'
                    'default_tls_priority = "@SYSTEM"\n'
                    'nbd_tls_priority = "NORMAL"\n')

    rows = show(["--no-host", "--libvirt-version", "12.9", "--format",
                 "json", str(conf)])

    assert rows["migrate_tls_psk_dir"] == {
        "setting": "migrate_tls_psk_dir", "value": '"/etc/pki/mypsk"',
        "source": "inherited from default_tls_psk_dir, line 1",
        "note": "not read by this libvirt version"}
    assert rows["vnc_tls_priority"]["value"] == '"@SYSTEM"'
    assert rows["vnc_tls_priority"]["source"].startswith(
        "inherited from default_tls_priority, line 2; ")
    assert rows["nbd_tls_priority"]["source"] == "line 3"
    assert rows["vnc_tls_x509_secret_uuid"]["value"] == "unset"

"""Field cases C01-C06 and C10 of ../shared/field-cases.md, as written there."""

import pytest

from conftest import run_check

V9 = (9, 0)


def found(findings, severity=None):
    return [(f.line, f.column, f.code, f.severity, f.stage) for f in findings
            if severity is None or f.severity == severity]


def messages(findings, code):
    return [f.message for f in findings if f.code == code]


# C01 The QEMU account is missing.
def test_c01_configured_user_missing(debian_host):
    findings = run_check('user = "vmrunner"\n', root=str(debian_host))

    assert found(findings, "error") == [(1, 8, "STA014", "error", "start")]
    assert messages(findings, "STA014")[0].startswith(
        "Failed to parse user 'vmrunner'")


def test_c01_build_default_missing(debian_host):
    (debian_host / "etc" / "passwd").write_text("root:x:0:0::/root:/bin/sh\n")

    findings = run_check("", root=str(debian_host))

    assert found(findings, "error") == [(0, 0, "HOST003", "error", "start")]
    assert messages(findings, "HOST003")[0].startswith(
        "Failed to parse user 'libvirt-qemu'")


def test_c01_fedora_build_default_is_qemu(debian_host):
    (debian_host / "etc" / "os-release").write_text("ID=fedora\n")

    findings = run_check("", root=str(debian_host))

    assert [m.split(":")[0] for m in messages(findings, "HOST003")] == [
        "Failed to parse user 'qemu'", "Failed to parse group 'qemu'"]


@pytest.mark.parametrize("value", ['"+107"', '"107"'])
def test_c01_numeric_ids_are_fine(debian_host, value):
    findings = run_check(f"user = {value}\n", root=str(debian_host))

    assert found(findings, "error") == []


# C02 A security driver the host cannot enable.
def test_c02_apparmor_not_enabled(debian_host):
    (debian_host / "sys").mkdir()

    findings = run_check('security_driver = "apparmor"\n',
                         root=str(debian_host))

    assert found(findings, "error") == [(1, 19, "STA007", "error", "start")]
    message = messages(findings, "STA007")[0]
    assert message.startswith("Security driver apparmor not enabled")
    assert "Failed to initialize security drivers" in message


def test_c02_misspelt_name(debian_host):
    findings = run_check('security_driver = "apparmour"\n',
                         root=str(debian_host))

    assert messages(findings, "STA007")[0].startswith(
        "Security driver apparmour not found")


def test_c02_duplicate_in_list(debian_host):
    findings = run_check('security_driver = [ "selinux", "selinux" ]\n',
                         root=str(debian_host))

    assert found(findings, "error") == [(1, 1, "STA007", "error", "start")]
    assert messages(findings, "STA007") == [
        "Duplicate security driver selinux; name each driver once"]


# C03 cgroup controllers.
def test_c03_cpu_alone_where_comounted(debian_host):
    (debian_host / "proc").mkdir()
    (debian_host / "proc" / "mounts").write_text(
        "cgroup /sys/fs/cgroup/cpu,cpuacct cgroup rw,nosuid,cpu,cpuacct 0 0\n")

    findings = run_check('cgroup_controllers = [ "cpu" ]\n',
                         root=str(debian_host))

    assert found(findings) == [(1, 1, "STA010", "warning", "vm-start")]


def test_c03_unknown_controller(debian_host):
    findings = run_check('cgroup_controllers = [ "cpu", "io" ]\n',
                         root=str(debian_host))

    assert found(findings, "error") == [(1, 1, "STA009", "error", "start")]
    assert messages(findings, "STA009")[0].startswith(
        "Unknown cgroup controller 'io'")


# C04 Empty lists are valid.
@pytest.mark.parametrize("conf", [
    "cgroup_controllers = [ ]\n", "namespaces = []\n",
    'cgroup_controllers = [\n  "cpu",\n  "cpuacct"\n]\n'])
def test_c04_empty_and_split_lists_are_not_flagged(debian_host, conf):
    findings = run_check(conf, root=str(debian_host))

    assert [f for f in findings if f.severity in ("error", "warning")] == []


# C05 Explicit TLS directory missing.
def test_c05_explicit_directory_missing_even_with_tls_off(debian_host):
    findings = run_check('vnc_tls = 0\n'
                         'vnc_tls_x509_cert_dir = "/etc/pki/libvirt-vnc"\n',
                         root=str(debian_host))

    assert found(findings, "error") == [(2, 25, "STA013", "error", "start")]
    assert messages(findings, "STA013")[0].startswith(
        "vnc_tls_x509_cert_dir directory '/etc/pki/libvirt-vnc' does not "
        "exist")


def test_c05_default_directory_checked_only_when_set(debian_host):
    implicit = run_check("vnc_tls = 1\n", root=str(debian_host))
    explicit = run_check('default_tls_x509_cert_dir = "/etc/pki/qemu"\n',
                         root=str(debian_host))

    assert [f for f in implicit if f.code == "STA013"] == []
    assert found(explicit, "error") == [(1, 29, "STA013", "error", "start")]


# C06 Ports.
@pytest.mark.parametrize("conf, line, column, words", [
    ("migration_port_min = 0\n", 1, 22,
     "migration_port_min: port must be greater than 0"),
    ("migration_port_max = 70000\n", 1, 22,
     "migration_port_max: port must be between the minimal port"),
    ("migration_port_min = 50000\nmigration_port_max = 49999\n", 2, 22,
     "migration_port_max: port must be between the minimal port 50000"),
    ('migration_host = "localhost.example"\n', 1, 18,
     "migration_host must not be the address of the local machine: "
     "localhost.example"),
])
def test_c06_ports_and_local_addresses(conf, line, column, words):
    findings = run_check(conf)

    errors = [f for f in findings if f.severity == "error"]
    assert [(f.line, f.column, f.stage) for f in errors] == [
        (line, column, "start")]
    assert errors[0].message.startswith(words)


# C10 virtlogd.
def test_c10_logd_without_virtlogd(debian_host):
    (debian_host / "usr" / "sbin" / "virtlogd").unlink()

    findings = run_check("", root=str(debian_host))

    assert found(findings) == [(0, 0, "STA018", "warning", "vm-start")]


def test_c10_logd_with_virtlogd(debian_host):
    assert found(run_check('stdio_handler = "logd"\n',
                           root=str(debian_host))) == []


def test_c10_other_value_is_an_error():
    findings = run_check('stdio_handler = "journald"\n')

    assert found(findings, "error") == [(1, 17, "STA003", "error", "start")]

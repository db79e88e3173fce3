"""Unknown names, duplicates, versions, types and ranges (exact places)."""

import pytest

from conftest import codes, run_check


def only(findings, code):
    return [f for f in findings if f.code == code]


def test_unknown_setting_is_a_warning_with_a_suggestion():
    findings = only(run_check("vnc_tsl = 1\n"), "SET001")

    assert [(f.line, f.column, f.severity, f.stage) for f in findings] == [
        (1, 1, "warning", "none")]
    assert findings[0].message == (
        "unknown setting 'vnc_tsl'; libvirt ignores it silently "
        "(did you mean 'vnc_tls'?)")


def test_libvirtd_conf_setting_is_named_as_such():
    findings = only(run_check('\nunix_sock_group = "libvirt"\n'), "SET001")

    assert [(f.line, f.column) for f in findings] == [(2, 1)]
    assert "libvirtd.conf" in findings[0].message


def test_upper_case_name_is_unknown():
    findings = only(run_check("VNC_TLS = 1\n"), "SET001")

    assert findings[0].message.endswith("(did you mean 'vnc_tls'?)")


def test_duplicate_names_the_line_in_effect():
    text = 'group = "qemu"\n' + "#\n" * 300 + 'group = "hugetlbfs"\n'

    findings = only(run_check(text), "SET002")

    assert [(f.line, f.column, f.severity) for f in findings] == [
        (302, 1, "warning")]
    assert findings[0].message == (
        "'group' is set again; libvirt uses line 1 and ignores this one")


def test_type_is_judged_on_the_first_of_duplicates_only():
    findings = run_check("vnc_tls = 1\nvnc_tls = 7\n")

    assert codes(findings, "error") == []


@pytest.mark.parametrize("text, code, message", [
    ('vnc_tls = "1"\n', "TYP001",
     "expected a bool for 'vnc_tls' parameter; write vnc_tls = 1"),
    ("vnc_tls = 2\n", "TYP002",
     "value for 'vnc_tls' parameter must be 0 or 1; write vnc_tls = 0 or "
     "vnc_tls = 1"),
    ("max_processes = -5\n", "TYP001",
     "expected an unsigned integer for 'max_processes' parameter; this "
     "setting takes no negative numbers"),
    ("max_processes = 4294967296\n", "TYP002",
     "value for 'max_processes' parameter must be in range 0:4294967295"),
    ("keepalive_interval = 2147483648\n", "TYP002",
     "value for 'keepalive_interval' parameter must be in range "
     "-2147483648:2147483647"),
    ("vnc_listen = 5\n", "TYP001",
     "expected a string for 'vnc_listen' parameter; put the value in double "
     "quotes: vnc_listen = \"5\""),
    ('cgroup_controllers = "cpu"\n', "TYP001",
     "expected a string list for 'cgroup_controllers' parameter; write a "
     "list: cgroup_controllers = [ \"cpu\" ]"),
    ('max_core = "1024"\n', "TYP001",
     "Unknown core size '1024'; write max_core = \"unlimited\" or a bare "
     "number of bytes"),
])
def test_type_and_range_errors_in_libvirts_words(text, code, message):
    findings = only(run_check(text), code)

    assert [(f.line, f.severity, f.stage) for f in findings] == [
        (1, "error", "start")]
    assert findings[0].message == message
    assert findings[0].column == text.index("=") + 3


@pytest.mark.parametrize("text", [
    "keepalive_interval = -1\n", "seccomp_sandbox = -1\n",
    "vnc_tls = 01\n", "vnc_tls = +1\n",
    'security_driver = [ "selinux", "apparmor" ]\n',
    'hugetlbfs_mount = [ "/dev/hp2M", "/dev/hp1G" ]\n',
    "cgroup_controllers = [ ]\n", "namespaces = []\n",
    "cgroup_controllers = [\n  \"cpu\",\n  \"memory\",\n]\n",
    'max_core = "unlimited"\n', "max_core = 1024\n",
])
def test_values_the_daemon_accepts_give_no_error(text):
    assert codes(run_check(text), "error") == []


def test_setting_newer_than_target_version_is_ignored():
    findings = only(run_check('rdp_listen = "0.0.0.0"\n', version=(9, 0)),
                    "SET003")

    assert [(f.line, f.column, f.severity) for f in findings] == [
        (1, 1, "warning")]
    assert findings[0].message == (
        "'rdp_listen' is ignored by libvirt 9.0; it is read from libvirt "
        "11.3")


def test_psk_setting_with_released_version_is_unknown_to_it():
    findings = only(run_check('default_tls_psk_dir = "/x"\n',
                              version=(12, 9)), "SET003")

    assert findings[0].message.startswith(
        "'default_tls_psk_dir' is ignored by libvirt 12.9: it comes from "
        "the TLS-PSK proposal")


def test_psk_setting_under_default_target_says_it_is_a_proposal():
    findings = only(run_check('migrate_tls_psk_dir = "/x"\n'), "SET005")

    assert [(f.line, f.column, f.severity) for f in findings] == [
        (1, 1, "info")]
    assert "no libvirt release has" in findings[0].message


def test_obsolete_setting_is_noted():
    findings = only(run_check("clear_emulator_capabilities = 5\n"), "SET004")

    assert [(f.line, f.severity) for f in findings] == [(1, "info")]


def test_password_never_in_output():
    findings = run_check('vnc_password = 12345678901\n'
                         'vnc_password = "hunter2-canary-xyz"\n')

    assert all("hunter2" not in f.message and "12345678901" not in f.message
               for f in findings)
    type_findings = only(findings, "TYP001")
    assert type_findings and not type_findings[0].show_source

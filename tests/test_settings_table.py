"""The one table of settings agrees with the facts it was built from."""

from pyconfcheck import settings


def test_table_has_118_released_settings_and_two_proposed():
    released = [s for s in settings.SETTINGS if not s.proposed]
    proposed = [s.name for s in settings.SETTINGS if s.proposed]

    assert len(released) == 118
    assert proposed == ["default_tls_psk_dir", "migrate_tls_psk_dir"]


def test_names_are_unique():
    names = [s.name for s in settings.SETTINGS]

    assert len(names) == len(set(names))


def test_libvirt_9_0_knows_93_settings():
    known = [s.name for s in settings.SETTINGS if s.known_in((9, 0))]

    assert len(known) == 93
    assert "rdp_listen" not in known
    assert "default_tls_psk_dir" not in known


def test_settings_in_stock_9_0_file_are_known_to_9_0():
    import re

    from conftest import shared_path

    path = shared_path("corpus", "libvirt-9.0.0", "qemu.conf")
    names = set(re.findall(r"^#(\w+)\s*=", open(path).read(), re.M))

    unknown = sorted(n for n in names
                     if not (settings.lookup(n) and
                             settings.lookup(n).known_in((9, 0))))
    assert unknown == []


def test_every_setting_in_stock_12_9_file_is_in_the_table():
    import re

    from conftest import shared_path

    path = shared_path("corpus", "libvirt-12.9.0", "qemu.conf")
    names = set(re.findall(r"^#(\w+)\s*=", open(path).read(), re.M))

    assert len(names) == 116
    assert sorted(n for n in names if settings.lookup(n) is None) == []


def test_kinds_follow_libvirts_getters():
    kinds = {name: settings.BY_NAME[name].kind for name in (
        "vnc_tls", "keepalive_interval", "seccomp_sandbox", "max_processes",
        "security_driver", "hugetlbfs_mount", "cgroup_controllers",
        "max_core", "auto_dump_max_size", "clear_emulator_capabilities")}

    assert kinds == {
        "vnc_tls": "bool", "keepalive_interval": "int",
        "seccomp_sandbox": "int", "max_processes": "uint",
        "security_driver": "string_or_list",
        "hugetlbfs_mount": "string_or_list", "cgroup_controllers": "list",
        "max_core": "max_core", "auto_dump_max_size": "size",
        "clear_emulator_capabilities": "unread"}


def test_passwords_are_marked_secret():
    secret = sorted(s.name for s in settings.SETTINGS if s.secret)

    assert secret == ["rdp_password", "spice_password", "vnc_password"]


def test_vxhs_is_read_until_11_3_only():
    vxhs = settings.BY_NAME["vxhs_tls_x509_cert_dir"]

    assert vxhs.read_in((9, 0)) and vxhs.read_in((11, 3))
    assert not vxhs.read_in((12, 9)) and not vxhs.read_in(None)


def test_every_rule_family_maps_to_the_module_that_defines_it():
    import importlib

    from pyconfcheck import rules

    for code, rule in rules.registry().items():
        module = importlib.import_module(rules.family_module(code))
        assert rule in module.RULES, code
    assert set(rules.FAMILY_MODULES.values()) == set(rules.RULE_MODULES)

"""libvirt's own qemu.conf parser, called through ctypes.

The daemon reads qemu.conf with ``virConfReadFile(path, 0)`` and then
pulls every setting out with a typed getter (``virConfGetValueBool``,
``...UInt``, ``...Int``, ``...String``, ``...StringList``, ``...ULLong``).
This module does the same with the ``libvirt.so.0`` installed on the
machine (Debian 12 ships 9.0.0) so that tests can compare pyconfcheck's
parser with the real one, input by input.

Files are written to a private temporary directory and read back with
``virConfReadFile``: that is what the daemon calls, and unlike
``virConfReadString`` it does not stop at the first NUL byte.

The entries are enumerated with ``virConfWalk``.  Its callback receives
libvirt's private ``virConfValue`` struct; the layout used below was
checked against the 9.0.0 library (a number and a string do not share a
slot, so a wrong layout shows at once) and ``LibvirtConf.__init__`` checks
it again on a known input before anything relies on it.
"""

import atexit
import ctypes
import os
import re
import shutil
import tempfile
from typing import Dict, Iterable, NamedTuple, Optional, Tuple, Union

#: virConfType values (virconf.h), as libvirt's own names for them.
_CONF_NONE, _CONF_LLONG, _CONF_ULLONG, _CONF_STRING, _CONF_LIST = range(5)

#: pyconfcheck's names for the value types (docs/ARCHITECTURE.md).
_TYPE_NAMES = {
    _CONF_LLONG: "signed",
    _CONF_ULLONG: "unsigned",
    _CONF_STRING: "string",
    _CONF_LIST: "list",
}

#: Getter kinds: the settings table's kinds that the 9.0.0 library can
#: answer, plus the two raw 64-bit getters.
GETTER_KINDS = (
    "bool", "uint", "int", "string", "list", "string_or_list", "max_core",
    "ullong", "llong",
)

#: A value as the oracle reports it: ("string", "text"),
#: ("unsigned", 5), ("signed", -1) or ("list", (value, ...)).
PlainValue = Tuple[str, Union[str, int, tuple]]


class OracleUnavailable(Exception):
    """libvirt.so.0 is missing or not usable on this machine."""


class ReadError(NamedTuple):
    """Why ``virConfReadFile`` refused the file."""

    #: libvirt's words after ``<file>:<line>: ``, e.g. "expecting a name"
    message: str
    #: the line in libvirt's message, None when the message has none
    line: Optional[int]
    #: the part before the file name, e.g. "configuration file syntax error"
    category: str


class GetterVerdict(NamedTuple):
    """What one typed getter said about one setting."""

    #: libvirt's return code: 1 found, 0 absent, -1 refused
    status: int
    #: bool, int, str or tuple of str when status is 1, else None
    value: object
    #: the error text without the "<category>: <file>: " prefix
    message: Optional[str]
    #: e.g. "internal error" or "configuration file syntax error"
    category: Optional[str]


class ReadResult(NamedTuple):
    error: Optional[ReadError]
    #: (name, PlainValue) in file order, duplicates included
    entries: Tuple[Tuple[str, PlainValue], ...]
    #: {(name, getter kind): GetterVerdict}
    getters: Dict[Tuple[str, str], GetterVerdict]

    @property
    def accepted(self) -> bool:
        return self.error is None


class _ConfValue(ctypes.Structure):
    pass


class _Number(ctypes.Union):
    _fields_ = [("l", ctypes.c_longlong), ("ul", ctypes.c_ulonglong)]


_ConfValue._fields_ = [
    ("type", ctypes.c_int),
    ("next", ctypes.POINTER(_ConfValue)),
    ("number", _Number),
    ("str", ctypes.c_char_p),
    ("list", ctypes.POINTER(_ConfValue)),
]

_WalkCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.c_char_p, ctypes.POINTER(_ConfValue), ctypes.c_void_p)
_ErrorFunc = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)


def _decode(raw: bytes) -> str:
    # pyconfcheck keeps undecodable bytes as surrogates; so does the oracle.
    return raw.decode("utf-8", "surrogateescape")


def _scalar(value) -> PlainValue:
    kind = _TYPE_NAMES.get(value.type)
    if kind == "signed":
        return (kind, value.number.l)
    if kind == "unsigned":
        return (kind, value.number.ul)
    if kind == "string":
        return (kind, _decode(value.str or b""))
    raise AssertionError("virConfValue of unknown type %d" % value.type)


def _plain(pointer) -> PlainValue:
    """A ``virConfValue`` as plain data.

    Lists are followed with a stack of their own: libvirt accepts lists
    nested thousands deep, more than Python's recursion limit.
    """
    top = pointer.contents
    if top.type != _CONF_LIST:
        return _scalar(top)

    found: list = []
    # One frame per open list: [next element, its items, parent's items].
    stack = [[top.list, [], found]]
    while stack:
        frame = stack[-1]
        element, items, parent_items = frame
        if not element:
            stack.pop()
            parent_items.append(("list", tuple(items)))
            continue
        value = element.contents
        frame[0] = value.next
        if value.type == _CONF_LIST:
            stack.append([value.list, [], items])
        else:
            items.append(_scalar(value))
    return found[0]


class LibvirtConf:
    """One loaded ``libvirt.so.0``; cheap to call many times."""

    def __init__(self, library: str = "libvirt.so.0"):
        try:
            self._lib = ctypes.CDLL(library)
            self._glib = ctypes.CDLL("libglib-2.0.so.0")
        except OSError as error:
            raise OracleUnavailable("cannot load %s: %s" % (library, error))
        self._declare()
        if self._lib.virInitialize() < 0:
            raise OracleUnavailable("virInitialize failed")

        # Without a handler libvirt prints every error to stderr.
        self._silence = _ErrorFunc(lambda user_data, error: None)
        self._lib.virSetErrorFunc(None, self._silence)

        self.version = self._library_version()
        # Each input is written to a file first; on a memory file system
        # that costs microseconds instead of a disk's milliseconds.
        memory = "/dev/shm"
        self._directory = tempfile.mkdtemp(
            prefix="confcheck-oracle-",
            dir=memory if os.access(memory, os.W_OK) else None)
        self.path = os.path.join(self._directory, "qemu.conf")
        self._error_pattern = re.compile(
            r"(?P<category>[^:]*): %s(?::(?P<line>\d+))?: (?P<message>.*)\Z"
            % re.escape(self.path), re.S)
        self._check_layout()

    def close(self) -> None:
        shutil.rmtree(self._directory, ignore_errors=True)

    def _declare(self) -> None:
        lib = self._lib
        conf, name = ctypes.c_void_p, ctypes.c_char_p
        lib.virConfReadFile.restype = conf
        lib.virConfReadFile.argtypes = [ctypes.c_char_p, ctypes.c_uint]
        lib.virConfFree.argtypes = [conf]
        lib.virConfWalk.argtypes = [conf, _WalkCallback, ctypes.c_void_p]
        lib.virConfGetValueType.argtypes = [conf, name]
        lib.virGetLastErrorMessage.restype = ctypes.c_char_p
        lib.virSetErrorFunc.argtypes = [ctypes.c_void_p, _ErrorFunc]
        out_pointer = ctypes.POINTER(ctypes.c_void_p)
        lib.virConfGetValueString.argtypes = [conf, name, out_pointer]
        lib.virConfGetValueStringList.argtypes = [
            conf, name, ctypes.c_bool, out_pointer]
        for getter, c_type in (
                ("virConfGetValueBool", ctypes.c_bool),
                ("virConfGetValueInt", ctypes.c_int),
                ("virConfGetValueUInt", ctypes.c_uint),
                ("virConfGetValueLLong", ctypes.c_longlong),
                ("virConfGetValueULLong", ctypes.c_ulonglong)):
            getattr(lib, getter).argtypes = [
                conf, name, ctypes.POINTER(c_type)]
        self._glib.g_free.argtypes = [ctypes.c_void_p]
        self._glib.g_strfreev.argtypes = [ctypes.c_void_p]

    def _library_version(self) -> Tuple[int, int, int]:
        number = ctypes.c_ulong()
        if self._lib.virGetVersion(ctypes.byref(number), None, None) < 0:
            raise OracleUnavailable("virGetVersion failed")
        major, rest = divmod(number.value, 1000000)
        return (major, rest // 1000, rest % 1000)

    def _check_layout(self) -> None:
        probe = b"n = 7\ns = 'x'\nl = [ -2 ]\n"
        expected = (
            ("n", ("unsigned", 7)),
            ("s", ("string", "x")),
            ("l", ("list", (("signed", -2),))),
        )
        result = self.read(probe, kinds=())
        if result.entries != expected:
            raise OracleUnavailable(
                "virConfValue layout of libvirt %s is not the one this "
                "oracle knows: read %r" % (".".join(map(str, self.version)),
                                           result.entries))

    # -- reading -----------------------------------------------------------

    def read(self, data: bytes, kinds: Iterable[str] = GETTER_KINDS,
             names: Iterable[str] = ()) -> ReadResult:
        """Read ``data`` as qemu.conf and run the getters of ``kinds``.

        The getters run for every name in the file and for ``names``
        (which lets a test see the "absent" verdict too).
        """
        with open(self.path, "wb") as handle:
            handle.write(data)

        self._lib.virResetLastError()
        conf = self._lib.virConfReadFile(self.path.encode(), 0)
        if not conf:
            return ReadResult(self._read_error(), (), {})

        try:
            entries = self._walk(conf)
            kinds = tuple(kinds)
            wanted = dict.fromkeys([name for name, _ in entries])
            wanted.update(dict.fromkeys(names))
            getters = {
                (name, kind): self._get(conf, name, kind)
                for name in wanted for kind in kinds
            }
        finally:
            self._lib.virConfFree(conf)
        return ReadResult(None, entries, getters)

    def _read_error(self) -> ReadError:
        text = _decode(self._lib.virGetLastErrorMessage() or b"")
        match = self._error_pattern.match(text)
        if not match:
            # Not a syntax error (e.g. the 10 MiB cap): keep the words,
            # without the temporary path that changes from run to run.
            return ReadError(text.replace(self.path, "<file>"), None, "")
        line = match.group("line")
        return ReadError(match.group("message"),
                         int(line) if line else None,
                         match.group("category"))

    def _walk(self, conf) -> Tuple[Tuple[str, PlainValue], ...]:
        entries = []

        failures = []

        def visit(name, value, opaque):
            # An exception must not die inside the C callback unseen.
            try:
                entries.append((_decode(name), _plain(value)))
            except Exception as error:
                failures.append(error)
                return -1
            return 0

        callback = _WalkCallback(visit)
        status = self._lib.virConfWalk(conf, callback, None)
        if failures:
            raise failures[0]
        if status < 0:
            raise AssertionError("virConfWalk failed")
        return tuple(entries)

    # -- typed getters -----------------------------------------------------

    def _get(self, conf, name: str, kind: str) -> GetterVerdict:
        encoded = name.encode("utf-8", "surrogateescape")
        self._lib.virResetLastError()

        if kind == "max_core":
            # The QEMU driver reads max_core as a string when it is one
            # ("unlimited"), otherwise as an unsigned long long.
            value_type = self._lib.virConfGetValueType(conf, encoded)
            kind = "string" if value_type == _CONF_STRING else "ullong"

        if kind == "string":
            return self._get_string(conf, encoded)
        if kind in ("list", "string_or_list"):
            return self._get_list(conf, encoded, kind == "string_or_list")
        getter, c_type = {
            "bool": ("virConfGetValueBool", ctypes.c_bool),
            "int": ("virConfGetValueInt", ctypes.c_int),
            "uint": ("virConfGetValueUInt", ctypes.c_uint),
            "llong": ("virConfGetValueLLong", ctypes.c_longlong),
            "ullong": ("virConfGetValueULLong", ctypes.c_ulonglong),
        }[kind]
        out = c_type()
        status = getattr(self._lib, getter)(conf, encoded, ctypes.byref(out))
        return self._verdict(status, out.value)

    def _get_string(self, conf, encoded: bytes) -> GetterVerdict:
        out = ctypes.c_void_p()
        status = self._lib.virConfGetValueString(
            conf, encoded, ctypes.byref(out))
        value = None
        if out.value:
            value = _decode(ctypes.string_at(out.value))
            self._glib.g_free(out.value)
        return self._verdict(status, value)

    def _get_list(self, conf, encoded: bytes, compat: bool) -> GetterVerdict:
        out = ctypes.c_void_p()
        status = self._lib.virConfGetValueStringList(
            conf, encoded, compat, ctypes.byref(out))
        value = None
        if out.value:
            strings = ctypes.cast(out.value, ctypes.POINTER(ctypes.c_char_p))
            items = []
            while strings[len(items)] is not None:
                items.append(_decode(strings[len(items)]))
            value = tuple(items)
            self._glib.g_strfreev(out.value)
        return self._verdict(status, value)

    def _verdict(self, status: int, value) -> GetterVerdict:
        if status < 0:
            error = self._read_error()
            return GetterVerdict(status, None, error.message, error.category)
        return GetterVerdict(status, value if status > 0 else None,
                             None, None)


_LOADED: Optional[LibvirtConf] = None


def load() -> LibvirtConf:
    """The process-wide oracle; raises OracleUnavailable with the reason."""
    global _LOADED
    if _LOADED is None:
        _LOADED = LibvirtConf()
        atexit.register(_LOADED.close)
    return _LOADED

"""Parse and edit qemu.conf with an Augeas lens through python-augeas.

Augeas is started with no module autoloading and no standard include
directories, so exactly the lens directories given are searched: ours
(``lenses/``) by default, or the ones Augeas on a checked host would use
(:func:`host_lens_dirs`).  The file is copied into a private scratch root
as ``/etc/libvirt/qemu.conf``, so any bytes can be parsed and the checked
file is never touched.

``import augeas`` happens inside the functions: without python-augeas
the module still imports, :func:`available` is False and the parsing
functions raise :class:`AugeasMissing`.
"""

import os
import tempfile
from dataclasses import dataclass
from typing import Iterable, Optional, Sequence, Tuple

from . import LENS_DIR, MODULE

#: where the file sits inside the scratch root (the lens's filter)
CONF_PATH = "/etc/libvirt/qemu.conf"
FILE_NODE = "/files" + CONF_PATH

#: Augeas's own search order for lenses below a root (a module in the
#: first directory wins)
HOST_LENS_SUBDIRS = ("usr/share/augeas/lenses", "usr/share/augeas/lenses/dist")

_LOAD_NODE = "/augeas/load/Pyconfcheck"


class AugeasMissing(RuntimeError):
    """python-augeas is not installed."""


class LensSaveError(RuntimeError):
    """Augeas could not write the tree back (``put`` failed)."""


@dataclass(frozen=True)
class Node:
    label: str
    value: Optional[str]
    children: Tuple["Node", ...] = ()


@dataclass(frozen=True)
class LensError:
    """Where and why the lens stopped reading the file."""

    message: str
    #: 1-based; 0 when Augeas gave no position
    line: int
    #: 1-based (Augeas's ``char`` is 0-based)
    column: int
    #: the lens that failed, as Augeas names it ("file:line.col-.col:")
    lens: str = ""


@dataclass(frozen=True)
class LensResult:
    #: the .aug file the module was loaded from, None if there was none
    lens_file: Optional[str]
    tree: Tuple[Node, ...] = ()
    error: Optional[LensError] = None
    #: the lens itself could not be loaded (syntax or type error, no module)
    load_error: Optional[str] = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.load_error is None


def available() -> bool:
    """True when python-augeas can be imported."""
    try:
        import augeas  # noqa: F401
    except ImportError:
        return False
    return True


def project_lens_dirs() -> Tuple[str, ...]:
    return (str(LENS_DIR),)


def host_lens_dirs(root: str = "/") -> Tuple[str, ...]:
    """The lens directories Augeas on the host at ``root`` searches."""
    dirs = (os.path.join(root, sub) for sub in HOST_LENS_SUBDIRS)
    return tuple(d for d in dirs if os.path.isdir(d))


def module_file(lens_dirs: Sequence[str], module: str = MODULE
                ) -> Optional[str]:
    """The file Augeas loads ``module`` from, searching ``lens_dirs``."""
    name = module.lower() + ".aug"
    for directory in lens_dirs:
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            return path
    return None


def _open(root: str, lens_dirs: Sequence[str], module: str):
    try:
        import augeas
    except ImportError as exc:
        raise AugeasMissing("python-augeas is not installed") from exc
    flags = augeas.Augeas.NO_MODL_AUTOLOAD | augeas.Augeas.NO_STDINC
    aug = augeas.Augeas(root=root, loadpath=":".join(lens_dirs),
                        flags=flags)
    aug.set(_LOAD_NODE + "/lens", module + ".lns")
    aug.set(_LOAD_NODE + "/incl", CONF_PATH)
    try:
        aug.load()
    except Exception as exc:  # python-augeas raises its own classes
        return aug, str(exc)
    error = aug.get(_LOAD_NODE + "/error")
    if error:
        return aug, error
    return aug, None


def _get(aug, path: str) -> Optional[str]:
    """A node's value; bytes that are not UTF-8 come back as surrogate
    escapes, the way pyconfcheck's parser gives them."""
    try:
        value = aug.get(path)
    except UnicodeDecodeError:
        value = _get_latin1(aug, path)
        return value.encode("latin-1").decode("utf-8", "surrogateescape")
    # python-augeas gives b"" for an empty value
    return "" if value == b"" else value


def _get_latin1(aug, path: str) -> str:
    import augeas

    encoding = augeas.AUGENC
    augeas.AUGENC = "latin-1"
    try:
        return aug.get(path)
    finally:
        augeas.AUGENC = encoding


def _tree(aug, path: str) -> Tuple[Node, ...]:
    nodes = []
    for child in aug.match(path + "/*"):
        nodes.append(Node(aug.label(child), _get(aug, child),
                          _tree(aug, child)))
    return tuple(nodes)


def _error(aug) -> Optional[LensError]:
    base = "/augeas" + FILE_NODE + "/error"
    if not aug.match(base):
        return None

    def number(name: str) -> Optional[int]:
        text = aug.get(f"{base}/{name}")
        return int(text) if text and text.isdigit() else None

    line = number("line")
    char = number("char")
    message = aug.get(base + "/message") or aug.get(base) or "parse failed"
    return LensError(message=message, line=line or 0,
                     column=(char + 1) if char is not None else 0,
                     lens=aug.get(base + "/lens") or "")


def _scratch(data: bytes) -> tempfile.TemporaryDirectory:
    scratch = tempfile.TemporaryDirectory(prefix="pyconfcheck-lens-")
    conf = os.path.join(scratch.name, CONF_PATH.lstrip("/"))
    os.makedirs(os.path.dirname(conf))
    with open(conf, "wb") as handle:
        handle.write(data)
    return scratch


def parse_bytes(data: bytes, lens_dirs: Optional[Sequence[str]] = None,
                module: str = MODULE, tree: bool = True) -> LensResult:
    """Read ``data`` as qemu.conf with ``module`` from ``lens_dirs``.

    ``lens_dirs`` defaults to the project's ``lenses/``.  With ``tree``
    False the result holds no tree: walking it node by node through
    python-augeas costs more than Augeas's own load on a large file.
    """
    lens_dirs = tuple(lens_dirs or project_lens_dirs())
    lens_file = module_file(lens_dirs, module)
    if lens_file is None:
        return LensResult(None, load_error=f"no module {module} in "
                          + ":".join(lens_dirs))
    with _scratch(data) as root:
        aug, load_error = _open(root, lens_dirs, module)
        try:
            if load_error:
                return LensResult(lens_file, load_error=load_error)
            error = _error(aug)
            nodes = () if error or not tree else _tree(aug, FILE_NODE)
            return LensResult(lens_file, nodes, error)
        finally:
            aug.close()


def parse_file(path: str, lens_dirs: Optional[Sequence[str]] = None,
               module: str = MODULE) -> LensResult:
    """Like :func:`parse_bytes` for the file at ``path``."""
    with open(path, "rb") as handle:
        return parse_bytes(handle.read(), lens_dirs, module)


def edit_bytes(data: bytes, operations: Iterable[tuple],
               lens_dirs: Optional[Sequence[str]] = None,
               module: str = MODULE) -> bytes:
    """Apply Augeas edits to ``data`` and return the file Augeas writes.

    Each operation is ``("set", path, value)``, ``("rm", path)`` or
    ``("ins", label, path, before)``, with ``path`` relative to the file
    (``"vnc_tls"``, ``"cgroup_device_acl/2"``).  Raises ValueError when
    the lens cannot read ``data`` and LensSaveError when it cannot write
    the edited tree.
    """
    lens_dirs = tuple(lens_dirs or project_lens_dirs())
    with _scratch(data) as root:
        aug, load_error = _open(root, lens_dirs, module)
        try:
            if load_error:
                raise ValueError(load_error)
            error = _error(aug)
            if error:
                raise ValueError(f"{error.line}:{error.column}: "
                                 f"{error.message}")
            for operation in operations:
                _apply(aug, operation)
            try:
                aug.save()
            except Exception as exc:
                raise LensSaveError(_save_error(aug) or str(exc)) from exc
            with open(os.path.join(root, CONF_PATH.lstrip("/")),
                      "rb") as handle:
                return handle.read()
        finally:
            aug.close()


def _apply(aug, operation: tuple) -> None:
    kind = operation[0]
    if kind == "set":
        aug.set(f"{FILE_NODE}/{operation[1]}", operation[2])
    elif kind == "rm":
        aug.remove(f"{FILE_NODE}/{operation[1]}")
    elif kind == "ins":
        aug.insert(f"{FILE_NODE}/{operation[2]}", operation[1],
                   before=operation[3])
    else:
        raise ValueError(f"unknown edit {kind!r}")


def _save_error(aug) -> Optional[str]:
    base = "/augeas" + FILE_NODE + "/error"
    if not aug.match(base):
        return None
    message = (aug.get(base + "/message") or "").split("\n")[0]
    return f"{aug.get(base)}: {message}" if message else aug.get(base)

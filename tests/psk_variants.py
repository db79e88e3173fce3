"""Key files covering every quirk of facts/psk.md section 2.2.

Each variant is a keys.psk, the identity a migration source sends, and
the key the administrator meant that identity to have.  The oracle asks
the real QEMU and GnuTLS whether each side of a migration works with it;
confcheck must predict the same.  All keys are obviously fake.
"""

from dataclasses import dataclass
from typing import List

#: the intended key: 32 bytes, psktool's default size
KEY = bytes(range(0x10, 0x30))
#: a different key of the same size
OTHER = bytes(range(0xa0, 0xc0))
KEY_HEX = KEY.hex().encode()
OTHER_HEX = OTHER.hex().encode()


@dataclass(frozen=True)
class Variant:
    name: str
    data: bytes
    identity: str = "qemu"
    key: bytes = KEY


def _hex(size: int, seed: int = 0x41) -> bytes:
    return bytes((seed + index) % 256 for index in range(size))


def variants() -> List[Variant]:
    k, o = KEY_HEX, OTHER_HEX
    line = b"qemu:" + k
    cases = [
        # Line ends.
        Variant("plain", line + b"\n"),
        Variant("no-final-newline", line),
        Variant("crlf-on-entry", line + b"\r\n"),
        Variant("crlf-on-other-lines", b"backup:" + o + b"\r\n" + line +
                b"\n" + b"x:" + o + b"\r\n"),
        Variant("crlf-other-entry-last-no-newline",
                b"backup:" + o + b"\r\n" + line),
        Variant("crlf-whole-file", b"backup:" + o + b"\r\n" + line +
                b"\r\n"),
        Variant("cr-only-entry-first", line + b"\rbackup:" + o + b"\r"),
        Variant("cr-only-entry-second", b"backup:" + o + b"\r" + line +
                b"\r"),
        Variant("cr-at-eof", line + b"\r"),
        # Whitespace.
        Variant("trailing-space-lf", line + b" \n"),
        Variant("trailing-space-eof", line + b" "),
        Variant("two-trailing-spaces-eof", line + b"  "),
        Variant("trailing-space-then-other-line",
                line + b" \nbackup:" + o + b"\n"),
        Variant("trailing-tab-lf", line + b"\t\n"),
        Variant("trailing-tab-eof", line + b"\t"),
        Variant("leading-space", b" " + line + b"\n"),
        Variant("leading-tab", b"\t" + line + b"\n"),
        Variant("space-before-colon", b"qemu :" + k + b"\n"),
        Variant("space-after-colon", b"qemu: " + k + b"\n"),
        Variant("tab-after-colon", b"qemu:\t" + k + b"\n"),
        Variant("space-inside-key", b"qemu:" + k[:32] + b" " + k[32:] +
                b"\n"),
        Variant("trailing-comment", line + b" # main key\n"),
        # Hex digits.
        Variant("upper-case-hex", b"qemu:" + k.upper() + b"\n"),
        Variant("mixed-case-hex", b"qemu:" + k[:20].upper() + k[20:] +
                b"\n"),
        Variant("odd-one-extra", line + b"a\n"),
        Variant("odd-one-short", line[:-1] + b"\n"),
        Variant("non-hex-letter", b"qemu:" + k[:10] + b"g" + k[11:] +
                b"\n"),
        Variant("0x-prefix", b"qemu:0x" + k + b"\n"),
        Variant("0X-prefix", b"qemu:0X" + k + b"\n"),
        Variant("colon-separated-bytes", b"qemu:" + b":".join(
            k[i:i + 2] for i in range(0, len(k), 2)) + b"\n"),
        Variant("extra-field", line + b":extra\n"),
        Variant("quoted-key", b'qemu:"' + k + b'"\n'),
        Variant("base64-looking-key", b"qemu:EBESExQVFhcYGRobHB0eHyA=\n"),
        # Key sizes.
        Variant("empty-key", b"qemu:\n", key=b""),
        Variant("empty-key-eof", b"qemu:", key=b""),
        Variant("one-byte", b"qemu:" + _hex(1).hex().encode() + b"\n",
                key=_hex(1)),
        Variant("two-bytes", b"qemu:" + _hex(2).hex().encode() + b"\n",
                key=_hex(2)),
        Variant("three-bytes", b"qemu:" + _hex(3).hex().encode() + b"\n",
                key=_hex(3)),
        Variant("four-bytes", b"qemu:" + _hex(4).hex().encode() + b"\n",
                key=_hex(4)),
        Variant("eight-bytes", b"qemu:" + _hex(8).hex().encode() + b"\n",
                key=_hex(8)),
        Variant("fifteen-bytes", b"qemu:" + _hex(15).hex().encode() +
                b"\n", key=_hex(15)),
        Variant("sixty-four-bytes", b"qemu:" + _hex(64).hex().encode() +
                b"\n", key=_hex(64)),
        Variant("512-bytes", b"qemu:" + _hex(512).hex().encode() + b"\n",
                key=_hex(512)),
        Variant("4096-bytes", b"qemu:" + _hex(4096).hex().encode() +
                b"\n", key=_hex(4096)),
        # Byte order marks and encodings.
        Variant("bom-on-entry", b"\xef\xbb\xbf" + line + b"\n"),
        Variant("bom-then-comment", b"\xef\xbb\xbf# keys\n" + line +
                b"\n"),
        Variant("utf-16le", ("\ufeff" + line.decode() + "\n").encode(
            "utf-16-le")),
        # Comments and junk.
        Variant("hash-comment-before", b"# migration keys\n" + line +
                b"\n"),
        Variant("hash-comment-with-colon-before",
                b"# note: rotate yearly\n" + line + b"\n"),
        Variant("semicolon-comment-blank-lines",
                b"; keys\n\n   \n\t\n" + line + b"\n\n"),
        Variant("line-without-colon-named-qemu", b"qemu\n" + line + b"\n"),
        Variant("name-only-last-line-no-colon", b"backup:" + o + b"\nqemu"),
        Variant("long-junk-line-before", b"j" * 200000 + b"\n" + line +
                b"\n"),
        # The #hex form of a name.
        Variant("hex-name-other-key-before",
                b"#71656d75:" + o + b"\n" + line + b"\n"),
        Variant("hex-name-intended-key-before",
                b"#71656d75:" + k + b"\n" + b"qemu:" + o + b"\n"),
        Variant("hex-name-same-key-before",
                b"#71656d75:" + k + b"\n" + line + b"\n"),
        Variant("hex-name-only", b"#71656d75:" + k + b"\n"),
        Variant("hex-name-upper-case-only", b"#71656D75:" + k + b"\n"),
        Variant("hex-name-odd-digits", b"#71656d7:" + k + b"\n"),
        Variant("plain-then-hex-name-other-key",
                line + b"\n#71656d75:" + o + b"\n"),
        # Duplicates.
        Variant("duplicate-identical", line + b"\n" + line + b"\n"),
        Variant("duplicate-first-right", line + b"\nqemu:" + o + b"\n"),
        Variant("duplicate-first-wrong", b"qemu:" + o + b"\n" + line +
                b"\n"),
        Variant("duplicate-first-bad-hex", b"qemu:" + k[:-1] + b"x\n" +
                line + b"\n"),
        Variant("duplicate-first-crlf", line + b"\r\n" + line + b"\n"),
        Variant("duplicate-first-empty", b"qemu:\n" + line + b"\n"),
        # Names.
        Variant("prefix-names-before", b"qemu2:" + o + b"\nqem:" + o +
                b"\n" + line + b"\n"),
        Variant("upper-case-name", b"QEMU:" + k + b"\n"),
        Variant("only-other-names", b"backup:" + k + b"\nlab:" + o + b"\n"),
        Variant("empty-file", b""),
        Variant("newline-only", b"\n"),
        # NUL bytes.
        Variant("nul-in-earlier-line", b"backup:" + o + b"\0\n" + line +
                b"\n"),
        Variant("nul-after-key", line + b"\0junk\n"),
        Variant("nul-inside-key", b"qemu:" + k[:20] + b"\0" + k[20:] +
                b"\n"),
        Variant("nul-in-name", b"qemu\0x:" + k + b"\n"),
        # Identities other than qemu.
        Variant("identity-backup-after-others",
                b"qemu:" + o + b"\nbackup:" + k + b"\n", identity="backup"),
        Variant("identity-with-colon-literal", b"a:b:" + k + b"\n",
                identity="a:b"),
        Variant("identity-with-colon-hex", b"#613a62:" + k + b"\n",
                identity="a:b"),
        Variant("identity-with-colon-both", b"#613a62:" + k + b"\na:b:" +
                k + b"\n", identity="a:b"),
        Variant("identity-with-colon-literal-first", b"a:b:" + k +
                b"\n#613a62:" + k + b"\n", identity="a:b"),
        Variant("identity-with-colon-literal-first-other-key",
                b"a:b:" + o + b"\n#613a62:" + k + b"\n", identity="a:b"),
        # GnuTLS compares the whole name field, not the identity's length
        # of the line: "a:bf..." is no entry of "a:b" for it.
        Variant("identity-with-colon-prefix-of-other-line",
                b"a:bf" + k[2:] + b"\n", identity="a:b",
                key=b"\xbf" + KEY[1:]),
        Variant("identity-hash-literal", b"#x:" + k + b"\n",
                identity="#x"),
        Variant("identity-hash-both", b"#2378:" + k + b"\n#x:" + k + b"\n",
                identity="#x"),
        Variant("identity-with-space", b"my user:" + k + b"\n",
                identity="my user"),
        Variant("identity-utf8", "ürsula:".encode() + k + b"\n",
                identity="ürsula"),
        Variant("identity-256-bytes", b"n" * 256 + b":" + k + b"\n",
                identity="n" * 256),
        Variant("identity-empty", b":" + k + b"\n", identity=""),
    ]
    return cases

"""The date and timestamp formats a source profile may declare, as RE2 patterns silver matches with.

Pure (no Ibis): profiles are checked against it when they load, so a profile with a
format silver cannot parse fails at definition load with its file name, never mid-run.
"""

from __future__ import annotations

import re

# Python's str.isspace() characters as the body of an RE2 character class: what pandas'
# str.strip() (pyarrow utf8_trim_whitespace) removes and Python's `\s` matches.
# RE2's own `\s` is only [\t\n\f\r ].
WHITESPACE = r"\x{9}-\x{d}\x{1c}-\x{20}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}"
# The same characters as a string, for a plain `contains` test (cheaper than a regular expression).
WHITESPACE_CHARS = "".join(chr(c) for lo, hi in [(0x9, 0xD), (0x1C, 0x20), (0x85, 0x85), (0xA0, 0xA0),
                                                 (0x1680, 0x1680), (0x2000, 0x200A), (0x2028, 0x2029),
                                                 (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000)]
                           for c in range(lo, hi + 1))


# %z: a UTC offset as strptime takes it ('Z', '+01:00', '+0100', '+01'). It is matched and not applied: a
# sale's time is the store's wall clock (its sale date is the store's day), which is the time as written.
UTC_OFFSET = r"(?:Z|[+-]\d{2}(?::?\d{2})?)"


class UnsupportedFormat(ValueError):
    """A strptime format silver cannot express; str() says which part."""


def format_regex(fmt: str) -> tuple[str, list[str]]:
    """An anchored RE2 pattern for a strptime format, and the directive of each capture group.

    Mirrors pandas.to_datetime(format=...): %Y takes 4 digits, the other fields 1-2
    (range-checked later), a space takes any run of whitespace. Formats pandas parses
    by its ISO path ('%Y-%m-%d %H:%M:%S' and its prefixes) accept 't' for 'T'; the
    others go through strptime, which also allows a space-padded day and ignores case. %z (an offset)
    is matched but not captured: the directives returned are the fields silver builds the time from.
    (Not mirrored: strptime's `\\d` also takes non-ASCII digits, e.g. Arabic-Indic.)
    """
    iso = "%Y-%m-%d %H:%M:%S".startswith(fmt) or "%Y-%m-%dT%H:%M:%S".startswith(fmt)
    fields = {"Y": r"(\d{4})", "m": r"(\d{1,2})", "d": r"(\d{1,2})" if iso else r"(\d{1,2}| [1-9])",
              "H": r"(\d{1,2})", "M": r"(\d{1,2})", "S": r"(\d{1,2})"}
    pattern, groups, i = "", [], 0
    while i < len(fmt):
        if fmt[i : i + 2] == "%z" and UTC_OFFSET not in pattern:
            pattern += UTC_OFFSET  # matched, not captured: silver keeps the time as written
            i += 2
        elif fmt[i] == "%":
            directive = fmt[i + 1 : i + 2]
            if directive not in fields or directive in groups:
                raise UnsupportedFormat(f"strptime directive %{directive} in {fmt!r} is not supported "
                                        f"(supported: %Y %m %d %H %M %S %z, each once)")
            pattern += fields[directive]
            groups.append(directive)
            i += 2
        elif fmt[i].isspace():
            pattern += f"[{WHITESPACE}]+"
            i += 1
        elif fmt[i] == "T" and iso:
            pattern += "[Tt]"
            i += 1
        else:
            pattern += re.escape(fmt[i])
            i += 1
    if "Y" not in groups:
        raise UnsupportedFormat(f"date/time format {fmt!r} has no %Y")
    return ("^" if iso else "(?i)^") + pattern + "$", groups


_STRICT_WIDTH = {"Y": 4, "m": 2, "d": 2, "H": 2, "M": 2, "S": 2}


def strict_layout(fmt: str) -> tuple[str, dict[str, tuple[int, int]]] | None:
    """The format's fixed-width shape ('%Y-%m-%d' -> ^\\d{4}-\\d{2}-\\d{2}$, literals exactly as written) and each
    field's (start, width) in it; None for a format with %z or another directive.

    Every text of that shape fits format_regex(fmt) too, with the same field values (fields of 1-2 digits take
    2, whitespace runs take one, case-folding takes the case as written), so silver may read its fields by
    position and leave the regular expressions to the texts of any other shape.
    """
    pattern, fields, position, i = "^", {}, 0, 0
    while i < len(fmt):
        if fmt[i] == "%":
            directive = fmt[i + 1 : i + 2]
            if directive not in _STRICT_WIDTH or directive in fields:
                return None
            width = _STRICT_WIDTH[directive]
            fields[directive] = (position, width)
            pattern += rf"[0-9]{{{width}}}"
            position, i = position + width, i + 2
        else:
            pattern += f"\\x{{{ord(fmt[i]):x}}}" if fmt[i].isspace() else re.escape(fmt[i])
            position, i = position + 1, i + 1
    return (pattern + "$", fields) if "Y" in fields else None

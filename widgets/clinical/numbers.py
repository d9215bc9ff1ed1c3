"""Number helpers shared, line for line, with widgets/static/clinical.js.

Python's round() rounds half to even and JavaScript's Math.round rounds half up, and both
work on the binary value (2.675 is 2.67499999...). Here a number is rounded on its shortest
decimal representation (Python repr, JavaScript String(): the same digits in both), half away
from zero, so 2.675 -> 2.68 and -2.5 -> -3, identically in both languages.
"""

from __future__ import annotations

import math


def shortest_digits(x: float) -> tuple[str, int]:
    """(digits, point) with abs(x) == 0.<digits> x 10**point, digits without leading zeros,
    from the shortest repr of x. x must be finite."""
    s = repr(abs(float(x)))
    if "e" in s or "E" in s:
        mant, exp_s = s.lower().split("e")
        exp = int(exp_s)
    else:
        mant, exp = s, 0
    if "." in mant:
        int_part, frac_part = mant.split(".")
    else:
        int_part, frac_part = mant, ""
    digits = int_part + frac_part
    point = len(int_part) + exp
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    stripped = stripped.rstrip("0")
    if not stripped:
        return "0", 1
    return stripped, point


def _round_digits(x: float, decimals: int) -> str:
    """The digits of round_half_away_from_zero(|x| * 10**decimals), done on the shortest
    decimal representation of x ("0" if it rounds to zero)."""
    x = float(x)
    if x == 0:
        return "0"
    digits, point = shortest_digits(x)
    cut = point + decimals  # digits[:cut] is the integer part of |x| * 10**decimals
    if cut < 0:
        return "0"
    if cut >= len(digits):
        return digits + "0" * (cut - len(digits))
    whole = digits[:cut] if cut > 0 else "0"
    if digits[cut] >= "5":
        return str(int(whole) + 1)
    return str(int(whole))


def round_scaled(x: float, decimals: int) -> int:
    """round_half_away_from_zero(x * 10**decimals) as an int, on the decimal digits of x."""
    n = int(_round_digits(x, decimals))
    return -n if float(x) < 0 else n


def round_half_away(x: float, decimals: int) -> float:
    """x rounded half away from zero to `decimals` decimals (the nearest double to it)."""
    return round_scaled(x, decimals) / (10**decimals)


def fmt(x: float, decimals: int = 6) -> str:
    """x rounded to at most `decimals` decimals, trailing zeros dropped ("2.4", "40", "-0.5").
    Very large or very small magnitudes are written as <digits>e<exponent>."""
    x = float(x)
    if x == 0:
        return "0"
    ax = abs(x)
    sign = "-" if x < 0 else ""
    if ax >= 1e15 or ax < 1 / (10**decimals):
        digits, point = shortest_digits(x)
        mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mant}e{point - 1}"
    s = _round_digits(ax, decimals).rjust(decimals + 1, "0")
    int_part, frac = s[: len(s) - decimals], s[len(s) - decimals :]
    frac = frac.rstrip("0")
    return sign + int_part + ("." + frac if frac else "")


def as_number(v) -> tuple[float | None, str | None]:
    """(float, None) for a finite number, else (None, problem) with the problem a message key
    of messages.yaml (not_number, not_finite). Booleans are not numbers."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None, "not_number"
    try:
        f = float(v)
    except OverflowError:
        return None, "not_finite"
    if not math.isfinite(f):
        return None, "not_finite"
    return f, None

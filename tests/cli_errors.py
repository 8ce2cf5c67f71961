"""The CLI's error contract, checked the same way by every command's tests: one line on stderr,
``Error: ...``, the exit code, no traceback."""

from __future__ import annotations


def one_line_error(result, code: int, *needles: str) -> str:
    """Assert that a click result failed with ``code`` and one ``Error:`` line holding every
    needle; that line."""
    assert result.exit_code == code, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]

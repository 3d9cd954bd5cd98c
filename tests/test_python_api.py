"""The Python API as the README shows it, in a fresh interpreter (what is imported first matters there)."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import conflictwire
text = "Jets struck the market in Ariha on Sunday, killing five people, rescuers said."
first = conflictwire.extract(text, published="2024-12-02T10:00:00+00:00", outlet="Test Wire")
again = conflictwire.extract(text, published="2024-12-02T10:00:00+00:00", outlet="Test Wire")
print(len(first.events), len(again.events), first.events[0].location, first.events[0].fatalities)
"""


def test_extract_can_be_called_again_after_the_stages_are_loaded():
    # Loading the stages' package once set conflictwire.extract to it, and the second call failed.
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["1", "1", "Ariha", "5"]

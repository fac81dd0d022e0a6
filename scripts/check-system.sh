#!/usr/bin/env bash
# Checks what the set-up cannot install itself: Python 3.11 and WeasyPrint's libraries.
set -u
python=${1:-python3.11}
missing=0
if ! command -v "$python" >/dev/null 2>&1; then
    echo "Python 3.11 is needed: install it (Debian: apt-get install python3.11 python3.11-venv)" >&2
    exit 1
fi
if ! "$python" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
    echo "$python is not Python 3.11 with venv: set PYTHON=/path/to/python3.11" >&2
    exit 1
fi
# WeasyPrint renders with Pango (which brings HarfBuzz and fontconfig) and needs a font.
for lib in libpango-1.0.so.0 libpangoft2-1.0.so.0 libharfbuzz.so.0 libfontconfig.so.1; do
    if ! ldconfig -p 2>/dev/null | grep -q "$lib"; then
        echo "Missing system library $lib (needed by WeasyPrint to render PDFs)." >&2
        missing=1
    fi
done
if ! fc-list 2>/dev/null | grep -qi "dejavu"; then
    echo "Missing the DejaVu fonts used by the reports." >&2
    missing=1
fi
if [ "$missing" -ne 0 ]; then
    echo "Install them with: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libfontconfig1 fonts-dejavu-core" >&2
    exit 1
fi
# Optional: without HarfBuzz-Subset WeasyPrint subsets fonts with fontTools, which works but
# takes most of a short report's time (the one-page benchmark PDF: 0.21 s against 0.05 s).
if ! ldconfig -p 2>/dev/null | grep -q "libharfbuzz-subset.so.0"; then
    echo "Note: install libharfbuzz-subset0 for faster PDFs (apt-get install libharfbuzz-subset0)." >&2
fi

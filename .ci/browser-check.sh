#!/usr/bin/env bash
# Renders a monthly pack's index.html in headless Chromium, takes a screenshot and checks that the
# page and its charts are drawn (expected size, not blank, chart colours present); then its first
# screen at 1280x800, which must show the Making Data Count summary matrix with the sample's
# zero-inappropriate-OAP target reading "consistently fails" (the icons' colours in the picture).
# Usage: .ci/browser-check.sh OAPSTAT_BINARY [SCREENSHOT.png [FIRST_SCREEN.png]]
set -euo pipefail
bin="$1"
shot="${2:-}"
first="${3:-}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if ! command -v chromium >/dev/null 2>&1; then
  echo "installing Debian's chromium"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) > "$work/apt.log" 2>&1 || { tail -20 "$work/apt.log"; exit 1; }
fi
python3 -c 'import PIL' 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check pillow

"$bin" summary --month 2026-10 --out "$work/reports"
page="$work/reports/2026-10/index.html"
shot="${shot:-$work/index.png}"
chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --disable-quic --user-data-dir="$work/profile" \
  --hide-scrollbars --window-size=1400,4400 --screenshot="$shot" "file://$page" > "$work/chromium.log" 2>&1 \
  || { tail -20 "$work/chromium.log"; exit 1; }

python3 - "$shot" <<'PY'
import sys
from PIL import Image
img = Image.open(sys.argv[1]).convert("RGB")
assert img.size == (1400, 4400), f"screenshot is {img.size}, expected 1400x4400"
pixels = list(img.get_flattened_data() if hasattr(img, 'get_flattened_data') else img.getdata())
white = sum(1 for p in pixels if p == (255, 255, 255))
share_drawn = 1 - white / len(pixels)
def near(c, target, tol=40):
    return all(abs(a - b) <= tol for a, b in zip(c, target))
grey_points = sum(1 for p in pixels if near(p, (0x76, 0x86, 0x92), 12))
nhs_blue_heading = sum(1 for p in pixels if near(p, (0x00, 0x5E, 0xB8), 30))
print(f"screenshot {img.size[0]}x{img.size[1]}: {share_drawn:.1%} of pixels drawn, "
      f"{grey_points} chart-line pixels, {nhs_blue_heading} NHS-blue pixels")
assert share_drawn > 0.03, "the page looks blank"
assert grey_points > 500, "no chart lines found: the charts are not drawn"
assert nhs_blue_heading > 50, "no NHS-blue heading or points found"
PY

# The first screen a board member sees: the summary matrix.
first="${first:-$work/first-screen.png}"
chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --disable-quic --user-data-dir="$work/profile" \
  --hide-scrollbars --window-size=1280,800 --screenshot="$first" "file://$page" > "$work/chromium.log" 2>&1 \
  || { tail -20 "$work/chromium.log"; exit 1; }
python3 - "$first" "$page" <<'PY'
import re, sys
from PIL import Image
img = Image.open(sys.argv[1]).convert("RGB")
assert img.size == (1280, 800), f"first screen is {img.size}, expected 1280x800"
pixels = list(img.get_flattened_data() if hasattr(img, 'get_flattened_data') else img.getdata())
def count(target, tol=24):
    return sum(1 for p in pixels if all(abs(a - b) <= tol for a, b in zip(p, target)))
orange, blue = count((0xFF, 0x66, 0x00)), count((0x00, 0x72, 0xC6))
print(f"first screen 1280x800: {orange} orange (fail, concern) and {blue} blue (pass, improvement) icon pixels")
assert orange > 300, "no orange icons on the first screen: the matrix is not there"
assert blue > 150, "no blue icons on the first screen: the matrix is not there"
page = open(sys.argv[2], encoding="utf-8").read()
matrix, headline = page.find('class="matrix"'), page.find("<h2>Headline</h2>")
assert 0 < matrix < headline, "the matrix does not open the page"
fails = re.search(r"Consistently fails the target</th>(.*?)</tr>", page, re.S).group(1)
assert fails.count("· inappropriate OAPs active end</span>") == 5, "the five collaboratives' zero target does not read consistently fails"
PY
echo "browser check passed"

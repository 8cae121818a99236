#!/usr/bin/env bash
# The --html page in a real browser: headless Chromium (Debian's chromium, installed by
# .ci/install-deps) renders the demo and the hostile report to a screenshot, and its net log
# shows that the page requested nothing beyond itself. Chromium runs with a dead proxy
# (127.0.0.1:9, loopback included), so even a request it made could not leave the machine.
# Two controls prove the check: the demo page without its Content-Security-Policy and with an
# external image and style sheet added must be caught; with the policy, the same additions
# must be blocked. Without Chromium: skipped, or failed when CI is set.
# The screenshots stay in BUILD_DIR/tests/cli/html/ for a look (the README's is the demo
# backup's: tests/cli/report-screenshot.png).
# Usage: test_html_chromium.sh BUBBLESCAN BUILD_DIR SOURCE_DIR
set -u
bubblescan=$1 build=$2 source=$3
browser=
for candidate in chromium chromium-browser google-chrome-stable google-chrome; do
    if command -v "$candidate" >/dev/null; then
        browser=$(command -v "$candidate")
        break
    fi
done
if [ -z "$browser" ]; then
    echo "Chromium not found (apt-get install chromium; .ci/install-deps installs it)"
    [ -n "${CI:-}" ] && exit 1
    exit 77
fi
command -v python3 >/dev/null || { echo "python3 missing"; exit 1; }
. "$(dirname "${BASH_SOURCE[0]}")/harness.sh"
keep=$build/tests/cli/html
mkdir -p "$keep"
runs=0

# render PAGE NAME: screenshot NAME.png and net log NAME.netlog.json in $work, fresh profile.
render() {
    runs=$((runs + 1))
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --no-first-run --disable-component-update --disable-sync --disable-default-apps \
        --disable-extensions --user-data-dir="$work/profile-$runs" \
        --proxy-server=127.0.0.1:9 --proxy-bypass-list='<-loopback>' \
        --log-net-log="$work/$2.netlog.json" --net-log-capture-mode=Default \
        --window-size=1200,2400 --hide-scrollbars --screenshot="$work/$2.png" \
        "file://$1" >"$work/$2.log" 2>&1
}

is_png() { [ "$(head -c 8 "$1" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]; }

# The demo database, the hostile one, the timeline one (a chart per critical group), and the
# demo backup folder (at-rest findings) when built.
for name in demo hostile_strings timeline backup_demo; do
    if [ "$name" = backup_demo ]; then
        db=$build/fixtures/backup_demo
        [ -d "$db" ] || continue
    else
        db=$(ls "$build/fixtures/$name"/*.db 2>/dev/null | head -n 1)
        [ -n "$db" ] || { fail "fixture $name not built"; continue; }
    fi
    "$bubblescan" --quiet --all --html "$work/$name.html" "$db" >/dev/null ||
        { fail "$name: bubblescan --html failed"; continue; }
    # Static checks: nothing that runs or loads.
    if grep -n -i -E '<script|javascript:|\son[a-z]+=|src=|href="(https?:)?//|@import|url\(' \
        "$work/$name.html" | head -n 3 | grep .; then
        fail "$name.html holds a script, a handler or a reference to something outside it"
    else
        pass
    fi
    grep -q "default-src 'none'" "$work/$name.html" && pass || fail "$name.html has no CSP"
    render "$work/$name.html" "$name"
    if is_png "$work/$name.png" && [ "$(stat -c %s "$work/$name.png")" -gt 20000 ]; then
        pass
    else
        fail "$name: no screenshot: $(grep -v dbus "$work/$name.log" | tail -n 3)"
    fi
    if python3 "$source/tests/cli/check_netlog.py" "$work/$name.netlog.json"; then
        pass
    else
        fail "$name: the page made a request beyond itself (or the net log is unusable)"
    fi
done
for shot in "$work"/*.png; do
    [ -f "$shot" ] && cp "$shot" "$keep/"
done

# Controls, on the demo page with an external image and style sheet added.
if [ -f "$work/demo.html" ]; then
    extra='<img src="http://192.0.2.1/leak.png" alt=""><link rel="stylesheet" href="https://192.0.2.2/leak.css">'
    python3 - "$work/demo.html" "$work/control-open.html" "$work/control-csp.html" "$extra" <<'PY'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
extra = sys.argv[4]
without_csp = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n?', "", page)
assert without_csp != page
open(sys.argv[2], "w", encoding="utf-8").write(without_csp.replace("<main>", "<main>" + extra, 1))
open(sys.argv[3], "w", encoding="utf-8").write(page.replace("<main>", "<main>" + extra, 1))
PY
    render "$work/control-open.html" control-open
    python3 "$source/tests/cli/check_netlog.py" "$work/control-open.netlog.json" \
        >"$work/control-open.found" 2>/dev/null
    if grep -q "192.0.2.1/leak.png" "$work/control-open.found"; then
        pass
    else
        fail "control: an external image on a page without CSP was not detected: the check cannot fail"
    fi
    render "$work/control-csp.html" control-csp
    if python3 "$source/tests/cli/check_netlog.py" "$work/control-csp.netlog.json" 2>/dev/null; then
        pass
    else
        fail "control: the Content-Security-Policy did not stop an external image"
    fi
fi
finish html_chromium

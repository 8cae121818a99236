"""Reads a Chromium net log (--log-net-log) and lists the network requests a page made.

A request the page started has the page as initiator (for a file:// page, the opaque origin
"null") in its URL_REQUEST_START_JOB event; the browser's own background requests (component
updates, time, accounts) have "not an origin" and are only counted: they went to the dead
proxy the test sets, so nothing left the machine either way. A file:// page itself is loaded
outside the network stack and never shows here.

Usage: check_netlog.py NETLOG      prints each page request, one a line; exit 0 when none,
                                   1 when the page made a request, 2 when the log is unusable.
"""
import json
import sys


def main():
    try:
        with open(sys.argv[1], encoding="utf-8") as f:
            text = f.read()
        # Chromium may be stopped before it closes the array: finish it.
        try:
            log = json.loads(text)
        except json.JSONDecodeError:
            log = json.loads(text.rstrip().rstrip(",") + "]}")
        names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
        events = log["events"]
    except (OSError, ValueError, KeyError) as error:
        print("unusable net log: %s" % error)
        return 2
    page_requests = []
    background = 0
    for event in events:
        if names.get(event.get("type")) != "URL_REQUEST_START_JOB":
            continue
        params = event.get("params", {})
        if "url" not in params:
            continue  # the end of a job: its start carried the URL
        if params.get("initiator") == "not an origin":
            background += 1
        else:
            page_requests.append(params.get("url", "?"))
    for url in page_requests:
        print("page request: %s" % url)
    print("%d events, %d page requests, %d background requests of the browser (to the dead proxy)"
          % (len(events), len(page_requests), background), file=sys.stderr)
    return 1 if page_requests else 0


if __name__ == "__main__":
    sys.exit(main())

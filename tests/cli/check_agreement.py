#!/usr/bin/env python3
"""The summary, the HTML page and the JSON report of one scan say the same things (STYLE.md,
"compute once, render many"): the same threads per risk level, the same encrypted and
unencrypted message counts, the same advice items in the same order, and the same notes.

Each output is parsed on its own terms (the HTML with html.parser, not by grepping words), so a
writer that counts or words a verdict by itself is caught. The summary adds the names of the
groups an advice item is about, in parentheses before its action; that is allowed.
Usage: check_agreement.py NAME SUMMARY.txt REPORT.html REPORT.json
"""
import html.parser
import json
import re
import sys

RISKS = ["critical", "high", "medium", "low", "none"]


class Page(html.parser.HTMLParser):
    """Collects the text of the advice and note list items, the key-figure cards and the
    risk chart of a report page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.section = None
        self.stack = []
        self.items = {"todo": [], "notes": []}
        self.current = None
        self.cards = []  # (number text, label)
        self.card_part = None
        self.svg_texts = []
        self.in_svg_text = False
        self.stories = []  # the exposure story of each critical and high group shown
        self.in_story = False
        self.markers = []  # the label of each timeline's exposure point
        self.in_marker = 0  # depth inside <g class="exposure">

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.section = attrs.get("id")
        if tag == "li" and self.section in self.items:
            self.current = []
        if tag == "div" and attrs.get("class") in ("n", "l"):
            self.card_part = attrs["class"]
            if self.card_part == "n":
                self.cards.append(["", ""])
        if tag == "text" and self.section == "risk":
            self.in_svg_text = True
            self.svg_texts.append("")
        if tag == "p" and attrs.get("class") == "story":
            self.in_story = True
            self.stories.append("")
        if tag == "g" and attrs.get("class") == "exposure":
            self.in_marker = 1
            self.markers.append("")

    def handle_endtag(self, tag):
        if tag == "li" and self.current is not None:
            self.items[self.section].append("".join(self.current).strip())
            self.current = None
        if tag == "div":
            self.card_part = None
        if tag == "text":
            self.in_svg_text = False
        if tag == "p":
            self.in_story = False
        if tag == "g":
            self.in_marker = 0
        if tag == "section":
            self.section = None

    def handle_data(self, data):
        if self.current is not None:
            self.current.append(data)
        if self.card_part is not None and self.cards:
            self.cards[-1][0 if self.card_part == "n" else 1] += data
        if self.in_svg_text:
            self.svg_texts[-1] += data
        if self.in_story:
            self.stories[-1] += data
        if self.in_marker:
            self.markers[-1] += data


def summary_sections(text):
    """The summary's sections by heading: lines under each unindented heading."""
    sections, current = {}, None
    for line in text.splitlines():
        if line and not line.startswith(" "):
            current = line
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    return sections


def list_items(lines):
    """'  - ' items with their '    ' continuation lines joined by a space."""
    items = []
    for line in lines:
        if line.startswith("  - ") or line == "  -":
            items.append(line[4:].strip())
        elif line.startswith("    ") and items:
            items[-1] += " " + line.strip()
    return items


def number(text):
    return int(text.replace(",", ""))


def main():
    name, summary_path, html_path, json_path = sys.argv[1:5]
    report = json.load(open(json_path, encoding="utf-8"))
    summary = open(summary_path, encoding="utf-8").read()
    page = Page()
    page.feed(open(html_path, encoding="utf-8").read())
    problems = []

    def same(what, a, b):
        if a != b:
            problems.append("%s: %r vs %r" % (what, a, b))

    # Threads per risk level.
    json_risk = [report["counts"]["risk"][r] for r in RISKS]
    sections = summary_sections(summary)
    risk_line = " ".join(sections.get("Threads by risk", []))
    summary_risk = [number(re.search(r"\b%s ([\d,]+)" % r, risk_line).group(1)) for r in RISKS]
    same("risk counts, summary vs JSON", summary_risk, json_risk)
    svg = page.svg_texts
    html_risk = [number(svg[svg.index(r) + 2]) for r in RISKS]
    same("risk counts, HTML chart vs JSON", html_risk, json_risk)
    cards = {label: number(n) for n, label in page.cards}
    card = lambda prefix: next(v for k, v in cards.items() if k.startswith(prefix))
    same("critical card", card("critical groups"), json_risk[0])
    same("high card", card("high-risk groups"), json_risk[1])
    same("risky card", card("of "), sum(json_risk[:4]))
    same("encrypted card", card("messages end-to-end"), report["counts"]["encrypted"])
    same("unencrypted card", card("messages readable"), report["counts"]["unencrypted"])

    # What to do: the same items, in the same order.
    json_advice = [a["text"] for a in report["advice"]]
    same("advice, HTML vs JSON", page.items["todo"], json_advice)
    summary_advice = list_items(sections.get("What to do", []))
    if len(summary_advice) != len(json_advice):
        problems.append("advice count: summary %d, JSON %d" % (len(summary_advice),
                                                               len(json_advice)))
    for said, meant in zip(summary_advice, json_advice):
        head, colon, action = meant.partition(": ")
        # The summary may name the groups: "HEAD (names): ACTION".
        if said != meant and not (colon and said.startswith(head + " (")
                                  and said.endswith("): " + action)):
            problems.append("advice, summary vs JSON: %r vs %r" % (said, meant))

    # The timeline (SPEC 3.7) of each critical and high group shown (ten per level): a story
    # in the summary and in the HTML, and a chart whose exposure point names the cause and day.
    labels = {"member-added": "member added", "since-start": "first message",
              "fallback": "fell back"}
    shown = []
    for risk in ("critical", "high"):
        shown += [t for t in report["threads"] if t["risk"] == risk][:10]
    same("stories, HTML vs groups", len(page.stories), len(shown))
    want_markers = ["unencrypted from %s (%s)" % (t["exposed_since"][:10], labels[t["exposure_cause"]])
                    for t in shown if t["exposed_since"] is not None]
    same("timeline markers, HTML vs JSON", page.markers, want_markers)
    for thread, story in zip(shown, page.stories):
        if thread["exposed_since"] is not None and thread["exposed_since"][:10] not in story:
            problems.append("story of chat %s lacks %s" % (thread["chat_id"],
                                                           thread["exposed_since"][:10]))
        going = "still going on" in story
        if thread["exposed_since"] is not None and going != thread["ongoing"]:
            problems.append("story of chat %s says ongoing %s" % (thread["chat_id"], going))
    flat = " ".join(summary.split())
    for story in page.stories:
        if story.isprintable() and " ".join(story.split()) not in flat:
            problems.append("story not in the summary: %r" % story)

    # Notes.
    same("notes, summary vs JSON", list_items(sections.get("Notes", [])), report["notes"])
    same("notes, HTML vs JSON", page.items["notes"], report["notes"])

    if problems:
        print("FAIL: %s: %s" % (name, "; ".join(problems)))
        return 1
    return 0


sys.exit(main())

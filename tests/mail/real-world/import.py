#!/usr/bin/env python3
"""Builds the real-world corpus from two public reply-parser test suites (see
SOURCES.md): github/email_reply_parser (MIT) and mailgun/talon (Apache-2.0).

    python3 tests/mail/real-world/import.py <email_reply_parser clone> <talon clone>

Each case becomes an .eml (the source's text or message, with headers around a
bare text) and an .expected.json beside it: the source's own expectation of
the visible reply, as claims the host test checks (shared/tests/mail_corpus.rs):
`body` (exact), `shown` (must stay visible), `folded_away` (must be folded, and
kept in the full text), `folded` (quote, signature, quote_and_signature or
null), `body_nospace` (the body with all whitespace removed). Where Parley
differs from the source by design, `differs` says why. Run once; the files are
committed, so the tests never need the clones.
"""
import json, os, subprocess, sys, tempfile, types, inspect

HERE = os.path.dirname(os.path.abspath(__file__))


def git_show(repo, path):
    return subprocess.run(["git", "-C", repo, "show", f"HEAD:{path}"], check=True, capture_output=True).stdout


def git_files(repo, under):
    out = subprocess.run(["git", "-C", repo, "ls-tree", "-r", "--name-only", "HEAD", under], check=True, capture_output=True)
    return out.stdout.decode().split()


def write(sub, name, eml: bytes, claims: dict):
    d = os.path.join(HERE, sub)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name + ".eml"), "wb") as f:
        f.write(eml)
    with open(os.path.join(d, name + ".expected.json"), "w") as f:
        json.dump(claims, f, ensure_ascii=False, indent=2, sort_keys=True)
        f.write("\n")


def wrap_text(body: str, ident: str, subject: str, content_type="text/plain; charset=utf-8") -> bytes:
    head = (f"From: Sam Doe <sam@example.com>\nTo: support@juniper.inbound.example.com\nSubject: {subject}\n"
            f"Date: Sat, 21 Nov 2026 09:15:00 +0000\nMessage-ID: <{ident}@real-world.example>\nMIME-Version: 1.0\n"
            f"Content-Type: {content_type}\nContent-Transfer-Encoding: 8bit\n\n")
    return head.encode() + body.encode()


# github/email_reply_parser: what test/email_reply_parser_test.rb states of each file.
ERP = {
    "correct_sig": {"body": "this is an email with a correct -- signature.", "folded": "signature"},
    "email_1_1": {"shown": ["Hi folks", "I am currently using the Java HTTP API.", "-Abhishek Kona"], "folded": None,
                  "differs": "The gem folds '-Abhishek Kona' and the list footer as signatures; Parley folds only '-- ' and 'Sent from …' signatures (when unsure, show)."},
    "email_1_2": {"shown": ["Hi,", "You can list the keys for the bucket and call delete for each."],
                  "differs": "Bottom-posted: the gem hides the quote under the answer; Parley keeps the answer and its context visible."},
    "email_1_3": {"shown": ["Oh thanks.", "Having the function would be great.", "-Abhishek Kona"], "folded_away": ["On 01/03/11 7:07 PM, Russell Brown wrote:"], "folded": "quote"},
    "email_1_4": {"body": "Awesome! I haven't had another problem with it.", "folded_away": ["Loader seems to be working well."], "folded": "quote"},
    "email_1_5": {"shown": ["One: Here's what I've got.", "- And another one"], "folded": None},
    "email_1_6": {"body": "I get proper rendering as well.", "folded_away": ["Was this caching related or fixed already?"], "folded": "quote_and_signature",
                  "differs": "'Sent from a magnificent torch of pixels' is folded as a signature (shown on request)."},
    "email_1_7": {"body": ":+1:", "folded_away": ["Steps 0-2 are in prod."], "folded": "quote"},
    "email_1_8": {"shown": ["I will reply under this one", "and under this.", "okay?"], "folded_away": ["Hey there, this is my signature"],
                  "differs": "Interleaved: the gem hides the trailing quote; Parley folds only the signature and keeps every quote an answer sits between."},
    "email_2_1": {"body": "Outlook with a reply", "folded": "quote"},
    "email_2_2": {"body": "Outlook with a reply directly above line", "folded": "quote"},
    "email_2_3": {"body": "Outlook with a reply directly above line", "folded": "quote"},
    "email_BlackBerry": {"body": "Here is another email", "folded": "signature"},
    "email_iPhone": {"body": "Here is another email", "folded": "signature"},
    "email_multi_word_sent_from_my_mobile_device": {"body": "Here is another email", "folded": "signature"},
    "email_sent_from_my_not_signature": {"body": "Here is another email\n\nSent from my desk, is much easier then my mobile phone.", "folded": None},
    "email_bullets": {"body": "test 2 this should list second\n\nand have spaces\n\nand retain this formatting\n\n\n   - how about bullets\n   - and another", "folded": "quote"},
    "email_long_quote": {"shown": ["Hi folks", "running a test?"]},
    "email_one_is_not_on": {"shown": ["Thank, this is really helpful.", "Locally (on development), when I run..."], "folded_away": ["The good news is that I've found a much better query"], "folded": "quote"},
    "greedy_on": {"shown": ["On your remote host you can run:", "fails, the tunnel is not working."], "folded_away": ["I am having an odd issue"], "folded": "quote"},
    "pathological": {"shown": ["I think you're onto something."], "folded_away": ["I think your code is shortening"], "folded": "quote"},
    "email_sig_delimiter_in_middle_of_line": {"shown": ["And here is a fix -- this is not a signature.", "kthxbai"], "folded": None},
    "email_2_1_no_line": None,
}


def email_reply_parser(repo):
    n = 0
    for path in git_files(repo, "test/emails"):
        name = os.path.basename(path)[:-4]
        claims = ERP.get(name)
        if claims is None:
            continue
        body = git_show(repo, path).decode("utf-8")
        claims = dict(claims, source=f"github/email_reply_parser {path} (test/email_reply_parser_test.rb)")
        write("email_reply_parser", name, wrap_text(body, f"erp-{name}", f"Re: {name}"), claims)
        n += 1
    return n


def talon_text_cases(repo):
    """Runs talon's tests/text_quotations_test.py with a stand-in for talon that
    records each (message, expected reply) pair its assertions compare."""
    tmp = tempfile.mkdtemp()
    subprocess.run(f"git -C {repo} archive HEAD tests | tar x -C {tmp}", shell=True, check=True)
    os.makedirs(f"{tmp}/talon"); os.makedirs(f"{tmp}/nose")
    open(f"{tmp}/talon/__init__.py", "w").write("def init(): pass\n")
    open(f"{tmp}/talon/quotations.py", "w").write(
        "RECORDS = []\nclass Marker:\n    def __init__(self, body): self.body = body\n"
        "def extract_from_plain(body): return Marker(body)\n"
        "def extract_from(body, content_type='text/plain'):\n    if content_type == 'text/plain': return Marker(body)\n    raise RuntimeError('html')\n"
        "def __getattr__(name):\n    if name.startswith('__'): raise AttributeError(name)\n    raise RuntimeError(name)\n")
    open(f"{tmp}/mock.py", "w").write(
        "class _P:\n    def object(self, *a, **k): return lambda f: f\n    def __call__(self, *a, **k): return lambda f: f\npatch = _P()\n")
    open(f"{tmp}/nose/__init__.py", "w").write("")
    open(f"{tmp}/nose/tools.py", "w").write(
        "from talon.quotations import RECORDS, Marker\n"
        "def eq_(a, b, msg=None):\n    if isinstance(b, Marker): RECORDS.append((b.body, a))\n    elif isinstance(a, Marker): RECORDS.append((a.body, b))\n"
        "def ok_(*a, **k): pass\n")
    sys.path.insert(0, tmp)
    cwd = os.getcwd(); os.chdir(tmp)
    sys.modules["talon.utils"] = types.ModuleType("talon.utils")
    import tests.text_quotations_test as t
    from talon.quotations import RECORDS
    cases = []
    for name, f in list(vars(t).items()):
        if not name.startswith("test_") or not callable(f) or name == "test_standard_replies":
            continue
        start = len(RECORDS)
        try:
            r = f()
            if inspect.isgenerator(r):
                for item in r:
                    if callable(item[0]):
                        item[0](*item[1:])
        except Exception:
            pass
        for i, (body, expected) in enumerate(RECORDS[start:]):
            cases.append((name + (f"_{i + 1}" if i else ""), body, expected))
    os.chdir(cwd)
    return cases


# Where Parley's visible text differs from talon's expectation by design
# (None removes the source's claim).
SHOWN_BELOW = "Text under the quote: Parley folds only trailing history, never a quote with new text below it (when unsure, show)."
TALON_DIFFERS = {
    "standard_iphone": {"body": "Hello", "differs": "'Sent from my iPhone' is folded as a signature (shown on request)."},
    "standard_sparrow": {"body": "Hello", "differs": "The '-- ' signature and 'Sent with Sparrow' are folded as a signature (shown on request)."},
    "standard_thunderbird": {"body": None, "shown": ["Hello", "Megan One wrote:"], "folded": None,
                             "differs": "Bottom-posted: the answer is under the quote, so nothing is folded."},
    "test_dont_parse_quotations_for_forwarded_messages": {"body": "FYI", "folded": "quote",
                                                          "differs": "Issue 20 folds forwarded messages (shown on request); talon keeps them."},
    "test_link_breaks_quotation_markers_sequence": {"body": None, "shown": ["Blah", "Post a response"], "folded": "quote",
                                                    "differs": "An unquoted line after the quote (a broken link) may be an answer: shown, with the quote above it; only the trailing quote is folded."},
    "test_link_breaks_quotation_markers_sequence_2": {"body": None, "shown": ["Blah", "View ticket"], "folded": "quote",
                                                      "differs": "An unquoted line after the quote (a wrapped link) may be an answer: shown, with the quote above it; only the trailing quote is folded."},
    "test_pattern_on_date_polymail": {"body": None, "shown": ["Test reply", "Test quoted data"], "folded": None,
                                      "differs": "An attribution split by a blank line is not recognised: shown whole."},
    "test_quotation_separator_takes_2_lines": {"body": None, "shown": ["Test reply", "Regards, Roman"], "folded": None, "differs": SHOWN_BELOW},
    "test_reply_wraps_quotations": {"body": None, "shown": ["Test reply", "Regards, Roman"], "folded": None, "differs": SHOWN_BELOW},
    "test_reply_wraps_nested_quotations": {"body": None, "shown": ["Test reply", "Regards, Roman"], "folded": None, "differs": SHOWN_BELOW},
    "test_reply_after_quotations": {"body": None, "shown": ["Test reply", "Roman Tkachenko wrote:"], "folded": None,
                                    "differs": "Bottom-posted: the answer is under the quote, so nothing is folded."},
    "test_too_many_lines": {"body": "Test reply\nHi", "differs": "talon's test patches MAX_LINES_COUNT to 1; Parley has no such limit."},
}


def merged(claims, changes):
    out = dict(claims, **changes)
    return {k: v for k, v in out.items() if v is not None or k == "folded"}


def talon(repo):
    n = 0
    for name, body, expected in talon_text_cases(repo):
        claims = {"body": expected.strip(), "source": f"mailgun/talon tests/text_quotations_test.py::{name}"}
        claims = merged(claims, TALON_DIFFERS.get(name, {}))
        write("talon/text", name, wrap_text(body, f"talon-{name}", f"Re: {name}"), claims)
        n += 1
    for path in git_files(repo, "tests/fixtures/standard_replies"):
        if not path.endswith(".eml"):
            continue
        name = os.path.basename(path)[:-4]
        reply = f"tests/fixtures/standard_replies/{name}_reply_text"
        try:
            expected = git_show(repo, reply).decode().strip()
            origin = reply
        except subprocess.CalledProcessError:
            expected, origin = "Hello", "tests/text_quotations_test.py::test_standard_replies ('Hello')"
        claims = {"body": expected, "source": f"mailgun/talon {path}, expected: {origin}"}
        claims = merged(claims, TALON_DIFFERS.get("standard_" + name, {}))
        write("talon/standard", name, git_show(repo, path), claims)
        n += 1
    for path in git_files(repo, "tests/fixtures/html_replies"):
        name = os.path.basename(path)[:-5]
        html = git_show(repo, path).decode("utf-8")
        claims = {"body_nospace": "Hi.Iamfine.Thanks,Alex", "folded": "quote",
                  "source": f"mailgun/talon {path}, expected: tests/html_quotations_test.py::extract_reply_and_check"}
        write("talon/html", name, wrap_text(html, f"talon-html-{name}", f"Re: {name}", "text/html; charset=utf-8"), claims)
        n += 1
    return n


if __name__ == "__main__":
    erp, tal = sys.argv[1], sys.argv[2]
    print("email_reply_parser:", email_reply_parser(erp))
    print("talon:", talon(tal))

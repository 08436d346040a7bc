#!/usr/bin/env python3
"""Runs gloss in a pseudo-terminal and judges every byte it writes there.

    ptyterm.py corpus GLOSS MANIFEST CORPUS [SAMPLE]
        Opens each entry of the hostile corpus (tests/data/hostile:
        MANIFEST is expected.tsv, CORPUS the directory make-corpus.py
        wrote) in the reader on a 100x30 terminal (TERM=xterm-256color),
        with a key script that goes to the end, opens the outline and the
        notes and quits.  SAMPLE (optional) keeps every SAMPLE-th entry
        only (all of them when 1 or absent).
    ptyterm.py signal GLOSS SIGNAL READY ARTICLE
        Opens ARTICLE in the reader with a key script that waits; when the
        file READY exists (the script saved a state there), sends SIGNAL
        (TERM, INT or HUP) from this process, and checks the exit status
        and the terminal that gloss leaves.
    ptyterm.py hangup GLOSS KEYS SHOWN ARTICLE
        Opens ARTICLE in the reader, types KEYS in the terminal once the
        screen is drawn, waits until SHOWN is on the screen, then the
        terminal itself goes away (the pty's master is closed, as when an
        SSH connection drops): gloss must end with the status of SIGHUP,
        within seconds.
    ptyterm.py storm GLOSS SEED KEYS RESIZES ARTICLE
        Types KEYS random keys (seeded) into gloss in the terminal and
        resizes the terminal RESIZES times among them, then Esc and :q!.

Prints "ok TEXT" / "not ok TEXT" lines (and "# ..." lines that explain a
failure) that the shell tests turn into TAP.  What the bytes must be:

  - only terminal controls curses or gloss itself sends: CSI sequences
    with a final byte from a closed list (cursor motion, erasing,
    scrolling, SGR, the modes below), ESC ( ) charsets, ESC 7 8 = > M;
    never OSC (a title, a hyperlink, OSC 52 clipboard: ESC ] or the
    C1 byte), DCS, APC, PM, SOS, RIS (ESC c), SS2/SS3, a report request
    (CSI 6n, CSI c), a window operation (CSI t, but xterm's smcup and
    rmcup saving and restoring the title), nor any other C0 control than
    BS, TAB, LF, CR (and BEL, the bell);
  - the rest valid UTF-8 with no C1 control (U+0080-U+009F) and none of
    the bidirectional and format controls (U+202A-E, U+2066-9, U+200E/F,
    U+061C, U+2028/9, U+206A-F, U+FEFF, U+FFF9-B);
  - at the end, the terminal as gloss found it: every private mode set
    with CSI ? N h (alternate screen 1049, mouse 1000-1006, bracketed
    paste 2004, application cursor keys 1) reset with CSI ? N l, the
    cursor shown (CSI ? 25 h), and the terminal's settings (termios)
    what they were before gloss started.
"""
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time

COLS, ROWS = 100, 30
TIMEOUT = 60

# CSI finals curses (xterm-256color) and gloss use.  Not n (a status
# report request), c (device attributes), t (window operations), q, p.
CSI_FINALS = set("@ABCDEFGHJKLMPSTXdfhlmrs`u")
# Private modes (CSI ? N h/l) and what each must be when gloss is gone.
MODES_END = {"1": "l", "12": None, "25": "h", "1000": "l", "1002": "l", "1003": "l",
             "1005": "l", "1006": "l", "1015": "l", "1049": "l", "2004": "l", "7": "h",
             "1034": None, "1036": None, "1048": None, "47": "l", "1047": "l"}
C0_ALLOWED = set([0x07, 0x08, 0x09, 0x0A, 0x0D])
FORMAT_CONTROLS = set([0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0xFEFF,
                       0xFFF9, 0xFFFA, 0xFFFB]) | set(range(0x202A, 0x202F)) \
    | set(range(0x2066, 0x2070))
SANITIZER = re.compile(rb"ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:")


def judge(data):
    """Returns (problems, modes): what is wrong with the bytes a program
    wrote to a terminal, and the last h/l of each private mode."""
    problems = []
    modes = {}
    i, n = 0, len(data)

    def bad(what, at):
        problems.append("%s at byte %d: %r" % (what, at, data[max(0, at - 16):at + 24]))

    while i < n:
        b = data[i]
        if b == 0x1B:
            if i + 1 >= n:
                bad("ESC at the very end", i)
                break
            c = data[i + 1]
            if c == ord("["):
                j = i + 2
                while j < n and 0x30 <= data[j] <= 0x3F:
                    j += 1
                params = data[i + 2:j]
                while j < n and 0x20 <= data[j] <= 0x2F:
                    j += 1
                inter = data[i + 2 + len(params):j]
                if j >= n:
                    bad("CSI cut at the end", i)
                    break
                final = chr(data[j])
                if final == "t" and params in (b"22;0;0", b"23;0;0"):
                    pass   # xterm's smcup/rmcup keep the window title
                elif inter or final not in CSI_FINALS:
                    bad("CSI %r%r%s that curses does not send" % (params, inter, final), i)
                elif final in "hl":
                    p = params.decode("ascii", "replace")
                    if p.startswith("?"):
                        for m in p[1:].split(";"):
                            if m not in MODES_END:
                                bad("private mode ?%s%s" % (m, final), i)
                            modes[m] = final
                    elif p not in ("4", "20", "34"):
                        bad("mode %s%s" % (p, final), i)
                i = j + 1
            elif c in b"()*+":
                if i + 2 >= n:
                    bad("charset designation cut", i)
                    break
                i += 3
            elif c in b"78=>M":
                i += 2
            elif c == ord("]"):
                bad("OSC (title, hyperlink or clipboard)", i)
                i += 2
            elif c in b"P_^X":
                bad({"P": "DCS", "_": "APC", "^": "PM", "X": "SOS"}[chr(c)], i)
                i += 2
            else:
                bad("ESC %r" % chr(c), i)
                i += 2
            continue
        if b < 0x20 or b == 0x7F:
            if b not in C0_ALLOWED:
                bad("raw control byte 0x%02X" % b, i)
            i += 1
            continue
        # Printable: decoded below, by runs.
        j = i
        while j < n and data[j] != 0x1B and (data[j] >= 0x20 and data[j] != 0x7F):
            j += 1
        try:
            run = data[i:j].decode("utf-8")
        except UnicodeDecodeError as e:
            bad("invalid UTF-8 (a raw C1 byte?)", i + e.start)
            run = data[i:j].decode("utf-8", "replace")
        at = i
        for ch in run:
            cp = ord(ch)
            if 0x80 <= cp < 0xA0:
                bad("C1 control U+%04X" % cp, at)
            elif cp in FORMAT_CONTROLS:
                bad("bidirectional or format control U+%04X" % cp, at)
            at += len(ch.encode("utf-8", "surrogateescape"))
        i = j
    return problems, modes


def modes_left(modes):
    """Private modes not left as a terminal expects them."""
    wrong = []
    for m, last in sorted(modes.items()):
        want = MODES_END.get(m)
        if want and last != want:
            wrong.append("?%s%s" % (m, last))
    return wrong


def spawn(argv, env, stdin_path=None, cwd=None):
    """gloss in a new session whose controlling terminal is a new pty of
    COLS x ROWS.  Returns (process, master fd, slave fd); p.tty_before is
    the tty's settings before gloss started (read after the start, they
    may already be gloss's own)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    tty_before = termios.tcgetattr(slave)
    stdin = open(stdin_path, "rb") if stdin_path else slave

    def become_tty_owner():
        fcntl.ioctl(1, termios.TIOCSCTTY, 0)

    p = subprocess.Popen(argv, env=env, stdin=stdin, stdout=slave, stderr=slave, cwd=cwd,
                         start_new_session=True, preexec_fn=become_tty_owner)
    p.tty_before = tty_before
    if stdin_path:
        stdin.close()
    return p, master, slave


def collect(p, master, until=None, deadline=TIMEOUT):
    """Reads what the program writes until it exits (and its output is
    drained).  until(): called between reads, may act (send a signal).
    Returns (bytes, status or None on a timeout)."""
    out = bytearray()
    end = time.monotonic() + deadline
    status = None
    while True:
        r, _, _ = select.select([master], [], [], 0.05)
        if r:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                chunk = b""
            out += chunk
            if chunk:
                continue
        if until:
            until()
        if status is None:
            status = p.poll()
        if status is not None and not r:
            # Exited and nothing more to read right now.
            r2, _, _ = select.select([master], [], [], 0.05)
            if not r2:
                break
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        if time.monotonic() > end:
            p.kill()
            p.wait()
            return bytes(out), None
    return bytes(out), status


def base_env(script):
    env = dict(os.environ)
    for k in ("GLOSS_HEADLESS", "COLUMNS", "LINES", "NO_COLOR"):
        env.pop(k, None)
    env.update({"TERM": "xterm-256color", "GLOSS_SCRIPT": script, "NCURSES_GPM_TERMS": ""})
    return env


def exit_status(st):
    return 128 - st if st is not None and st < 0 else st


def read_manifest(path):
    entries = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            entries.append((cols[0], cols[2], int(cols[3])))
    return entries


def corpus(gloss, manifest, corpus_dir, sample):
    out = []

    def check(good, text, *diag):
        out.append(("ok " if good else "not ok ") + text)
        if not good:
            for d in diag:
                for line in str(d).splitlines()[:12]:
                    out.append("#   " + line)

    tmp = os.environ.get("TEST_DIR", "/tmp")
    script = os.path.join(tmp, "pty.steps")
    with open(script, "w") as f:
        f.write("G\n<F2>\n<F3>\ngg\n:q\n")
    env = base_env(script)
    entries = read_manifest(manifest)
    for k, (ident, opts, want) in enumerate(entries):
        if sample > 1 and k % sample:
            continue
        what = ident + ("" if opts == "-" else " (%s)" % opts)
        d = os.path.join(corpus_dir, ident)
        names = os.listdir(d)
        name = os.fsencode(names[0])
        stdin_path = None
        args = [gloss]
        if opts == "stdin":
            stdin_path = os.path.join(os.fsencode(d), name)
            args += ["-"]
        else:
            if opts != "-":
                args += opts.split()
            args += ["--", name]
        # In the entry's directory, with the file's odd name as it is.
        p, master, slave = spawn(args, env, stdin_path, cwd=d)
        data, st = collect(p, master)
        os.close(master)
        os.close(slave)
        st = exit_status(st)
        if st is None:
            check(False, "%s: gloss in a terminal ends (no hang)" % what)
            continue
        if SANITIZER.search(data):
            check(False, "%s: gloss in a terminal runs without a sanitizer report" % what,
                  data.decode("utf-8", "replace")[-1500:])
            continue
        check(st == want, "%s: gloss in a terminal ends with status %d" % (what, want),
              "got %s" % st, data[-300:].decode("utf-8", "replace"))
        problems, modes = judge(data)
        check(not problems, "%s: gloss writes to the terminal only its own control sequences "
              "and safe text (%d bytes)" % (what, len(data)), *problems[:5])
        if want == 0:
            wrong = modes_left(modes)
            check("1049" in modes and not wrong,
                  "%s: and leaves the terminal as it found it (normal screen, cursor shown, "
                  "mouse and paste modes off)" % what,
                  "modes left: " + (" ".join(wrong) or "no alternate screen used"))
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def signal_run(gloss, signame, ready, article):
    out = []

    def check(good, text, *diag):
        out.append(("ok " if good else "not ok ") + text)
        if not good:
            for d in diag:
                for line in str(d).splitlines()[:12]:
                    out.append("#   " + line)

    sig = getattr(signal, "SIG" + signame)
    tmp = os.environ.get("TEST_DIR", "/tmp")
    script = os.path.join(tmp, "pty-signal.steps")
    with open(script, "w") as f:
        f.write("g]]]]\n:save-state %s\n:wait-for something-that-never-shows 30\n" % ready)
    if os.path.exists(ready):
        os.unlink(ready)
    env = base_env(script)
    p, master, slave = spawn([gloss, article], env)
    before = p.tty_before
    sent = []

    def send_when_ready():
        if not sent and os.path.exists(ready):
            # gloss draws right after saving the state: give it a moment
            # to be idle in its key wait, as a reader would be.
            time.sleep(0.2)
            os.kill(p.pid, sig)
            sent.append(time.monotonic())

    data, st = collect(p, master, until=send_when_ready)
    st = exit_status(st)
    check(bool(sent), "SIG%s: gloss was reading when the signal came" % signame)
    want = 128 + int(sig)
    check(st == want, "SIG%s from another process ends gloss with status %d" % (signame, want),
          "got %s" % st, data[-400:].decode("utf-8", "replace"))
    check(not SANITIZER.search(data), "SIG%s: no sanitizer report" % signame,
          data.decode("utf-8", "replace")[-1500:])
    problems, modes = judge(data)
    check(not problems, "SIG%s: gloss wrote only its own control sequences" % signame,
          *problems[:5])
    wrong = modes_left(modes)
    check("1049" in modes and modes["1049"] == "l",
          "SIG%s: the normal screen is back (alternate screen left)" % signame,
          "modes: %r" % modes)
    check(modes.get("25") == "h", "SIG%s: the cursor is shown" % signame, "modes: %r" % modes)
    check(not wrong, "SIG%s: mouse, bracketed paste and cursor-key modes are reset" % signame,
          "left: " + " ".join(wrong))
    after = termios.tcgetattr(slave)
    check(after == before, "SIG%s: the terminal's settings (echo, canonical mode, Ctrl-C) are "
          "restored" % signame, "before: %r" % (before,), "after:  %r" % (after,))
    os.close(master)
    os.close(slave)
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def hangup_run(gloss, keys, shown, article):
    """The terminal goes away under gloss (an SSH connection dropped): gloss
    reads its keys from the terminal (KEYS typed once it has drawn; SHOWN
    is text the screen shows after them), then the master side of the pty
    is closed, the kernel sends SIGHUP and every
    later read and write fails.  gloss must end, promptly, with 129."""
    out = []

    def check(good, text, *diag):
        out.append(("ok " if good else "not ok ") + text)
        if not good:
            for d in diag:
                out.append("#   " + str(d))

    env = base_env("")
    env.pop("GLOSS_SCRIPT")
    p, master, slave = spawn([gloss, article], env)
    # The parent must not hold the terminal open, or there is no hangup.
    os.close(slave)

    def read_until_quiet(quiet, want=None):
        data = bytearray()
        end = time.monotonic() + TIMEOUT
        last = time.monotonic()
        while time.monotonic() < end and p.poll() is None:
            r, _, _ = select.select([master], [], [], 0.05)
            if r:
                try:
                    data += os.read(master, 65536)
                except OSError:
                    break
                last = time.monotonic()
            elif (want is None or want in data) and time.monotonic() - last > quiet:
                break
        return bytes(data)

    first = read_until_quiet(0.3, b"READ")
    check(b"READ" in first, "hangup: gloss drew its screen in the terminal")
    os.write(master, keys.encode("utf-8"))
    after = read_until_quiet(0.3, shown.encode("utf-8"))
    check(shown.encode("utf-8") in after, "hangup: gloss took the keys typed (%s)" % keys)
    os.close(master)
    t = time.monotonic()
    try:
        st = p.wait(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        st = None
    took = time.monotonic() - t
    check(st is not None, "hangup: gloss ends when its terminal goes away (%.2f s)" % took)
    check(exit_status(st) == 129, "hangup: with status 129 (SIGHUP)", "got %s" % exit_status(st))
    sys.stdout.write("\n".join(out) + "\n")
    return 0


# Keys a storm types in a real terminal, as the bytes a terminal sends:
# moving, selecting, annotating, prompts, panes, search; never ":" (a
# command line could end the storm), Ctrl-X (the editor), Ctrl-Z, Ctrl-\\.
STORM_KEYS = [
    "j", "k", "j", "k", "\x1b[B", "\x1b[A", " ", "f", "b", "\x1b[6~", "\x1b[5~", "\x04", "\x15",
    "g", "G", "\x1b[H", "\x1b[F", "[[", "]]", "]n", "[n", "]u", "]t", "ma", "'a", "''", "\x0f",
    "\x1b[1;3D", "\x1b[1;3C", "\x1b[D", "\x1b[C", "w", "W", ">", "<", ")", "(", "}", "{", "50%",
    "v", "v", "v", "i", "a", "iq", "ib", "is", "ic", "ip", "\r", "\r", "1", "2", "3", "4", "5",
    "t", "c", "y", "P", "e", "T", "D", "r", "R", "u", "\x12", "\x1b", "\x1b", "\x03",
    "/", "?", "n", "N", "/市\r", "?夜\r", "\t", "\x1b[Z", "\x1bOQ", "\x1bOR", "O", "h",
    "\x1bOP", "\x0c", "x", "q", "末", "班", "，", "「", "」", "tag", "\x7f", "\x17", "\x01",
    "\x05", "\x0b", "\x0a", "\x1b[200~pasted 文字\x1b[201~", "\x1b[<0;10;5M\x1b[<0;10;5m",
    "\x1b[<64;20;8M", "\x1b[<65;20;8M",
]


def storm_run(gloss, seed, nkeys, nresizes, article):
    """Random keys typed into a real terminal that is resized at random
    (TIOCSWINSZ, so gloss gets SIGWINCH and curses KEY_RESIZE), then Esc
    and :q!.  gloss must answer to the end, exit 0, write only its own
    control sequences, and leave the terminal as it found it."""
    import random
    rnd = random.Random(seed)
    out = []

    def check(good, text, *diag):
        out.append(("ok " if good else "not ok ") + text)
        if not good:
            for d in diag:
                for line in str(d).splitlines()[:30]:
                    out.append("#   " + line)

    env = base_env("")
    env.pop("GLOSS_SCRIPT")
    p, master, slave = spawn([gloss, article], env)
    before = p.tty_before
    data = bytearray()

    def drain(wait):
        end = time.monotonic() + wait
        while True:
            r, _, _ = select.select([master], [], [], max(0.0, end - time.monotonic()))
            if not r:
                return
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            if not chunk:
                return
            data.extend(chunk)

    drain(0.5)
    every = max(1, nkeys // max(1, nresizes))
    resizes = 0
    for i in range(nkeys):
        if p.poll() is not None:
            break
        os.write(master, rnd.choice(STORM_KEYS).encode("utf-8"))
        if resizes < nresizes and i % every == every - 1:
            cols, rows = (rnd.randint(1, 25), rnd.randint(1, 8)) if rnd.random() < 0.2 \
                else (rnd.randint(1, 250), rnd.randint(1, 80))
            # The kernel sends SIGWINCH to gloss, the terminal's owner.
            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            resizes += 1
        # Now and then let gloss catch up, as a typist pauses.
        drain(0.02 if i % 50 == 49 else 0)
    alive = p.poll() is None
    check(alive, "storm: gloss was still running after %d keys and %d resizes in a terminal"
          % (nkeys, resizes), data[-600:].decode("utf-8", "replace"))
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    os.write(master, b"\x1b\x1b\x03\x03\x1b")
    drain(0.5)
    os.write(master, b":q!\r")
    rest, st = collect(p, master)
    data.extend(rest)
    st = exit_status(st)
    check(st == 0, "storm: Esc and :q! end gloss with status 0", "got %s" % st,
          bytes(data[-1500:]).decode("utf-8", "replace"))
    check(not SANITIZER.search(data), "storm: no sanitizer report",
          bytes(data).decode("utf-8", "replace")[-2500:])
    problems, modes = judge(bytes(data))
    check(not problems, "storm: gloss wrote only its own control sequences (%d bytes)" % len(data),
          *problems[:5])
    wrong = modes_left(modes)
    check(modes.get("1049") == "l" and not wrong,
          "storm: and left the terminal as it found it (normal screen, cursor, modes)",
          "left: " + " ".join(wrong) + " modes: %r" % modes)
    check(termios.tcgetattr(slave) == before, "storm: the terminal's settings are restored")
    os.close(master)
    os.close(slave)
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def main(argv):
    sys.dont_write_bytecode = True
    if len(argv) >= 5 and argv[1] == "corpus":
        sample = int(argv[5]) if len(argv) > 5 else 1
        return corpus(argv[2], argv[3], argv[4], max(1, sample))
    if len(argv) == 6 and argv[1] == "signal":
        return signal_run(argv[2], argv[3], argv[4], argv[5])
    if len(argv) == 7 and argv[1] == "storm":
        return storm_run(argv[2], int(argv[3]), int(argv[4]), int(argv[5]), argv[6])
    if len(argv) == 6 and argv[1] == "hangup":
        return hangup_run(argv[2], argv[3], argv[4], argv[5])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))

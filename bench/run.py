"""Side-by-side speed of confcheck and Augeas on the same qemu.conf files.

Augeas with Debian's stock 9.0.0 lens is the fixed anchor; our own lens is
reported beside it.  Every figure is a ratio measured in this one run, so
the table means the same on any machine.  Usage:

    python bench/run.py [--quick] [--json PATH]
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.normpath(os.path.join(REPO, "..", "shared"))
STOCK_9 = os.path.join(SHARED, "corpus", "libvirt-9.0.0", "qemu.conf")
CONFCHECK = os.path.join(REPO, ".venv", "bin", "confcheck")
STOCK_LENS_DIR = "/usr/share/augeas/lenses"
OUR_LENS_DIR = os.path.join(REPO, "lenses")

AUGEAS_CAP_SECONDS = 60.0

# Rows with every check on include an Augeas load of the whole file (the
# LNS check asks the host's own lens whether it reads the file), so they
# can never be much faster than Augeas's load; they are shown, not judged.
UNJUDGED = "shown, not judged (includes an Augeas load)"
SIZES = (("66 KB", 66_000), ("650 KB", 650_000), ("2 MB", 2_000_000),
         ("10 MiB", 10 * 1024 * 1024 - 4096))


class BenchError(RuntimeError):
    """A measured command did not do what it is measured doing."""


def _run(command, timeout=None):
    """(seconds, timed out) of one child process.

    confcheck may exit 0 or 1 (findings); 2 means it did not check the
    file, and a time for that would be meaningless.
    """
    start = time.perf_counter()
    try:
        done = subprocess.run(command, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL,
                              stdin=subprocess.DEVNULL,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return time.perf_counter() - start, True
    elapsed = time.perf_counter() - start
    if command[0] == CONFCHECK and done.returncode not in (0, 1):
        raise BenchError(f"{' '.join(command)} exited {done.returncode}")
    if command[0] == "augtool" and done.returncode != 0:
        raise BenchError(f"{' '.join(command)} exited {done.returncode}")
    return elapsed, False


def _stock_lens_reads(root):
    """Raise unless Augeas with the stock lens reads ROOT's qemu.conf: a
    row against a lens that gave up early would compare nothing."""
    command = _augtool(root, STOCK_LENS_DIR)
    script = command[-1]
    with open(script, "w") as handle:
        handle.write("set /augeas/load/Q/lens Libvirtd_qemu.lns\n"
                     "set /augeas/load/Q/incl /etc/libvirt/qemu.conf\n"
                     "load\nmatch /augeas//error\n")
    done = subprocess.run(command, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0 or "error" in done.stdout:
        raise BenchError(f"the stock lens does not read {root}: "
                         f"{done.stdout.strip()[:200]}")


def _peak_memory(command):
    """Peak RSS (MB) of ``command``, read with GNU time."""
    result = subprocess.run(["/usr/bin/time", "-f", "%M"] + command,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, check=False)
    try:
        return int(result.stderr.strip().splitlines()[-1]) / 1024
    except (ValueError, IndexError):
        return float("nan")


def _best_of(command, repeats, timeout=None):
    times = []
    for _ in range(repeats):
        elapsed, timed_out = _run(command, timeout)
        if timed_out:
            return None
        times.append(elapsed)
    return min(times)


def _host_tree(base, text):
    conf_dir = os.path.join(base, "etc", "libvirt")
    os.makedirs(conf_dir, exist_ok=True)
    with open(os.path.join(conf_dir, "qemu.conf"), "w") as handle:
        handle.write(text)
    return base


def _on_host(conf):
    """confcheck with every check on, the file judged as this machine's
    /etc/libvirt/qemu.conf; its findings (and exit status) vary by host."""
    return [CONFCHECK, "--as", "/etc/libvirt/qemu.conf", conf]


def _augtool(root, lens_dir):
    commands = ("set /augeas/load/Q/lens Libvirtd_qemu.lns\n"
                "set /augeas/load/Q/incl /etc/libvirt/qemu.conf\n"
                "load\nprint /files/etc/libvirt/qemu.conf\n")
    script = os.path.join(root, "augtool.cmds")
    with open(script, "w") as handle:
        handle.write(commands)
    command = ["augtool", "-r", root, "--noautoload", "-f", script]
    if lens_dir != STOCK_LENS_DIR:
        # Searched before the standard directories, so our module wins.
        command[1:1] = ["-I", lens_dir]
    return command


def _stock_lens_body():
    """(head, filler) the stock 9.0.0 lens accepts, for growing a file.

    The head is the stock file with every example setting uncommented once
    (91 settings); the filler is the stock file's own comment text, so a
    large file looks like a real one that grew: mostly comments, each
    setting once.  Repeating the settings instead would measure how fast
    thousands of duplicate-setting warnings print, not parsing.
    """
    sys.path.insert(0, os.path.join(REPO, "tests"))
    from confgen import uncomment_examples

    stock = open(STOCK_9).read()
    return uncomment_examples(stock) + stock, stock


def _grown(body, size):
    head, filler = body
    copies = max(0, size - len(head)) // len(filler) + 1
    text = head + filler * copies
    return text[:size].rsplit("\n", 1)[0] + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="fewer repeats and no 10 MiB or 1,000 trees")
    parser.add_argument("--json", default=os.path.join(
        REPO, "bench", "results", "latest.json"))
    args = parser.parse_args(argv)
    repeats = 3 if args.quick else 5
    work = tempfile.mkdtemp(prefix="confcheck-bench-")
    rows = []
    # Other processes on the machine slow both sides; the ratios hold up
    # better than the seconds, but a busy machine is worth knowing about.
    load_before = os.getloadavg()
    try:
        stock_root = _host_tree(os.path.join(work, "stock"),
                                open(STOCK_9).read())
        conf = os.path.join(stock_root, "etc", "libvirt", "qemu.conf")

        ours = _best_of([CONFCHECK, "--no-host", conf], repeats)
        augeas = _best_of(_augtool(stock_root, STOCK_LENS_DIR), repeats)
        our_lens = _best_of(_augtool(stock_root, OUR_LENS_DIR), repeats)
        rows.append({"case": "a: cold run, stock 9.0.0 file",
                     "confcheck_s": ours, "augeas_s": augeas,
                     "our_lens_s": our_lens,
                     "ratio": ours / augeas, "target": "<= 4x"})

        # The same file with every check on, judged against this machine
        # as if installed here (what an admin runs on a hypervisor):
        # accounts, directories, the installed release and a second
        # Augeas load, with the host's own lens, for the LNS check.
        ours = _best_of(_on_host(conf), repeats)
        rows.append({"case": "a+: the same, host checks on",
                     "confcheck_s": ours, "augeas_s": augeas,
                     "ratio": ours / augeas, "target": UNJUDGED})

        body = _stock_lens_body()
        for label, size in SIZES:
            if args.quick and size > 3_000_000:
                continue
            root = _host_tree(os.path.join(work, label.replace(" ", "")),
                              _grown(body, size))
            conf = os.path.join(root, "etc", "libvirt", "qemu.conf")
            if size <= 3_000_000:
                _stock_lens_reads(root)
            ours = _best_of([CONFCHECK, "--no-host", conf], repeats)
            augeas = _best_of(_augtool(root, STOCK_LENS_DIR), 1,
                              AUGEAS_CAP_SECONDS)
            our_lens = _best_of(_augtool(root, OUR_LENS_DIR), 1,
                                AUGEAS_CAP_SECONDS)
            rows.append({
                "case": f"b: {label}", "confcheck_s": ours,
                "augeas_s": augeas, "our_lens_s": our_lens, "bytes": size,
                "ratio": (augeas / ours) if augeas else None,
                "target": ">= 20x faster at 650 KB; linear",
                "confcheck_mb": _peak_memory([CONFCHECK, "--no-host",
                                              conf])})
            if size == 650_000:
                ours = _best_of(_on_host(conf), repeats)
                rows.append({
                    "case": f"b+: {label}, host checks on",
                    "confcheck_s": ours, "augeas_s": augeas,
                    "ratio": (augeas / ours) if augeas else None,
                    "target": UNJUDGED,
                    "confcheck_mb": _peak_memory(_on_host(conf))})

        if not args.quick:
            trees = []
            for index in range(1000):
                trees.append(_host_tree(os.path.join(work, f"t{index}"),
                                        open(STOCK_9).read()))
            command = [CONFCHECK, "--no-host"]
            for tree in trees:
                command += ["--host-tree", tree]
            start = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=False)
            ours = time.perf_counter() - start
            start = time.perf_counter()
            for tree in trees:
                subprocess.run(_augtool(tree, STOCK_LENS_DIR),
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, check=False)
            augeas = time.perf_counter() - start
            rows.append({"case": "c: 1,000 host trees", "confcheck_s": ours,
                         "augeas_s": augeas, "ratio": augeas / ours,
                         "target": ">= 5x faster"})

        rows.append({"case": "d: peak memory, stock file",
                     "confcheck_mb": _peak_memory(
                         [CONFCHECK, "--no-host", STOCK_9]),
                     "target": "<= 60 MB (<= 200 MB at 10 MiB)"})
    finally:
        shutil.rmtree(work, ignore_errors=True)

    machine = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime(
            "%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(), "processor": _processor(),
        "python": sys.version.split()[0], "augeas": _augeas_version(),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()]}
    growth = _growth(rows)
    missed = _judge(rows)
    _print(rows)
    print(f"\ngrowth (start-up of row a taken off): {growth}")
    print("targets: " + ("all met" if not missed else
                         "MISSED: " + "; ".join(missed)))
    print(f"machine: {machine['cpus']} cpus, {machine['processor']}; "
          f"python {machine['python']}; augeas {machine['augeas']}; "
          f"{machine['date']}")
    print(f"load average (1, 5, 15 min) before {machine['load_before']}, "
          f"after {machine['load_after']}")
    os.makedirs(os.path.dirname(args.json), exist_ok=True)
    with open(args.json, "w") as handle:
        json.dump({"rows": rows, "growth": growth, "missed": missed,
                   **machine}, handle, indent=2)
    return 1 if missed else 0


def _judge(rows):
    """Mark each row met or not against the issue's targets; the misses."""
    missed = []

    def judge(row, met, why):
        row["met"] = met
        if not met:
            missed.append(f"{row['case']}: {why}")

    for row in rows:
        case, ratio = row["case"], row.get("ratio")
        if row["target"] == UNJUDGED:
            continue
        if case.startswith("a"):
            judge(row, ratio <= 4, f"{ratio:.1f}x, not <= 4x")
        elif case.startswith("b: 650") and ratio is not None:
            judge(row, ratio >= 20, f"{ratio:.1f}x faster, not >= 20x")
        elif case.startswith("c:"):
            judge(row, ratio >= 5, f"{ratio:.1f}x faster, not >= 5x")
        elif case.startswith("d:"):
            judge(row, row["confcheck_mb"] <= 60,
                  f"{row['confcheck_mb']:.0f} MB, not <= 60 MB")
        elif case == "b: 10 MiB":
            judge(row, row["confcheck_mb"] <= 200,
                  f"{row['confcheck_mb']:.0f} MB, not <= 200 MB")

    # Linear: the time per MB at 10 MiB (or the largest file run) no more
    # than twice that at 650 KB.
    per_mb = [row["confcheck_s_per_mb"] for row in rows
              if "confcheck_s_per_mb" in row]
    if len(per_mb) >= 2 and per_mb[-1] > 2 * max(per_mb[0], 0.001):
        missed.append(f"growth: {per_mb[-1] * 1000:.0f} ms/MB at the "
                      f"largest file against {per_mb[0] * 1000:.0f} at "
                      f"650 KB")
    return missed


def _growth(rows):
    """Seconds per MB of each grown file beyond a cold run: flat if linear."""
    cold = rows[0]["confcheck_s"]
    parts = []
    for row in rows:
        if (row.get("bytes") and row["bytes"] >= 600_000
                and row["case"].startswith("b:")):
            per_mb = (row["confcheck_s"] - cold) / (row["bytes"] / 1e6)
            row["confcheck_s_per_mb"] = per_mb
            parts.append(f"{row['case'][3:]} {per_mb * 1000:.0f} ms/MB")
    return ", ".join(parts)


def _processor():
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _augeas_version():
    result = subprocess.run(["augtool", "--version"], capture_output=True,
                            text=True, check=False)
    words = (result.stdout or result.stderr).split()
    return words[1] if len(words) > 1 else "unknown"


def _fmt(value, unit=""):
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}{unit}"
    return f"{value}{unit}"


def _print(rows):
    print(f"{'case':<34} {'confcheck':>10} {'augeas':>10} {'ratio':>8} "
          f"{'memory':>9} {'our lens':>9}  {'met':<4} target")
    for row in rows:
        met = {True: "yes", False: "NO"}.get(row.get("met"), "")
        print(f"{row['case']:<34} {_fmt(row.get('confcheck_s'), 's'):>10} "
              f"{_fmt(row.get('augeas_s'), 's'):>10} "
              f"{_fmt(row.get('ratio'), 'x'):>8} "
              f"{_fmt(row.get('confcheck_mb'), 'MB'):>9} "
              f"{_fmt(row.get('our_lens_s'), 's'):>9}  {met:<4} "
              f"{row['target']}")


if __name__ == "__main__":
    sys.exit(main())

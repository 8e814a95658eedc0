#!/usr/bin/env python3
"""Where the bytes of the static binary go, read from the linker's map (-Wl,-Map).

usage: link_map.py MAP BINARY REL_OBJ_DIR [PREVIOUS.tsv [SAVE.tsv]]

Every input section that lands in the file counts once: to a library (glibc, libstdc++, libgcc,
mbedTLS, libyaml) by the archive it came from, or to a src/ folder ("layer"). Our code is
link-time optimised, so its sections come from the LTO partitions (ltrans objects), named after
the function or variable they hold (-ffunction-sections -fdata-sections); the symbol tables of
the fat release objects say which src/ file defined each name. What no name leads back to
(string constants LTO merged across files) and templates that several layers instantiate get
lines of their own; code inlined into another file counts where it was inlined. Alignment, ELF
headers and linker-made tables are the rest of the file.
With PREVIOUS (the table saved by the last run) a column shows what changed since.
"""
import os
import re
import subprocess
import sys
from collections import defaultdict

LIBRARIES = [  # (name, pattern on the input file's path)
    ("glibc", re.compile(r"/libc\.a\(|/libm(-[0-9.]+)?\.a\(|/crt[1in]\.o$")),
    ("libstdc++", re.compile(r"/libstdc\+\+\.a\(")),
    ("libgcc", re.compile(r"/libgcc(_eh)?\.a\(|/crtbegin\w*\.o$|/crtend\w*\.o$")),
    ("mbedTLS", re.compile(r"/libmbedtls\.a\(")),
    ("libyaml", re.compile(r"/libyaml\.a\(")),
]
UNATTRIBUTED = "ours: constants LTO merged across files"
SHARED = "ours: templates/inline code of several layers"
LINKER = "ELF headers, alignment, linker-made tables"
# Section name prefixes in front of the symbol name, longest first.
PREFIXES = sorted([".text.unlikely.", ".text.hot.", ".text.startup.", ".text.", ".rodata.", ".data.rel.ro.local.",
                   ".data.rel.ro.", ".data.rel.local.", ".data.rel.", ".data.", ".tdata.", ".gcc_except_table."],
                  key=len, reverse=True)
SECTION_LINE = re.compile(r"^ (\S+)(?:\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(.*))?$")
CONTINUATION = re.compile(r"^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$")


def file_sections(binary):
    """Names of the sections that take room in the file (not NOBITS)."""
    out = subprocess.run(["readelf", "-SW", binary], capture_output=True, text=True, check=True).stdout
    names = set()
    for line in out.splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+(\S+)", line)
        if m and m.group(2) not in ("NULL", "NOBITS"):
            names.add(m.group(1))
    return names


def symbol_layers(rel_dir):
    """Symbol name -> set of src/ layers defining it, from the fat release objects' symbol tables."""
    objects = []
    for root, _, files in os.walk(os.path.join(rel_dir, "src")):
        # Only objects whose source is still there: a moved file's old object would claim its symbols.
        objects += [
            os.path.join(root, f)
            for f in files
            if f.endswith(".o") and os.path.exists(os.path.relpath(os.path.join(root, f[:-2] + ".cpp"), rel_dir))
        ]
    strong, weak = defaultdict(set), defaultdict(set)
    # readelf, not nm: nm reads a fat LTO object's IR symbol table, which lacks local names.
    out = subprocess.run(["readelf", "-sW"] + sorted(objects), capture_output=True, text=True).stdout
    layer = None
    for line in out.splitlines():
        if line.startswith("File: "):
            layer = layer_of(line[len("File: "):].strip(), rel_dir)
            continue
        parts = line.split()
        if len(parts) != 8 or parts[3] not in ("FUNC", "OBJECT") or parts[6] == "UND":
            continue
        (weak if parts[4] == "WEAK" else strong)[parts[7].split(".")[0]].add(layer)
    return strong, weak


def layer_of(path, rel_dir):
    relative = os.path.relpath(path, os.path.join(rel_dir, "src"))
    folder = os.path.dirname(relative)
    return "src/" + folder if folder else "src/ (main, replacements)"


def owner(path, section, strong, weak, rel_dir):
    for name, pattern in LIBRARIES:
        if pattern.search(path):
            return name
    if ".ltrans" in path:
        symbol = None
        for prefix in PREFIXES:
            if section.startswith(prefix):
                symbol = section[len(prefix):].split(".")[0]
                break
        if symbol:
            layers = strong.get(symbol) or weak.get(symbol)
            if layers:
                return next(iter(layers)) if len(layers) == 1 else SHARED
        return UNATTRIBUTED
    if path.startswith(rel_dir + "/") or "/rel/src/" in path:
        return layer_of(path, rel_dir)
    if path == "linker stubs" or not path:
        return LINKER
    return "other: " + os.path.basename(path)


def parse(map_path, in_file, strong, weak, rel_dir):
    sizes = defaultdict(int)
    members = defaultdict(int)  # library member -> bytes, for the largest pieces
    output = None
    pending = None  # an input section whose address and size are on the next line
    started = False
    with open(map_path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not started:
                started = line.startswith("Linker script and memory map")
                continue
            if line and not line[0].isspace():
                output = line.split()[0]
                pending = None
                continue
            if pending:
                m = CONTINUATION.match(line)
                section, pending = pending, None
                if m:
                    count(sizes, members, output, in_file, section, int(m.group(2), 16), m.group(3), strong, weak, rel_dir)
                continue
            m = SECTION_LINE.match(line)
            if not m or m.group(1) == "*fill*" or m.group(1).startswith("*("):
                continue
            if m.group(2) is None:
                pending = m.group(1)
            else:
                count(sizes, members, output, in_file, m.group(1), int(m.group(3), 16), m.group(4), strong, weak, rel_dir)
    return sizes, members


def count(sizes, members, output, in_file, section, size, path, strong, weak, rel_dir):
    if output not in in_file or size == 0:
        return
    path = path.strip()
    who = owner(path, section, strong, weak, rel_dir)
    sizes[who] += size
    member = re.search(r"([^/]+\.a)\(([^)]+)\)", path)
    if member:
        members[f"{who} {member.group(2)}"] += size


def main():
    map_path, binary, rel_dir = sys.argv[1:4]
    previous_path = sys.argv[4] if len(sys.argv) > 4 else None
    save_path = sys.argv[5] if len(sys.argv) > 5 else None
    strong, weak = symbol_layers(rel_dir)
    sizes, members = parse(map_path, file_sections(binary), strong, weak, rel_dir)
    total = os.path.getsize(binary)
    sizes[LINKER] += total - sum(sizes.values())

    previous = {}
    if previous_path and os.path.exists(previous_path):
        with open(previous_path) as f:
            for line in f:
                name, _, value = line.rstrip("\n").partition("\t")
                if value.lstrip("-").isdigit():
                    previous[name] = int(value)

    libraries = [name for name, _ in LIBRARIES]
    ours = sorted((k for k in sizes if k.startswith("src/")), key=lambda k: -sizes[k])
    rest = [k for k in sizes if k not in ours and k not in libraries]
    rows = [("our code, by src/ folder", None)] + [(k, sizes[k]) for k in ours]
    rows += [(k, sizes[k]) for k in (UNATTRIBUTED, SHARED) if k in sizes]
    rows += [("libraries", None)] + [(k, sizes.get(k, 0)) for k in libraries]
    rows += [("", None)] + [(k, sizes[k]) for k in rest if k not in (UNATTRIBUTED, SHARED)]
    rows += [("build/taupage (static, stripped)", total)]
    delta_header = "  since last run" if previous else ""
    print(f"{'where the bytes of build/taupage go':<50} {'bytes':>10}{delta_header}")
    for name, value in rows:
        if value is None:
            print(f"{name}:" if name else "")
            continue
        line = f"  {name:<48} {value:>10,}"
        if previous:
            before = previous.get(name, 0)
            line += f"  {value - before:>+10,}" if value != before else f"  {'':>10}"
        print(line)
    print("largest library pieces:")
    for name, value in sorted(members.items(), key=lambda item: -item[1])[:8]:
        print(f"  {name:<48} {value:>10,}")

    if save_path:
        with open(save_path, "w") as f:
            for name, value in rows:
                if value is not None:
                    f.write(f"{name}\t{value}\n")


if __name__ == "__main__":
    main()

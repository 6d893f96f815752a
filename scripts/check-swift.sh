#!/usr/bin/env bash
# There is no Swift compiler on this machine kind: check the Swift binding textually.
# - the UniFFI glue (bindings-uniffi/swift/generated, from scripts/kotlin-env.sh) has the API the
#   Swift surface builds on (async methods, the error type, the module map);
# - the typed surface (bindings-uniffi/swift/Imcloud: Operations.swift and ClientOptions.swift from
#   `cargo xtask gen`, Clients.swift by hand) has a method for every catalogue operation, balanced
#   brackets, no Kotlin-isms, and calls into the glue only with names and labels the glue has.
set -euo pipefail
cd "$(dirname "$0")/.."
swift=bindings-uniffi/swift/generated/ImcloudFFI.swift
for want in \
  'open class RongCloudClient' \
  'open class EasemobClient' \
  'open class EmulatorHandle' \
  'func call(op: String, argsJson: String) async throws  -> Reply' \
  'func upload(op: String, argsJson: String, path: String?, data: Data?, name: String?) async throws  -> Reply' \
  'func download(op: String, argsJson: String, path: String?) async throws  -> DownloadReply' \
  'enum FfiError: Swift.Error' \
  'public struct Reply'; do
  if ! grep -qF "$want" "$swift"; then
    echo "generated Swift lacks: $want" >&2
    exit 1
  fi
done
test -f bindings-uniffi/swift/generated/ImcloudFFIFFI.h
test -f bindings-uniffi/swift/generated/ImcloudFFIFFI.modulemap

python3 - "$swift" bindings-uniffi/swift/Imcloud <<'EOF'
import json, pathlib, re, sys

glue_path, surface_dir = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
glue = glue_path.read_text()
files = {p.name: p.read_text() for p in sorted(surface_dir.glob("*.swift"))}
problems = []

def lower_camel(name):
    parts = [p for p in re.split(r"[._]", name) if p]
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])

# every catalogue operation is a method, calling the core with its catalogue name
ops = files.get("Operations.swift", "")
count = 0
for cloud_dir in sorted(pathlib.Path("catalogue").iterdir()):
    if not cloud_dir.is_dir():
        continue
    for family in sorted(cloud_dir.glob("*.json")):
        if family.name.startswith("_"):
            continue
        for op in json.loads(family.read_text()).get("operations", []):
            count += 1
            method = f"public func {lower_camel(op['name'])}("
            if method not in ops:
                problems.append(f"Operations.swift has no {method} for {cloud_dir.name} {op['name']}")
            if f'"{op["name"]}"' not in ops:
                problems.append(f"Operations.swift never calls {cloud_dir.name} {op['name']}")

def code_only(text):
    """The text without comments and string literals (their brackets do not count)."""
    text = re.sub(r'"(?:\\.|[^"\\\n])*"', '""', text)
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r"/\*.*?\*/", "", text, flags=re.S)

kotlinisms = [r"\bfun\b", r"\bval\b", r"\bsuspend\b", r"\bdata class\b", r"\blistOf\(", r"\bmapOf\(",
              r"\?:", r"\bJsonElement\b", r"\bBoolean\b", r"\bLong\b", r"\bList<", r"\bMap<", r"\bUnit\b",
              r"\binternal constructor\b", r"\?\s*=\s*null\b", r"\bwhen\s*\(", r"\bobject\s+\w+\s*\{", r" to \""]
for name, text in files.items():
    code = code_only(text)
    for open_, close in ["{}", "()", "[]"]:
        depth = 0
        for i, c in enumerate(code):
            depth += (c == open_) - (c == close)
            if depth < 0:
                problems.append(f"{name}: unbalanced {close} at offset {i}")
                break
        if depth > 0:
            problems.append(f"{name}: {depth} unclosed {open_}")
    for pat in kotlinisms:
        m = re.search(pat, code)
        if m:
            line = code[: m.start()].count("\n") + 1
            problems.append(f"{name}:{line}: Kotlin-ism {m.group(0)!r}")

# every call into the glue names a function the glue declares, with the same argument labels
surface = "\n".join(code_only(t) for t in files.values())
glue_funcs = {}
for m in re.finditer(r"func (\w+)\(([^)]*)\)", glue):
    labels = tuple(re.findall(r"(?:^|,)\s*(\w+)\s*:", m.group(2)))
    glue_funcs.setdefault(m.group(1), set()).add(labels)
for m in re.finditer(r"\bnative\.(\w+)\(([^()]*(?:\([^()]*\)[^()]*)*)\)", surface):
    labels = tuple(re.findall(r"(?:^|,)\s*(\w+)\s*:", m.group(2)))
    if labels not in glue_funcs.get(m.group(1), set()):
        problems.append(f"the glue has no func {m.group(1)}({''.join(l + ':' for l in labels)})")
for m in re.finditer(r"\b(RongCloudClient|EasemobClient)\((\w+):", surface):
    if not re.search(rf"convenience init\({m.group(2)}:", glue) and not re.search(rf"public init\({m.group(2)}:", glue):
        problems.append(f"the glue has no {m.group(1)} init({m.group(2)}:)")
# the glue's records: every field the surface reads
records = {}
for m in re.finditer(r"public struct (\w+)[^{\n]*\{(.*?)\n\}", glue, flags=re.S):
    records[m.group(1)] = set(re.findall(r"public var (\w+):", m.group(2)))
used = set(re.findall(r"\breply\.(\w+)", surface))
known = records.get("Reply", set()) | records.get("DownloadReply", set())
for field in sorted(used - known):
    problems.append(f"the glue's Reply/DownloadReply have no field {field}")

if count == 0:
    problems.append("no catalogue operations found (run from the repository root)")
if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
print(f"Swift surface: {count} catalogue operations, each an async method; brackets balanced; "
      f"{len(used)} reply fields and every glue call match the UniFFI glue")
EOF
echo "Swift binding generated: $(grep -c 'async throws' "$swift") async functions (not compiled: no Swift toolchain here)"

# Package.swift: its targets point at what exists, the binary target is the glue's C module, and
# the surface imports the glue module by the name the package gives it.
python3 - <<'PY'
import pathlib, re, sys
pkg = pathlib.Path("Package.swift").read_text()
problems = []
ffi_module = re.search(r"module (\w+)", pathlib.Path("bindings-uniffi/swift/generated/ImcloudFFIFFI.modulemap").read_text()).group(1)
if f'.binaryTarget(name: "{ffi_module}"' not in pkg:
    problems.append(f"Package.swift: no binary target named {ffi_module} (the glue's C module)")
for path in re.findall(r'path: "([^"]+)"', pkg):
    if path.endswith(".xcframework"):
        continue  # built on macOS by scripts/build-xcframework.sh
    if not pathlib.Path(path).is_dir():
        problems.append(f"Package.swift: target path {path} does not exist")
for src in re.findall(r'sources: \["([^"]+)"\]', pkg):
    if not pathlib.Path("bindings-uniffi/swift/generated", src).is_file():
        problems.append(f"Package.swift: source {src} is not generated")
if 'import ImcloudFFI' not in pathlib.Path("bindings-uniffi/swift/Imcloud/Clients.swift").read_text():
    problems.append("Clients.swift does not import ImcloudFFI")
if not re.search(r'\.library\(name: "imcloud", targets: \["imcloud"\]\)', pkg):
    problems.append('Package.swift: the product and module are not "imcloud"')
if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
print(f"Package.swift: targets exist, binary target {ffi_module}, product imcloud")
PY

"""Print one line counting the Kotlin tests Maven's surefire ran: passed and failed."""

import glob
import re
import sys

reports = sys.argv[1] if len(sys.argv) > 1 else "bindings-uniffi/kotlin/target/surefire-reports"
t = f = 0
for x in glob.glob(f"{reports}/TEST-*.xml"):
    with open(x, encoding="utf-8") as fh:
        head = fh.read(2000)
    t += int(re.search(r'tests="(\d+)"', head).group(1))
    f += sum(int(n) for n in re.findall(r'(?:failures|errors)="(\d+)"', head)[:2])
print(f"Kotlin: {t - f} passed, {f} failed")

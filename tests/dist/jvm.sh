#!/usr/bin/env bash
# The installed JVM artifact as a user gets it: a fresh Maven project whose pom.xml has only the
# io.github.imcloud:imcloud:0.1.0 dependency and a Java quick start, compiled and run offline
# (`mvn -o`) with no cargo or rustc on PATH and no imcloud.libdir / jna.library.path / IMCLOUD_*
# set: the native library comes out of the jar, and the quick start talks to the emulator
# started from the jar (imcloud.testing.Emulator). Run scripts/dist-jvm.sh first (the justfile's
# test-dist-jvm does both).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
repo="${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}"
[ -f "$repo/io/github/imcloud/imcloud/0.1.0/imcloud-0.1.0.jar" ] || {
  echo "tests/dist/jvm.sh: io.github.imcloud:imcloud:0.1.0 is not in $repo; run scripts/dist-jvm.sh" >&2
  exit 1
}
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src/main/java/quickstart"
cat >"$work/pom.xml" <<'POM'
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>example</groupId>
  <artifactId>quickstart</artifactId>
  <version>1</version>
  <properties>
    <maven.compiler.source>17</maven.compiler.source>
    <maven.compiler.target>17</maven.compiler.target>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencies>
    <dependency>
      <groupId>io.github.imcloud</groupId>
      <artifactId>imcloud</artifactId>
      <version>0.1.0</version>
    </dependency>
  </dependencies>
</project>
POM
cat >"$work/src/main/java/quickstart/Main.java" <<'JAVA'
package quickstart;

import com.sun.jna.NativeLibrary;
import imcloud.Easemob;
import imcloud.NotFoundException;
import imcloud.RongCloud;
import imcloud.RongCloudUserRegisterResult;
import imcloud.testing.Emulator;

public class Main {
    public static void main(String[] args) throws Exception {
        for (String p : new String[] {"jna.library.path", "imcloud.libdir"}) {
            if (System.getProperty(p) != null) throw new IllegalStateException(p + " is set");
        }
        try (Emulator emu = new Emulator()) {
            RongCloud rc = emu.rongcloud();
            RongCloudUserRegisterResult ann = rc.blocking().userRegister("u1", "Ann");
            System.out.println("registered u1 via primary: " + ann.getHost().equals(emu.getHosts().get(0)) + ", token: " + (ann.getToken() != null));
            emu.setOnline("u1", true);
            System.out.println("u1 online status (future): " + rc.async().userCheckOnline("u1").get().getStatus());
            Easemob em = emu.easemob();
            em.blocking().userRegister("alice", "pw");
            try {
                em.blocking().userGet("nobody");
            } catch (NotFoundException e) {
                System.out.println("typed error: " + e.getKind() + " " + e.getHttpStatus() + " " + e.getApiCode());
            }
            System.out.println("native library: " + NativeLibrary.getInstance("imcloud_ffi").getFile());
        }
    }
}
JAVA

# PATH: the directories of java and mvn and the basic tools, none holding cargo or rustc
path=""
for d in "$(dirname "$(readlink -f "$(command -v java)")")" "$(dirname "$(readlink -f "$(command -v mvn)")")" /usr/bin /bin; do
  if [ ! -e "$d/cargo" ] && [ ! -e "$d/rustc" ]; then path="${path:+$path:}$d"; fi
done
cd "$work"
# env -i: nothing of this shell's environment (no IMCLOUD_*, CARGO_*, MAVEN_OPTS, JAVA_TOOL_OPTIONS)
out="$(env -i HOME="$HOME" PATH="$path" LANG=C.UTF-8 bash -euo pipefail -c '
  if command -v cargo >/dev/null || command -v rustc >/dev/null; then
    echo "cargo or rustc is on PATH: $PATH" >&2; exit 1
  fi
  if env | grep -E "^IMCLOUD_|jna.library.path|imcloud.libdir"; then echo "the environment names the library" >&2; exit 1; fi
  mvn -o -q -B -Dstyle.color=never -Dmaven.repo.local="$0" compile
  mvn -o -q -B -Dstyle.color=never -Dmaven.repo.local="$0" org.codehaus.mojo:exec-maven-plugin:3.5.0:exec \
    -Dexec.executable=java -Dexec.args="-cp %classpath quickstart.Main"
' "$repo" | sed 's/\x1b\[[0-9;]*m//g')"
echo "$out"
expect=(
  "registered u1 via primary: true, token: true"
  "u1 online status (future): 1"
  "typed error: not_found 404 service_resource_not_found"
)
for line in "${expect[@]}"; do
  grep -qxF "$line" <<<"$out" || { echo "tests/dist/jvm.sh: missing output line: $line" >&2; exit 1; }
done
# the library JNA loaded is the jar's, unpacked into a temporary file, not one of the repository's
lib="$(sed -n 's/^native library: //p' <<<"$out")"
case "$lib" in
  "" | "$root"/*) echo "tests/dist/jvm.sh: the native library did not come from the jar: '$lib'" >&2; exit 1 ;;
esac
echo "== JVM: the installed artifact works from a fresh Maven project (no cargo/rustc, no library path)"

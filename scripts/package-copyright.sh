#!/usr/bin/env bash
# Prints debian/copyright (machine-readable format) for the package: deskphone itself, then every npm package
# bundled under NODE_MODULES with the licence its package.json declares. Used by scripts/package.sh.
set -euo pipefail
NM=${1:?usage: package-copyright.sh NODE_MODULES}
cat <<'HEAD'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: deskphone
Comment: The program under usr/lib/deskphone/dist and hardware is deskphone's own; usr/lib/deskphone/node_modules
 holds its production npm dependencies, each listed below with the licence its package.json declares (the full
 texts ship beside them, in each package's directory).

Files: *
Copyright: 2026 deskphone maintainers
License: deskphone
 The deskphone source tree declares no licence of its own ("private" in package.json):
 ask its maintainers before redistributing it.
HEAD
node -e '
  const fs = require("fs"), path = require("path");
  const nm = process.argv[1], seen = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory() || e.name.startsWith(".")) continue;
      const d = path.join(dir, e.name);
      if (e.name.startsWith("@")) { walk(d); continue; }
      const pj = path.join(d, "package.json");
      if (fs.existsSync(pj)) {
        const p = JSON.parse(fs.readFileSync(pj, "utf8"));
        const lic = typeof p.license === "string" ? p.license : (p.license && p.license.type) || "unknown";
        const author = typeof p.author === "string" ? p.author : (p.author && p.author.name) || "the authors of " + p.name;
        seen.push({ rel: path.relative(nm, d), name: p.name, version: p.version, lic, author });
      }
      if (fs.existsSync(path.join(d, "node_modules"))) walk(path.join(d, "node_modules"));
    }
  };
  walk(nm);
  seen.sort((a, b) => a.rel.localeCompare(b.rel));
  for (const s of seen)
    process.stdout.write(`\nFiles: usr/lib/deskphone/node_modules/${s.rel}/*\nCopyright: ${s.author.replace(/\s+/g, " ")}\nLicense: ${s.lic}\nComment: ${s.name} ${s.version}\n`);
' "$NM"

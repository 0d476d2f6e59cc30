#!/usr/bin/env bash
# Every route of the server's table (backoffice/http/bo_route.c) is in
# sync/openapi.yaml with the same method, and every path there is served.
# Usage: openapi_routes.sh SOURCE_DIR
set -eu
src=$1
routes=$(grep -oE '\{"(GET|POST|DELETE)", "[^"]+"' "$src/backoffice/http/bo_route.c" | sed -E 's/\{"([A-Z]+)", "([^"]+)"/\1 \2/')
[ -n "$routes" ] || { echo "FAIL: no routes found in bo_route.c"; exit 1; }
spec=$(python3 - "$src/sync/openapi.yaml" <<'PY'
import re, sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
for path, ops in d["paths"].items():
    for m in ops:
        if m in ("get", "post", "put", "delete"):
            print(m.upper(), re.sub(r"\{[^}]+\}", "*", path))
PY
)
fail=0
while read -r line; do
  grep -qxF "$line" <<<"$spec" || { echo "FAIL: route '$line' is not in sync/openapi.yaml"; fail=1; }
done <<<"$routes"
while read -r line; do
  grep -qxF "$line" <<<"$routes" || { echo "FAIL: sync/openapi.yaml has '$line', which the server does not serve"; fail=1; }
done <<<"$spec"
[ $fail -eq 0 ] && echo "ok: $(wc -l <<<"$routes") routes"
exit $fail

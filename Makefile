# `make build` and `make test` set everything up on a fresh machine:
# Debian packages when missing (we run as root), then .venv with the pinned
# requirements whenever requirements.txt changes, and node_modules (the form
# editor at /admin/, pinned in package-lock.json) whenever that changes.

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/requirements.installed
NODE_STAMP := node_modules/.package-lock.json
DEBIAN_PACKAGES := chromium poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core

.PHONY: build test check serve schema tidy cms-server bench fidelity audit system bytecode clean

build: system $(STAMP) $(NODE_STAMP) bytecode
	$(PY) build.py

test: system $(STAMP) $(NODE_STAMP)
	$(PY) -m ruff check .
	$(PY) -m pytest

check: $(STAMP)
	$(PY) build.py check

serve: system $(STAMP) $(NODE_STAMP) bytecode
	$(PY) build.py serve

schema: $(STAMP)
	$(PY) build.py schema

tidy: $(STAMP)
	$(PY) build.py tidy

# The form editor's local repository mode: with `make serve` running, open http://localhost:8000/admin/.
cms-server: $(NODE_STAMP)
	node_modules/.bin/decap-server

bench: system $(STAMP) $(NODE_STAMP) bytecode
	$(PY) benchmarks/run.py

# Lighthouse (mobile) and the Nu Html Checker over the built site, served compressed; fails below the targets.
# Both come from npm, pinned in audit/package-lock.json; Chromium and Java 17 are on the machine.
AUDIT_TOOLS := audit/node_modules/.package-lock.json
audit: build $(AUDIT_TOOLS)
	$(PY) audit/run.py site

$(AUDIT_TOOLS): audit/package-lock.json
	cd audit && npm ci --no-audit --no-fund --ignore-scripts

# The built site/ against the source documents: make fidelity SOURCE=cards.txt CONTEXT=article.txt
fidelity: $(STAMP)
	$(PY) -m factsheets.fidelity $(SOURCE) $(if $(CONTEXT),--context $(CONTEXT))

system:
	@missing=""; for pkg in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$pkg 2>/dev/null | grep -q "ok installed" || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# The package's compiled modules, as pip writes them for installed packages: an environment may keep Python from
# writing them itself (PYTHONDONTWRITEBYTECODE, as this machine's does), and then every build compiles them anew,
# a tenth of a second of a rebuild. Only modules whose source changed are compiled again.
bytecode: $(STAMP)
	$(PY) -m compileall -q factsheets

$(STAMP): requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	cp requirements.txt $(STAMP)

$(NODE_STAMP): package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

clean:
	rm -rf site .build .cache .pytest_cache

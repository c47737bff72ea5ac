# Two commands for a newcomer: `make demo` and `make test`. Both set up what they need.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
NIANBAO := $(VENV)/bin/nianbao

.PHONY: setup demo mail-demo test lint generate bench office fonts browser clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

setup: $(VENV)/.installed

# What the tests use besides Python packages: LibreOffice (headless) as a real spreadsheet and word
# processor, and openssl to make the certificate of the loopback mail servers.
office:
	@if ! command -v soffice >/dev/null 2>&1 || ! command -v openssl >/dev/null 2>&1; then \
	  echo "Installing LibreOffice (headless) and openssl for the tests..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
	    libreoffice-calc-nogui libreoffice-writer-nogui openssl >/dev/null; \
	fi

# Free CJK fonts for the PDF (when the official fonts are absent) and poppler-utils (pdffonts,
# pdftotext, pdftoppm): what `make demo` needs for its PDFs, and the publishing tests.
fonts:
	@if ! command -v pdffonts >/dev/null 2>&1 || ! fc-list :lang=zh family 2>/dev/null | grep -qi "noto\|ukai"; then \
	  echo "Installing CJK fonts and poppler-utils..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
	    fonts-noto-cjk fonts-arphic-ukai fonts-arphic-uming poppler-utils >/dev/null; \
	fi

# Chromium (headless): the tests print the HTML reports with a real browser.
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  echo "Installing Chromium (headless) for the tests..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
	    chromium >/dev/null; \
	fi

# Build every bundled sample into out/: Word, PDF and web page of each valid one, index.html and
# 校验结果.xlsx. Some samples are wrong on purpose, so exit 1 (rejected) is expected.
demo: setup fonts
	$(NIANBAO) build samples -o out --pdf --html || test $$? -eq 1
	@echo "Reports (Word, PDF, web page), index.html and 校验结果.xlsx are in out/"

# The email round trip against SMTP and IMAP servers started on 127.0.0.1 (see README).
mail-demo: setup office
	$(PY) scripts/mail_demo.py

# ruff and mypy: the code stays clean as it grows
lint: setup
	$(VENV)/bin/ruff check converter tests bench scripts
	$(VENV)/bin/mypy

test: setup office fonts browser lint
	$(PY) -m pytest -q

# Regenerate the committed artefacts derived from the format definitions.
generate: setup
	$(PY) -m converter.generate

# Benchmark (not a test): N=10000 make bench for the big run.
bench: setup fonts
	$(PY) -m pip install -q -e '.[bench]'
	$(PY) bench/run.py
	$(PY) bench/reading.py
	$(PY) bench/publishing.py

clean:
	rm -rf out build $(VENV)

# Two commands on a fresh machine with Python 3.11: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
OUT ?= out/demo

.PHONY: setup demo test clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

demo: setup
	$(VENV)/bin/crosswire run sample --out $(OUT)
	@echo "Tables: $(abspath $(OUT))/<table> (Delta tables; query them with: $(VENV)/bin/crosswire sql $(OUT))"

test: setup  # the tests spread over every core: each starts what it needs on ports of its own
	$(VENV)/bin/pytest -q -n auto --dist worksteal

clean:
	rm -rf $(VENV) out

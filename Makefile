# The two commands of the README's quickstart, and the helpers behind them.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= out

.PHONY: demo test venv test-deps bench fuzz generate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

venv: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

test-deps: venv
	$(BIN)/python -m pip install --quiet -e '.[test,opa,azure]'

# Lint the bundled sample with the embedded engine: findings on stdout, SARIF,
# JSON and markdown under $(OUT)/. The sample has violations on purpose, so
# exit code 1 (findings at or above --fail-on) is the expected outcome here.
demo: venv
	@mkdir -p $(OUT)
	@echo "== a Bicep module template and a single resource body (az sig image-version show)"
	-$(BIN)/gallerylint lint samples/iac/bicep-modules/main.json samples/bodies/image-version.json \
	    --now 2026-11-21T00:00:00Z
	@echo "== the contoso estate"
	$(BIN)/gallerylint lint samples/contoso/ --config samples/contoso/.gallerylint.yaml \
	    --now 2026-11-21T00:00:00Z \
	    --format text --format sarif --output $(OUT)/contoso.sarif \
	    --format json --output $(OUT)/contoso.json \
	    --format markdown --output $(OUT)/contoso.md; \
	rc=$$?; test $$rc -le 1 || exit $$rc; \
	echo "wrote $(OUT)/contoso.sarif, $(OUT)/contoso.json, $(OUT)/contoso.md (exit $$rc: findings present)"

# The whole suite. pytest's exit code 5 (no tests collected) is a failure.
test: test-deps
	$(BIN)/python -m pytest -q $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

# Every generated file, from one command (tests fail while any is stale): the rule and
# configuration references, the policies' metadata cache, and the sample estate's JSON.
# samples/contoso/EXPECTED.md is not generated: it is the reviewed expectation.
generate: venv
	$(BIN)/python -m linter.docs
	$(BIN)/python samples/make_contoso.py

bench: venv
	$(BIN)/python benchmarks/run.py

# A randomized fuzz campaign (fuzz/campaign.py): FUZZ_MINUTES of property tests with
# many more examples, then the atheris targets; failures land where `make test` replays them.
FUZZ_MINUTES ?= 30
fuzz: test-deps
	$(BIN)/python -m pip install --quiet atheris
	$(BIN)/python fuzz/campaign.py --minutes $(FUZZ_MINUTES)

clean:
	rm -rf $(VENV) $(OUT) build *.egg-info .pytest_cache

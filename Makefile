# pvlint — everyday targets. `make test` is what CI runs (through .ci/run).
GO      ?= go
BIN     ?= bin/pvlint
PKGS    := ./...

.PHONY: all build test vet fmt-check unit race bench demo docs integration compare fuzz clean helm-fidelity

all: build

build:
	$(GO) build -o $(BIN) ./cmd/pvlint

# Every test runs under the race detector: the linter, the parsers and the
# rules all use worker pools, and the suite is small enough (well under the
# CI budget) that one race-enabled run replaces a plain one.
test: fmt-check vet race

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './vendor/*')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

unit:
	$(GO) test -count=1 $(PKGS)

race:
	$(GO) test -count=1 -race $(PKGS)

bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 1x -timeout 60m ./linter/ ./parsers/...

compare:
	scripts/compare.sh -n 7 $(if $(CORPUS),-c $(CORPUS)) $(if $(TINY),-t $(TINY))

# pvlint's rendering of every chart under DIR against the helm v4 binary's
# (skipped when helm is not installed): make helm-fidelity DIR=path/to/charts
helm-fidelity:
	scripts/helm-fidelity.sh $(or $(DIR),.)

demo:
	$(GO) run ./cmd/pvlint testdata/demo

docs:
	$(GO) test ./rules -run '^(TestDocs|TestReadmeRulesTable)$$' -count=1 -update-docs

integration:
	bash scripts/precommit-integration.sh

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParseBytes -fuzztime 30s ./parsers/k8s/
	$(GO) test -run '^$$' -fuzz FuzzBlockReader -fuzztime 60s ./parsers/k8s/

clean:
	rm -rf bin

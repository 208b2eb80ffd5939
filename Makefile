# Slush — build, test and run the fractal validium tree.
BINARY      := slushchaind
BUILD_DIR   := build
VERSION     ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT      := $(shell git rev-parse --short HEAD 2>/dev/null)
LDFLAGS     := -X github.com/cosmos/cosmos-sdk/version.Name=slush \
               -X github.com/cosmos/cosmos-sdk/version.AppName=$(BINARY) \
               -X github.com/cosmos/cosmos-sdk/version.Version=$(VERSION) \
               -X github.com/cosmos/cosmos-sdk/version.Commit=$(COMMIT)
GO_TEST_FLAGS ?= -count=1 -timeout 25m

.PHONY: all build build-previous install test test-unit test-localnet test-e2e test-e2e-root-failover test-e2e-reparent test-e2e-recursive test-recursive soak bench lint proto-tools proto-gen localnet localnet-down demo clean

all: build

build:
	go build -ldflags '$(LDFLAGS)' -o $(BUILD_DIR)/$(BINARY) ./cmd/$(BINARY)

# The previous release: this source without the validium-consensus upgrade handler (build tag
# slush_previous_release), which a live root runs until the plan height (scripts/root-failover.sh).
build-previous:
	go build -tags slush_previous_release -ldflags '$(LDFLAGS)' -o $(BUILD_DIR)/$(BINARY)-previous ./cmd/$(BINARY)

install:
	go install -ldflags '$(LDFLAGS)' ./cmd/$(BINARY)

# make test: every unit, keeper, circuit and app test, plus the single-chain localnet check
# (skipped when SLUSH_SKIP_LOCALNET=1). Heavy runs are benchmarks or opt-in targets.
test: build
	go test $(GO_TEST_FLAGS) ./...

# The multi-chain localnet test (opt-in: it makes development keys and runs three chains):
# root -> 1 -> 1-1 comes up with every child registered on its parent.
test-localnet:
	SLUSH_LOCALNET_TREE=1 go test $(GO_TEST_FLAGS) -run 'TestLocalnet' -v ./tests/localnet/...

# The multi-chain end-to-end suite (tests/e2e, build tag e2e): the demo's transfer asserted,
# a relayer crash mid-transfer, a node kill and restart, a stopped child frozen by its parent.
# One five-chain localnet plus the relayer on ports 30600+ (SLUSH_E2E_PORT); about 4-6 min on
# 2 shared cores, keys included.
test-e2e: build
	go test $(GO_TEST_FLAGS) -tags e2e -v ./tests/e2e/...

# Opt-in: the root failover (DESIGN §10, scripts/root-failover.sh) after the demo on the
# five-chain localnet: the validium-consensus upgrade by governance on the live root (it runs the
# previous release until the plan height), the root stopped, reported silent after a 30 s liveness
# timeout, re-elected by its descendants on both children of the root, restarted from its export
# under the elected operator, adopted by both, and a transfer 1-2 -> 2 across it. ~10 min.
test-e2e-root-failover: build build-previous
	SLUSH_E2E_ROOT_FAILOVER=1 go test -count=1 -timeout 40m -tags e2e -run 'TestRootFailover' -v ./tests/e2e/...

# Opt-in: re-parenting (issue 20, scripts/reparent.sh, tests/e2e TestReparent): the demo, then 1-2
# moved under 2 with its state (departure, finality at the root, arrival, new path), and a transfer
# from and one to the moved chain claimed; then 1 frozen by the root and 1-1 moved from it under 2
# (--from-frozen-parent: the departure on the root, the arrival, 1-1 restarted from its export);
# and TestReparentSubtree: the deep demo, then 1-1 moved with its child 1-1-1 under the root (the
# child follows: its ledger frozen until its path moves). About 9 + 8 min.
test-e2e-reparent: build
	SLUSH_E2E_REPARENT=1 go test -count=1 -timeout 45m -tags e2e -run 'TestReparent' -v ./tests/e2e/...

# Opt-in: RECURSIVE subtree proofs on every chain, twice (tests/e2e): the five-chain tree
# (scripts/demo.sh --full-validity, TestRecursiveTree: the root verifies 1-1's and 1-2's moves by
# leaf steps the relayer proves) and the depth-3 tree root -> 1 -> 1-1 -> 1-1-1 (demo.sh --deep
# --full-validity, TestRecursiveDeepTree: the root verifies 1-1's moves by node steps, one of which
# verifies 1-1-1's leaf step). Step setups take ~25 min on 2 cores the first time (then the
# development key cache has them); the relayer peaks at ~3 GiB. RECURSIVE_TESTS narrows it.
RECURSIVE_TESTS ?= TestRecursive(Deep)?Tree
test-e2e-recursive: build
	SLUSH_E2E_RECURSIVE=1 go test -count=1 -timeout 90m -tags e2e -run '$(RECURSIVE_TESTS)' -v ./tests/e2e/...

# Opt-in: the soak (issue 18, tests/e2e TestSoak): the default tree under a steady load of ledger
# and bridge transfers for SOAK_MINUTES (default 60), sampled every minute; writes
# build/soak/soak.csv, soak.png and heap profiles, and fails on a stuck message or a supply change.
# Ports 24600+ (SOAK_PORT; below the ephemeral range 32768+, where a port can be taken by any
# outgoing connection), so it can run beside a localnet or the e2e suite.
SOAK_MINUTES ?= 60
SOAK_PORT ?= 24600
soak: build
	SLUSH_SOAK_MINUTES=$(SOAK_MINUTES) SLUSH_E2E_PORT=$(SOAK_PORT) go test -count=1 -timeout $$(( $(SOAK_MINUTES) + 40 ))m -tags e2e -run 'TestSoak$$' -v ./tests/e2e/...

# Opt-in: the step paths with real recursive proofs: a grandchild's batch proof verified inside a
# LeafStep proof, the step verified by the parent's x/validium; and the node steps — a node
# grandchild's batch inside a NodeLedgerStep, a great-grandchild's batch inside a LeafStep inside a
# NodeChildStep; and TestSingleLiarCannotElect (a lying leaf grandchild cannot get its commitment
# proven nor outvote v alone). About 25 min of setup on 2 cores the first time (leaf, node ledger
# and node child steps), then keys from the development key cache; about 3 GiB of memory.
test-recursive:
	SLUSH_RECURSIVE_TESTS=1 go test $(GO_TEST_FLAGS) -run 'TestKeeperTestSuite/(TestReal(LeafStep|NodeSteps)Accepted|TestSingleLiarCannotElect)' -v ./x/validium/keeper/

bench:
	go test -run '^$$' -bench . -benchmem ./...

lint:
	go vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go' | grep -v '\.pb\(\.gw\)\?\.go$$'))" || (gofmt -l $$(git ls-files '*.go' | grep -v '\.pb\(\.gw\)\?\.go$$'); echo "gofmt: files above need formatting"; exit 1)

# Proto tooling, installed at pinned versions through the Go module proxy.
proto-tools:
	go install github.com/bufbuild/buf/cmd/buf@v1.47.2
	go install github.com/cosmos/gogoproto/protoc-gen-gocosmos@v1.7.2
	go install github.com/grpc-ecosystem/grpc-gateway/protoc-gen-grpc-gateway@v1.16.0

proto-gen:
	./scripts/protocgen.sh

localnet: build
	./scripts/localnet.sh up
	./scripts/localnet.sh wait 3 60
	./scripts/localnet.sh status

localnet-down:
	./scripts/localnet.sh down

# The README's main command: the localnet demo.
demo: build
	./scripts/demo.sh

clean:
	-./scripts/localnet.sh clean 2>/dev/null
	rm -rf $(BUILD_DIR)

# onemap — the two commands: `make run` and `make test`.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
# Build outside the clone so fresh clones (and CI) reuse the compiled dependencies.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/onemap/target
CARGO ?= cargo
ONEMAP := $(CARGO_TARGET_DIR)/release/onemap

.PHONY: run test lint build frontend deps test-deps stop help fuzz bench-units bench-tiles bench-ogc bench-ui bench-import bench-relocation bench-photos bench-certificates bench-exchange bench-exports bench-reports bench-backup soak
FUZZ_SECONDS ?= 300

help:
	@echo "make run    install what is missing, build, migrate, load the demo county if empty, serve http://127.0.0.1:$${PORT:-8080}"
	@echo "make test   install what the tests need and run every test"
	@echo "make lint   rustfmt and clippy"
	@echo "make stop   stop the embedded PostgreSQL cluster"
	@echo "make fuzz   fuzz the unit-code parser for FUZZ_SECONDS (default 300)"
	@echo "make bench-units   benchmark /api/units, /api/identify, /api/search on the 500k-parcel county"
	@echo "make bench-tiles   benchmark the vector tiles against Martin on the 500k-parcel county"
	@echo "make bench-ogc     benchmark OGC API Features against pygeoapi on the 500k-parcel county"
	@echo "make bench-ui      the web UI's wasm size and time to first map paint in Chromium"
	@echo "make bench-import  upload, validate and commit 100,000 parcels (zipped GBK Shapefile) against ogr2ogr"
	@echo "make bench-relocation  funds statement and alerts of a 20,000-unit project on the 500k-parcel county"
	@echo "make bench-photos  ingest 1,000 camera-sized photos; archive search over 100,000 documents"
	@echo "make bench-certificates  sign 20,000 certificates (face, SM3, SM2); /verify at 1 and 16 connections"
	@echo "make bench-exchange  exchange messages readable and pushed after a registration change, under load"
	@echo "make bench-exports  every parcel as GeoPackage and zipped Shapefile, against ogr2ogr"
	@echo "make bench-reports  each report as XLSX and PDF on the benchmark county"
	@echo "make bench-backup  backup create, verify and restore of the benchmark county, beside pg_dump/pg_restore"
	@echo "make soak   30 min of mixed reads and writes at 32 connections on the benchmark county: 0 errors, memory growth < 10 %"

run: deps build
	$(ONEMAP) db migrate
	$(ONEMAP) demo load --if-empty
	exec $(ONEMAP) serve

build: frontend
	$(CARGO) build --release --locked -p onemap

# The web UI (Leptos → wasm32, MapLibre from npm) into frontend/dist, which the server serves.
frontend:
	scripts/build-frontend.sh

test: test-deps frontend
	$(CARGO) test --workspace --locked
	$(MAKE) fuzz FUZZ_SECONDS=20

# cargo-fuzz needs nightly flags; RUSTC_BOOTSTRAP lets the stable toolchain accept them.
fuzz:
	mkdir -p fuzz/corpus/unit_code && cd fuzz && RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR=$(HOME)/.cache/onemap/fuzz-target \
	  $(CARGO) fuzz run unit_code corpus/unit_code seeds/unit_code -- -max_total_time=$(FUZZ_SECONDS)

lint: deps
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings
	$(CARGO) fmt --manifest-path frontend/Cargo.toml -- --check
	rustup target list --installed | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	cd frontend && CARGO_TARGET_DIR=$(HOME)/.cache/onemap/wasm-target $(CARGO) clippy --locked --target wasm32-unknown-unknown -- -D warnings

deps:
	@scripts/install-deps.sh run

test-deps:
	@scripts/install-deps.sh test

bench-units:
	bench/units.sh

bench-tiles:
	bench/tiles.sh

bench-import:
	bench/import.sh

bench-ogc:
	bench/ogc.sh

bench-ui:
	bench/ui.sh

stop:
	$(ONEMAP) db stop

bench-relocation:
	bench/relocation.sh

bench-photos:
	bench/photos.sh

bench-certificates:
	bench/certificates.sh

bench-exchange:
	bench/exchange.sh

bench-exports:
	bench/exports.sh

bench-reports:
	bench/reports.sh

bench-backup:
	bench/backup.sh

soak:
	bench/soak.sh

# Taupage: one static executable, its unit tests (plain and under ASan + UBSan), the integration
# suites, fuzzers, benchmarks and the demo. Sources are found by folder: a new file under src/
# or a new tests/**/*_test.cpp is built without touching this file.

SHELL := /bin/bash
.DEFAULT_GOAL := all
VERSION := 0.1.0

# ARCH=arm64 (or aarch64) cross-builds for Graviton with Debian's aarch64 cross compiler into
# build/arm64/, third-party archives included; the native build and build/third_party are left alone.
ARCH ?= amd64
ifneq ($(filter arm64 aarch64,$(ARCH)),)
override ARCH := arm64
BUILD := build/arm64
CROSS := aarch64-linux-gnu-
else
override ARCH := amd64
BUILD := build
CROSS :=
endif
TP := $(BUILD)/third_party
GEN := $(BUILD)/gen
JOBS ?= $(shell nproc)

# ccache (a cache outside the checkout) when it is there: a rebuild, another worktree or the next CI
# run on the same machine compiles only what changed. Paths are hashed relative to the checkout.
CCACHE := $(shell command -v ccache 2>/dev/null)
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := true
CC := $(CROSS)gcc
CXX := $(CCACHE) $(CROSS)g++
CLANGXX := $(CCACHE) clang++
WARN := -Wall -Wextra -Werror
INCLUDES := -Isrc -Itests -I$(GEN) -Ithird_party -I$(TP)/src/libyaml/include -I$(TP)/src/mbedtls/include
DEFS := -DYAML_DECLARE_STATIC '-DMBEDTLS_CONFIG_FILE="taupage_mbedtls_config.h"' -DTAUPAGE_VERSION='"$(VERSION)"'
CXXFLAGS_BASE := -std=c++20 $(WARN) $(INCLUDES) $(DEFS) -MMD -MP

# The shipped binary: no exception tables or type information (the code neither throws nor
# catches; a library exception still ends in std::terminate, as before), and link-time
# optimisation across our own code. Fat LTO objects keep each object's own symbol table, which is
# how `make bench` attributes the link map's bytes to src/ folders (scripts/bench/link_map.py).
REL_FLAGS := -Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-ident -fno-exceptions -fno-rtti \
  -flto -ffat-lto-objects
REL_LDFLAGS := -static -s -Wl,--gc-sections -Wl,--build-id=none -flto=auto -Wl,-Map=$(BUILD)/taupage.map
DBG_FLAGS := -O1 -g
# The arm64 unit tests: a cross build of every source on a shared machine, without optimisation
# or debug information to halve its time (a failure is looked into in the native build, or
# rebuilt with -g).
ifeq ($(ARCH),arm64)
DBG_FLAGS := -O0
endif
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

# main.cpp and static_replacements.cpp (our own versions of library functions) only go into build/taupage.
SRCS := $(shell find src -name '*.cpp' ! -name main.cpp ! -name static_replacements.cpp | sort)
UNIT_TEST_SRCS := $(shell find tests -name '*_test.cpp' ! -path 'tests/integration/*' ! -path 'tests/fuzz/*' | sort)
IT_SRCS := $(shell find tests/integration -name '*_it.cpp' 2>/dev/null | sort)
SUPPORT_SRCS := $(shell find tests/support -name '*.cpp' 2>/dev/null | sort)
FUZZ_SRCS := $(shell find tests/fuzz -name '*_fuzz.cpp' 2>/dev/null | sort)
# What the fuzz targets share (input splitting, the in-process wire server): linked into every
# fuzz binary and into the unit tests, which replay the targets' corpora (docs/fuzzing.md).
FUZZ_SUPPORT_SRCS := $(filter-out $(FUZZ_SRCS),$(shell find tests/fuzz -name '*.cpp' 2>/dev/null | sort))

TP_LIBS := $(TP)/lib/libmbedtls.a $(TP)/lib/libyaml.a
TP_STAMP := $(TP)/lib/.built
VERSIONS_H := $(GEN)/taupage_versions.h

obj = $(patsubst %.cpp,$(BUILD)/$(1)/%.o,$(2))

REL_OBJS := $(call obj,rel,$(SRCS) src/main.cpp src/static_replacements.cpp)
DBG_OBJS := $(call obj,dbg,$(SRCS))
SAN_OBJS := $(call obj,san,$(SRCS))

# Keep intermediate objects (the fuzz objects are built through a pattern chain).
.SECONDARY:

.PHONY: all deps third-party test unit lint demo bench fuzz fuzz-campaign fleet clean
all: deps
	@$(MAKE) --no-print-directory -j$(JOBS) $(BUILD)/taupage

deps:
	@bash scripts/deps.sh

third-party: $(TP_STAMP)
# The downloaded tarballs are shared between the architectures (build/third_party/dl).
$(TP_STAMP): third_party/versions.lock third_party/taupage_mbedtls_config.h scripts/third-party.sh scripts/build-third-party.sh
	@TAUPAGE_TP_OUT=$(TP) TAUPAGE_SOURCE_CACHE=$${TAUPAGE_SOURCE_CACHE:-build/third_party/dl} bash scripts/third-party.sh
	@TAUPAGE_TP_OUT=$(TP) TAUPAGE_TP_CC=$(CC) TAUPAGE_TP_AR=$(CROSS)ar bash scripts/build-third-party.sh
	@touch $@
$(TP_LIBS): $(TP_STAMP)

$(VERSIONS_H): third_party/versions.lock scripts/gen-versions.sh
	@mkdir -p $(GEN)
	@bash scripts/gen-versions.sh $< > $@.tmp && mv $@.tmp $@

# The release flags in a file rewritten only when they change: changing them rebuilds the
# release objects.
REL_FLAGS_FILE := $(BUILD)/rel/flags
$(shell mkdir -p $(BUILD)/rel && { echo '$(REL_FLAGS)' | cmp -s - $(REL_FLAGS_FILE) || echo '$(REL_FLAGS)' > $(REL_FLAGS_FILE); })

# Every object waits for the third-party headers and the generated versions header.
$(BUILD)/rel/%.o: %.cpp $(REL_FLAGS_FILE) | $(TP_STAMP) $(VERSIONS_H)
	@mkdir -p $(dir $@)
	@echo '  CXX [rel] $<'
	@$(CXX) $(CXXFLAGS_BASE) $(REL_FLAGS) -c $< -o $@
# The terminate handler rethrows to read what(): exceptions on, outside LTO (whose merged options
# would turn them on for every object).
$(BUILD)/rel/src/static_replacements.o: REL_FLAGS := $(filter-out -fno-exceptions -fno-rtti -flto -ffat-lto-objects,$(REL_FLAGS))
$(BUILD)/dbg/%.o: %.cpp | $(TP_STAMP) $(VERSIONS_H)
	@mkdir -p $(dir $@)
	@echo '  CXX [dbg] $<'
	@$(CXX) $(CXXFLAGS_BASE) $(DBG_FLAGS) -c $< -o $@
$(BUILD)/san/%.o: %.cpp | $(TP_STAMP) $(VERSIONS_H)
	@mkdir -p $(dir $@)
	@echo '  CXX [san] $<'
	@$(CXX) $(CXXFLAGS_BASE) $(SAN_FLAGS) -c $< -o $@

# The shipped binary: static, stripped, unused sections dropped; the link map beside it.
$(BUILD)/taupage: $(REL_OBJS) $(TP_LIBS)
	@echo '  LD $@'
	@$(CXX) $(REL_FLAGS) $(REL_LDFLAGS) -o $@ $(REL_OBJS) $(TP_LIBS)

# GoogleTest: the host's libraries; for arm64 built from the sources libgtest-dev ships beside
# its headers (the same version).
ifeq ($(ARCH),arm64)
GTEST_SRC := /usr/src/googletest/googletest
GTEST_LIBS := $(BUILD)/gtest/libgtest_main.a $(BUILD)/gtest/libgtest.a
GTEST_LINK :=
INCLUDES += -isystem $(GTEST_SRC)/include
$(BUILD)/gtest/lib%.a: $(GTEST_SRC)/src/%.cc
	@mkdir -p $(dir $@)
	@echo '  CXX [gtest] $<'
	@$(CXX) -std=c++20 -O1 -isystem $(GTEST_SRC)/include -I$(GTEST_SRC) -c $< -o $(BUILD)/gtest/$*.o
	@rm -f $@ && $(CROSS)ar rcs $@ $(BUILD)/gtest/$*.o
$(BUILD)/gtest/libgtest.a: $(GTEST_SRC)/src/gtest-all.cc
	@mkdir -p $(dir $@)
	@echo '  CXX [gtest] $<'
	@$(CXX) -std=c++20 -O1 -isystem $(GTEST_SRC)/include -I$(GTEST_SRC) -c $< -o $(BUILD)/gtest/gtest-all.o
	@rm -f $@ && $(CROSS)ar rcs $@ $(BUILD)/gtest/gtest-all.o
else
GTEST_LIBS :=
GTEST_LINK := -lgtest_main -lgtest
endif

# The fuzz targets' entry points in the plain and sanitizer builds, each renamed
# taupage_fuzz_<name> so that all of them link into the unit tests, whose FuzzReplay test runs
# every committed corpus and regression input through them.
FUZZ_REPLAY_OBJS = $(patsubst tests/fuzz/%_fuzz.cpp,$(BUILD)/$(1)/fuzz_replay/%_fuzz.o,$(FUZZ_SRCS)) $(call obj,$(1),$(FUZZ_SUPPORT_SRCS))
$(BUILD)/dbg/fuzz_replay/%_fuzz.o: tests/fuzz/%_fuzz.cpp | $(TP_STAMP) $(VERSIONS_H)
	@mkdir -p $(dir $@)
	@echo '  CXX [dbg] $<'
	@$(CXX) $(CXXFLAGS_BASE) $(DBG_FLAGS) -DLLVMFuzzerTestOneInput=taupage_fuzz_$* -c $< -o $@
$(BUILD)/san/fuzz_replay/%_fuzz.o: tests/fuzz/%_fuzz.cpp | $(TP_STAMP) $(VERSIONS_H)
	@mkdir -p $(dir $@)
	@echo '  CXX [san] $<'
	@$(CXX) $(CXXFLAGS_BASE) $(SAN_FLAGS) -DLLVMFuzzerTestOneInput=taupage_fuzz_$* -c $< -o $@

# Unit tests: dynamic, -O1 -g; once plain, once under ASan + UBSan.
$(BUILD)/dbg/unit_tests: $(DBG_OBJS) $(call obj,dbg,$(UNIT_TEST_SRCS) $(SUPPORT_SRCS)) $(call FUZZ_REPLAY_OBJS,dbg) $(TP_LIBS) $(GTEST_LIBS)
	@echo '  LD $@'
	@$(CXX) -o $@ $^ $(GTEST_LINK) -lpthread
$(BUILD)/san/unit_tests: $(SAN_OBJS) $(call obj,san,$(UNIT_TEST_SRCS) $(SUPPORT_SRCS)) $(call FUZZ_REPLAY_OBJS,san) $(TP_LIBS)
	@echo '  LD $@'
	@$(CXX) -fsanitize=address,undefined -o $@ $^ -lgtest_main -lgtest -lpthread

# Integration tests: drive build/taupage and the real systems (Docker, netlink, QEMU, stand-ins).
$(BUILD)/dbg/integration_tests: $(DBG_OBJS) $(call obj,dbg,$(IT_SRCS) $(SUPPORT_SRCS)) $(TP_LIBS)
	@echo '  LD $@'
	@$(CXX) -o $@ $^ -lgtest_main -lgtest -lpthread

unit: $(BUILD)/dbg/unit_tests $(BUILD)/san/unit_tests

# The native suites, and the unit tests built for arm64 (run under QEMU's user-mode emulation).
# The style and structure checks (scripts/lint.sh): clang-format, shellcheck, the include layers.
lint: deps
	@mkdir -p $(BUILD)
	@bash scripts/lint.sh

test: deps
	@$(if $(CROSS),echo 'make test runs natively (its unit-arm64 suite and make test-arm64 cover arm64)'; exit 2)
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory -j$(JOBS) $(BUILD)/taupage $(BUILD)/dbg/unit_tests $(BUILD)/san/unit_tests $(if $(IT_SRCS),$(BUILD)/dbg/integration_tests)
	@$(MAKE) --no-print-directory -j$(JOBS) ARCH=arm64 build/arm64/dbg/unit_tests
	@bash scripts/run-tests.sh

# The storage QEMU suite once on an arm64 guest (TCG: slow, so outside make test).
.PHONY: test-arm64
test-arm64: deps
	@$(MAKE) --no-print-directory -j$(JOBS) ARCH=arm64 build/arm64/taupage
	@STORAGE_ARCH=arm64 bash tests/integration/storage_qemu.sh

demo: deps
	@$(MAKE) --no-print-directory -j$(JOBS) $(BUILD)/taupage
	@bash scripts/demo.sh

bench: deps
	@$(MAKE) --no-print-directory -j$(JOBS) $(BUILD)/taupage
	@bash scripts/bench.sh

# Power cuts at every point of the disk steps, in QEMU (docs/storage.md); make test runs a subset.
.PHONY: crash-test
crash-test: deps
	@$(MAKE) --no-print-directory -j$(JOBS) $(BUILD)/taupage
	@CRASH_SWEEP=full bash tests/integration/storage_crash_qemu.sh

# A fleet booting at once against AWS's request limits (docs/fleet.md; not part of make test):
# FLEET_N instances (default 500), FLEET_MODES (default "standard naive"), then the volume race.
fleet: deps
	@$(MAKE) --no-print-directory -j$(JOBS) $(BUILD)/taupage
	@bash scripts/fleet.sh

# Fuzzers: clang's libFuzzer over our own parsers, each for FUZZ_SECONDS.
FUZZ_SECONDS ?= 30
FUZZ_FLAGS := -std=c++20 $(WARN) -Wno-unused-command-line-argument $(INCLUDES) $(DEFS) -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
FUZZ_BINS := $(patsubst tests/fuzz/%_fuzz.cpp,$(BUILD)/fuzz/%_fuzz,$(FUZZ_SRCS))
# As for the release objects: changing the fuzz flags rebuilds the fuzz objects.
FUZZ_FLAGS_FILE := $(BUILD)/fuzz/flags
$(shell mkdir -p $(BUILD)/fuzz && { echo '$(FUZZ_FLAGS)' | cmp -s - $(FUZZ_FLAGS_FILE) || echo '$(FUZZ_FLAGS)' > $(FUZZ_FLAGS_FILE); })
$(BUILD)/fuzz/obj/%.o: %.cpp $(FUZZ_FLAGS_FILE) | $(TP_STAMP) $(VERSIONS_H)
	@mkdir -p $(dir $@)
	@echo '  CXX [fuzz] $<'
	@$(CLANGXX) $(FUZZ_FLAGS) -c $< -o $@
$(BUILD)/fuzz/obj/libyaml.a: $(TP_STAMP)
	@mkdir -p $(dir $@)
	@bash scripts/build-third-party.sh --fuzz-libyaml $@
$(BUILD)/fuzz/%_fuzz: $(patsubst %.cpp,$(BUILD)/fuzz/obj/%.o,$(SRCS) $(FUZZ_SUPPORT_SRCS)) $(BUILD)/fuzz/obj/tests/fuzz/%_fuzz.o $(BUILD)/fuzz/obj/libyaml.a $(TP)/lib/libmbedtls.a
	@echo '  LD $@'
	@$(CLANGXX) -fsanitize=fuzzer,address,undefined -o $@ $^ -lpthread
fuzz: deps
	@$(MAKE) --no-print-directory -j$(JOBS) $(FUZZ_BINS)
	@bash scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_BINS)

# The long campaign (issue 15): each target in turn, niced, until FUZZ_RUNS executions or
# FUZZ_MAX_SECONDS; the corpus merged into tests/fuzz/corpus/, crashers into
# tests/fuzz/regressions/, the table into build/fuzz/campaign/table.md (docs/fuzzing.md).
FUZZ_RUNS ?= 10000000
FUZZ_MAX_SECONDS ?= 3600
fuzz-campaign: deps
	@$(MAKE) --no-print-directory -j$(JOBS) $(FUZZ_BINS)
	@FUZZ_RUNS=$(FUZZ_RUNS) FUZZ_MAX_SECONDS=$(FUZZ_MAX_SECONDS) bash scripts/fuzz-campaign.sh $(FUZZ_BINS)

# The downloaded source tarballs stay, so that a rebuild needs no network.
clean:
	find $(BUILD) -mindepth 1 -maxdepth 1 ! -name third_party -exec rm -rf {} + 2>/dev/null || true
	find $(TP) -mindepth 1 -maxdepth 1 ! -name dl -exec rm -rf {} + 2>/dev/null || true

-include $(shell find $(BUILD) -path $(TP) -prune -o $(if $(CROSS),,-path build/arm64 -prune -o) -type f -name '*.d' -print 2>/dev/null)

# The image (issue 12): the package, a Debian 12 disk image with it, the whole machine in QEMU.
# IMAGE_CACHE keeps the downloaded packages and the root tree outside the checkout.
IMAGE_CACHE ?= /var/cache/taupage-image
DEB := $(BUILD)/taupage_$(VERSION)_$(ARCH).deb
.PHONY: deb image demo-late
$(DEB): $(BUILD)/taupage scripts/deb.sh packaging/taupage.8 packaging/taupage.default $(wildcard initramfs/*.sh initramfs/*/* initramfs/*/*/* initramfs/*/*/*/* systemd/* systemd/*/*)
	@STRIP=$(CROSS)strip bash scripts/deb.sh $(BUILD)/taupage $(VERSION) $(BUILD) $(ARCH) >/dev/null
	@echo '  DEB $@'
deb: $(BUILD)/taupage
	@$(MAKE) --no-print-directory $(DEB)
image: deps
	@$(MAKE) --no-print-directory -j$(JOBS) $(BUILD)/taupage
	@$(MAKE) --no-print-directory $(DEB)
	@IMAGE_CACHE=$(IMAGE_CACHE) bash scripts/image/build.sh $(DEB) $(BUILD)/image
demo-late: deps
	@$(MAKE) --no-print-directory -j$(JOBS) $(BUILD)/taupage
	@bash scripts/demo-quick.sh

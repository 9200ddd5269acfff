# healthgap: plain GNU Makefile.
#   make            build build/healthgap
#   make test       install deps, build, run unit + end-to-end tests, then again under ASan+UBSan,
#                   then each fuzz target for a few seconds
#   make demo       install deps, build, synthesise a population, ingest, run the pack, serve
#   make bench      run the benchmarks against their peers
#   make fuzz       build the libFuzzer targets (tests/fuzz) and run each for FUZZ_SECONDS
#   make clean
# BUILD selects the output tree; SAN=1 builds with AddressSanitizer + UBSan.
# Every build runs in parallel, one job per core (JOBS=N to choose; make -jN also works).

BUILD   ?= build
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
ifeq ($(filter -j%,$(MAKEFLAGS)),)
MAKEFLAGS += -j$(JOBS)
endif
SAN     ?= 0
CC      ?= cc
OPT     ?= -O2
PKGS    := libsodium jansson libRmath sqlite3 zlib xlsxwriter libmicrohttpd
CFLAGS  := -std=c11 -D_GNU_SOURCE $(OPT) -g -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter -Wno-format-truncation \
           -Isrc -pthread $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(EXTRA_CFLAGS)
LDLIBS  := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lsodium -ljansson -lRmath -lsqlite3 -lz -lxlsxwriter -lmicrohttpd) \
           -lm -pthread
# MPI (optional): distributed runs (src/engine/dist.c, docs/scale.md) when pkg-config finds
# Open MPI's C library (scripts/install-deps.sh installs it); MPI=0 builds without it.
MPI     ?= $(shell pkg-config --exists ompi-c 2>/dev/null && echo 1 || echo 0)
ifeq ($(MPI),1)
CFLAGS  += -DHG_HAVE_MPI $(shell pkg-config --cflags ompi-c)
LDLIBS  += $(shell pkg-config --libs ompi-c)
endif
ifeq ($(SAN),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif
# FUZZ=1 (with CC=clang SAN=1): coverage for libFuzzer in every object; clang warns
# about two things gcc does not (unknown -W options, vm.c's comparison idiom)
ifeq ($(FUZZ),1)
CFLAGS  += -fsanitize=fuzzer-no-link -Wno-unknown-warning-option \
           -Wno-bitwise-conditional-parentheses
endif

LIB_SRC  := $(sort $(wildcard src/core/*.c src/store/*.c src/ingest/*.c src/lang/*.c \
             src/engine/*.c src/analysis/*.c src/stats/*.c src/report/*.c src/server/*.c \
             src/synth/*.c))
# the command line; its code but main.c is also linked into the unit tests
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
CLI_MAIN := src/cli/main.c
TEST_SRC := $(sort $(wildcard tests/unit/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
CLI_LIB_OBJ := $(filter-out $(CLI_MAIN:%.c=$(BUILD)/obj/%.o),$(CLI_OBJ))
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/obj/%.o)
# the dashboard's web/ files, embedded as C arrays (scripts/embed-assets.sh, xxd)
WEB_FILES := $(sort $(wildcard web/*.css web/*.js web/*.svg))
LIB_OBJ  += $(BUILD)/obj/gen/web_assets.o
# the libFuzzer targets (tests/fuzz/fuzz_NAME.c), built into FUZZ_BUILD by `make fuzz-build`
FUZZ_BUILD   ?= build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := csv ingest lang stats http store
FUZZ_OBJ     := $(patsubst %.c,$(BUILD)/obj/%.o,$(sort $(wildcard tests/fuzz/*.c)))
DEPS     := $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(FUZZ_OBJ:.o=.d) \
            $(BUILD)/obj/bench/limit/limit.d

.PHONY: all test test-fast demo bench clean deps format check-format fuzz fuzz-build
all: $(BUILD)/healthgap

# The engine's inner loops (src/engine, src/core/date.c) at -O3 in the normal build: it
# vectorises the per-lane loops with the baseline x86-64 instruction set (no -march, so the
# binary runs on any x86-64; docs/performance.md). -fno-trapping-math lets it turn the Kleene
# selects into vector blends; it changes no value (only whether FP exception flags may be
# raised, which nothing reads). Not the whole program: -O3 elsewhere
# buys nothing measurable and raises new -Wmaybe-uninitialized warnings. HOT_OPT= turns it off.
HOT_OPT ?= $(if $(filter -O2,$(OPT)),-O3 -fno-trapping-math)
$(BUILD)/obj/src/engine/%.o $(BUILD)/obj/src/core/date.o: CFLAGS += $(HOT_OPT)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC    $<"
	@$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/gen/web_assets.c: $(WEB_FILES) scripts/embed-assets.sh
	@mkdir -p $(dir $@)
	@echo "  GEN   $@"
	@scripts/embed-assets.sh $@ $(WEB_FILES)

$(BUILD)/obj/gen/web_assets.o: $(BUILD)/gen/web_assets.c
	@mkdir -p $(dir $@)
	@$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libhealthgap.a: $(LIB_OBJ)
	@rm -f $@
	@echo "  AR    $@"
	@ar rcs $@ $^

$(BUILD)/healthgap: $(CLI_OBJ) $(BUILD)/libhealthgap.a
	@echo "  LINK  $@"
	@$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libhealthgap.a $(LDLIBS)

# bench/limit's hand-written baseline (issue 18; bench/limit/run.sh builds it)
$(BUILD)/bench_limit: $(BUILD)/obj/bench/limit/limit.o $(BUILD)/libhealthgap.a
	@echo "  LINK  $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/test_unit: $(TEST_OBJ) $(CLI_LIB_OBJ) $(BUILD)/libhealthgap.a
	@echo "  LINK  $@"
	@$(CC) $(LDFLAGS) -o $@ $(TEST_OBJ) $(CLI_LIB_OBJ) $(BUILD)/libhealthgap.a -lcriterion $(LDLIBS)

.SECONDARY: $(FUZZ_OBJ)
$(BUILD)/obj/tests/fuzz/fuzz_common.o: CFLAGS += -DHG_FUZZ_DATA_DIR='"$(CURDIR)/tests/fuzz/data"'

$(BUILD)/fuzz_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(BUILD)/obj/tests/fuzz/fuzz_common.o \
                 $(CLI_LIB_OBJ) $(BUILD)/libhealthgap.a
	@echo "  LINK  $@"
	@$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

deps:
	@scripts/install-deps.sh

# The whole suite: normal build, then the same under ASan+UBSan (build/asan), then each
# fuzz target briefly (FUZZ_BUILD; tests/fuzz/run.sh --short).
test: deps
	@scripts/install-deps.sh --browser || \
		echo "warning: chromium/node not installed: browser and PDF tests will be skipped"
	@$(MAKE) --no-print-directory all $(BUILD)/test_unit
	@$(MAKE) --no-print-directory BUILD=build/asan SAN=1 OPT=-O1 build/asan/healthgap build/asan/test_unit
	@$(MAKE) --no-print-directory fuzz-build
	@FUZZ_BUILD=$(FUZZ_BUILD) tests/run.sh $(BUILD) build/asan

# Only the normal build (quicker while developing).
test-fast: all $(BUILD)/test_unit
	@tests/run.sh $(BUILD)

# deps first, then the build (as prerequisites they would run at once, in parallel)
demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh $(BUILD)

bench: deps
	@scripts/install-deps.sh --bench
	@$(MAKE) --no-print-directory all
	@bench/run.sh $(BUILD)

# The fuzz targets: clang, libFuzzer, ASan and UBSan, in their own tree.
fuzz-build:
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang SAN=1 OPT=-O1 FUZZ=1 \
		$(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)

# Each target for FUZZ_SECONDS (default 60), one after another; FUZZ_TARGETS="csv lang" for some.
fuzz: deps
	@$(MAKE) --no-print-directory fuzz-build
	@tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

format:
	clang-format -i $(LIB_SRC) $(CLI_SRC) $(TEST_SRC) $(wildcard src/*/*.h)

check-format:
	@clang-format --dry-run --Werror $(LIB_SRC) $(CLI_SRC) $(TEST_SRC) $(wildcard src/*/*.h)

clean:
	rm -rf build

-include $(DEPS)

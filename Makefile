# asidl: MIDL-compatible IDL compiler and DCE/RPC runtime for Linux.
#
#   make                 build build/bin/asidl and the runtime library (PGO=0: without profile
#                        feedback, see "profile-guided optimisation" below)
#   make check           install missing dependencies, build, run every test suite
#   make demo            install missing dependencies, build, run the example
#   make install PREFIX=/usr/local [DESTDIR=...]
#   make update-golden   rewrite testdata/ expected outputs (review the diff before committing)
#   make clean

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR    ?= $(PREFIX)/share
MANDIR     ?= $(DATADIR)/man

CC       ?= cc
FLEX     ?= flex
BISON    ?= bison
WARN     := -Wall -Wextra -Werror
CFLAGS   ?= -O2 -g
ALL_CFLAGS = -std=c11 $(WARN) $(CFLAGS) -D_GNU_SOURCE
LDFLAGS  ?=

B ?= build
VERSION := 0.1.0
SOVERSION := 0

# ---- compiler ----------------------------------------------------------------------------

COMPILER_SRC := $(sort $(wildcard compiler/*.c))
GRAMMAR_Y    := $(sort $(wildcard grammar/*.y))
GRAMMAR_L    := $(sort $(wildcard grammar/*.l))
GRAMMAR_C    := $(patsubst grammar/%.y,$(B)/gen/%.tab.c,$(GRAMMAR_Y)) \
                $(patsubst grammar/%.l,$(B)/gen/%.yy.c,$(GRAMMAR_L))
GRAMMAR_H    := $(GRAMMAR_C:.c=.h)
COMPILER_OBJ := $(patsubst %.c,$(B)/obj/%.o,$(COMPILER_SRC)) \
                $(patsubst $(B)/gen/%.c,$(B)/obj/gen/%.o,$(GRAMMAR_C))

# The directory asidl searches after -I for its own standard imports (unknwn.idl, wtypes.idl, ...):
# an installed asidl finds <exe>/../share/asidl/idl, a build-tree asidl the source tree's copy.
IDL_DIR_BUILD   := $(CURDIR)/runtime/idl
IDL_DIR_INSTALL := $(DATADIR)/asidl/idl

ASIDL := $(B)/bin/asidl
EPMD  := $(B)/bin/asidl-epmd

# ---- runtime -----------------------------------------------------------------------------

RUNTIME_SRC := $(sort $(wildcard runtime/src/*.c))
RUNTIME_OBJ := $(patsubst %.c,$(B)/obj/%.o,$(RUNTIME_SRC))
RUNTIME_PIC := $(patsubst %.c,$(B)/obj/pic/%.o,$(RUNTIME_SRC))
RUNTIME_CFLAGS := -Iruntime/include -Iruntime/src -pthread $(shell pkg-config --cflags libffi 2>/dev/null)
RUNTIME_LIBS   := -pthread $(shell pkg-config --libs libffi 2>/dev/null || echo -lffi)
LIBA  := $(B)/lib/libasidlrt.a
LIBSO := $(B)/lib/libasidlrt.so.$(VERSION)

# ---- profile-guided optimisation of the runtime -------------------------------------------
#
# A call's user-space work runs right after context switches have emptied the caches, so how
# tightly the runtime's usual paths are laid out decides much of its speed (docs/runtime-design.md,
# "Call path costs"). With GCC the runtime is therefore built with profile feedback: an
# instrumented copy runs a representative workload (runtime/pgo/train.c, a few seconds), and the
# library is compiled from the profile it writes: the usual paths together, the code the
# workload never runs (error paths, rarely used features) compiled for size and kept apart, so
# a path whose speed matters belongs in the workload (bench/ndr's IDL long arrays ran at half
# speed until it was). A training run that fails only costs the feedback (a warning). PGO=0 builds the runtime directly:
# one compilation, bytes that do not depend on a run. The default is on where the compiler can
# (GCC 11 or later) unless CFLAGS is set (the sanitizer builds, a packager's flags).
PGO_CAPABLE := $(shell $(CC) --version 2>/dev/null | grep -q 'Free Software Foundation' && \
                 $(CC) -fprofile-generate -fprofile-prefix-path=/ -x c -c \
                     -o /dev/null /dev/null 2>/dev/null && echo 1)
PGO ?= $(if $(filter command line environment,$(origin CFLAGS)),0,$(if $(PGO_CAPABLE),1,0))

PGO_DIR     := $(B)/pgo
PGO_DATA    := $(abspath $(PGO_DIR)/profile)
PGO_OBJ     := $(patsubst %.c,$(PGO_DIR)/obj/%.o,$(RUNTIME_SRC))
PGO_LIB     := $(PGO_DIR)/libasidlrt-instrumented.a
PGO_TRAINED := $(if $(filter 1,$(PGO)),$(PGO_DIR)/trained)
# A profile file is named after its object's path below the directory given here (the same
# names for the instrumented, the static and the shared library's objects); its functions are
# known by their place in the file, because GCC's default names a static function after the
# object's path, which differs.
PGO_IDS = -fprofile-prefix-path=$(abspath $(1)) --param=profile-func-internal-id=1
PGO_GEN = -fprofile-generate=$(PGO_DATA) -fprofile-update=atomic $(PGO_IDS)
PGO_USE = $(if $(PGO_TRAINED),-fprofile-use=$(PGO_DATA) -fprofile-correction -Wno-missing-profile $(PGO_IDS))
# The shared library's few functions that ASIDL_BUILDING_SHARED changes go without their profile.
PGO_PIC = -Wno-coverage-mismatch

.PHONY: all tests check check-asan demo install clean update-golden deps
all: $(ASIDL) $(if $(RUNTIME_SRC),$(LIBA) $(LIBSO) $(EPMD))

$(ASIDL): $(COMPILER_OBJ)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^

$(B)/obj/compiler/%.o: compiler/%.c | $(GRAMMAR_H)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Icompiler -I$(B)/gen -DASIDL_IDL_DIR='"$(IDL_DIR_BUILD)"' -MMD -MP -c -o $@ $<

# Generated scanner and parser: compiled with the same warnings as our own code.
$(B)/obj/gen/%.o: $(B)/gen/%.c | $(GRAMMAR_H)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Icompiler -I$(B)/gen -Igrammar -MMD -MP -c -o $@ $<

$(B)/gen/%.tab.c $(B)/gen/%.tab.h: grammar/%.y
	@mkdir -p $(@D)
	$(BISON) -Wall -Werror --defines=$(B)/gen/$*.tab.h -o $(B)/gen/$*.tab.c $<

$(B)/gen/%.yy.c $(B)/gen/%.yy.h: grammar/%.l
	@mkdir -p $(@D)
	$(FLEX) --header-file=$(B)/gen/$*.yy.h -o $(B)/gen/$*.yy.c $<

$(LIBA): $(RUNTIME_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(LIBSO): $(RUNTIME_PIC) $(wildcard runtime/src/libasidlrt.map)
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,libasidlrt.so.$(SOVERSION) $(if $(wildcard runtime/src/libasidlrt.map),-Wl$(,)--version-script=runtime/src/libasidlrt.map) \
	    $(LDFLAGS) -o $@ $(filter %.o,$^) $(RUNTIME_LIBS)
	ln -sf libasidlrt.so.$(VERSION) $(B)/lib/libasidlrt.so.$(SOVERSION)
	ln -sf libasidlrt.so.$(SOVERSION) $(B)/lib/libasidlrt.so

, := ,

# The endpoint mapper program (runtime/epmd/).
$(EPMD): runtime/epmd/asidl-epmd.c $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(RUNTIME_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBA) $(RUNTIME_LIBS)

$(B)/obj/runtime/%.o: runtime/%.c $(PGO_TRAINED)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(RUNTIME_CFLAGS) $(call PGO_USE,$(B)/obj) -MMD -MP -c -o $@ $<

$(B)/obj/pic/runtime/%.o: runtime/%.c $(PGO_TRAINED)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(RUNTIME_CFLAGS) $(call PGO_USE,$(B)/obj/pic) $(if $(PGO_TRAINED),$(PGO_PIC)) -fPIC \
	    -fvisibility=hidden -DASIDL_BUILDING_SHARED -MMD -MP -c -o $@ $<

# The training (PGO=1): the instrumented runtime, the workload linked with it, and its run.
$(PGO_DIR)/obj/runtime/%.o: runtime/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(RUNTIME_CFLAGS) $(call PGO_GEN,$(PGO_DIR)/obj) -MMD -MP -c -o $@ $<

$(PGO_LIB): $(PGO_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(PGO_DIR)/train: runtime/pgo/train.c runtime/pgo/train.idl runtime/pgo/train.acf $(PGO_LIB) $(ASIDL)
	@mkdir -p $(PGO_DIR)/gen
	$(ASIDL) -prefix client c_ -out $(PGO_DIR)/gen runtime/pgo/train.idl
	$(CC) $(ALL_CFLAGS) $(RUNTIME_CFLAGS) -I$(PGO_DIR)/gen -o $@ $< $(PGO_DIR)/gen/train_c.c \
	    $(PGO_DIR)/gen/train_s.c $(PGO_LIB) $(RUNTIME_LIBS) -lgcov

$(PGO_DIR)/trained: $(PGO_DIR)/train
	rm -rf $(PGO_DATA)
	@dir=$$(mktemp -d) && if ASIDL_RUNTIME_DIR=$$dir $(PGO_DIR)/train asidl-train; then :; else \
	    echo "warning: the runtime's training run failed: building it without profile feedback" >&2; \
	    rm -rf $(PGO_DATA); fi; rm -rf $$dir
	@touch $@

-include $(shell find $(B)/obj $(B)/tests $(PGO_DIR)/obj -name '*.d' 2>/dev/null)

# ---- tests, demo -------------------------------------------------------------------------

# Unit-test programs: tests/unit/test_*.c, each linked with the static runtime.
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC))

$(B)/tests/%: tests/unit/%.c $(LIBA) tests/unit/test.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(RUNTIME_CFLAGS) -Itests/unit -MMD -MP -o $@ $< $(LIBA) $(RUNTIME_LIBS)

# Generated-code tests: tests/gen/test_gen_NAME.c runs the stubs asidl generates from
# tests/gen/NAME.idl (with NAME.acf, and the options in NAME.opts) through the NDR engine.  The
# stubs' runtime entry points are renamed to the test's loopback (tests/gen/gen_test.h).
GEN_TEST_SRC := $(sort $(wildcard tests/gen/test_gen_*.c))
GEN_TEST_BIN := $(patsubst tests/gen/test_gen_%.c,$(B)/tests/test_gen_%,$(GEN_TEST_SRC))
GEN_LOOPBACK := -Dasidl_client_call=gen_loopback_call -Dasidl_client_call_async=gen_loopback_call_async

.SECONDARY: $(patsubst tests/gen/test_gen_%.c,$(B)/gentests/%/stamp,$(GEN_TEST_SRC))
$(B)/gentests/%/stamp: tests/gen/%.idl $(wildcard tests/gen/*.acf tests/gen/*.opts tests/gen/*.h) $(ASIDL)
	@mkdir -p $(@D)
	$(ASIDL) $$(cat tests/gen/$*.opts 2>/dev/null) -out $(@D) tests/gen/$*.idl
	@touch $@

$(B)/tests/test_gen_%: tests/gen/test_gen_%.c $(B)/gentests/%/stamp tests/gen/gen_test.h tests/unit/ndr_test.h $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(RUNTIME_CFLAGS) $(GEN_LOOPBACK) -Itests/unit -Itests/gen -I$(B)/gentests/$* -o $@ \
	    $< $(B)/gentests/$*/$*_c.c $(B)/gentests/$*/$*_s.c $(LIBA) $(RUNTIME_LIBS) -lm

# Stub-over-the-wire tests: tests/rpc/test_NAME.c runs the client and server stubs asidl
# generates from tests/rpc/NAME.idl (+ NAME.acf) against the real runtime, client and server in
# one process: the client stubs are prefixed c_ so that the manager routines keep the IDL names.
RPC_TEST_SRC := $(sort $(wildcard tests/rpc/test_*.c))
RPC_TEST_BIN := $(patsubst tests/rpc/test_%.c,$(B)/tests/test_stubs_%,$(RPC_TEST_SRC))

.SECONDARY: $(patsubst tests/rpc/test_%.c,$(B)/rpctests/%/stamp,$(RPC_TEST_SRC))
$(B)/rpctests/%/stamp: tests/rpc/%.idl $(wildcard tests/rpc/*.acf) $(ASIDL)
	@mkdir -p $(@D)
	$(ASIDL) -prefix client c_ -out $(@D) tests/rpc/$*.idl
	@touch $@

$(B)/tests/test_stubs_%: tests/rpc/test_%.c $(B)/rpctests/%/stamp $(wildcard tests/rpc/*.h) tests/unit/test.h $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(RUNTIME_CFLAGS) -Itests/unit -Itests/rpc -I$(B)/rpctests/$* -o $@ \
	    $< $(B)/rpctests/$*/$*_c.c $(B)/rpctests/$*/$*_s.c $(LIBA) $(RUNTIME_LIBS)

tests: all $(UNIT_BIN) $(GEN_TEST_BIN) $(RPC_TEST_BIN)

# Installs missing Debian packages first (does nothing when all are present).
deps:
	@scripts/install-deps

check: deps
	@$(MAKE) --no-print-directory tests
	@B=$(B) tests/run-all.sh

# The C test programs (unit, generated-code and stub-over-the-wire tests), and the compiler that
# generates their stubs, under AddressSanitizer and UBSan with leak detection, in build-asan/.
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
check-asan: deps
	@$(MAKE) --no-print-directory B=build-asan CFLAGS='$(SAN_FLAGS)' LDFLAGS='-fsanitize=address,undefined' tests
	@B=build-asan ASIDL_TEST_SUITES=programs tests/run-all.sh

update-golden: $(ASIDL)
	@B=$(B) ASIDL_UPDATE_GOLDEN=1 tests/golden.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@B=$(B) examples/demo.sh

# ---- install -----------------------------------------------------------------------------

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/asidl \
	    $(DESTDIR)$(IDL_DIR_INSTALL) $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(ASIDL) $(DESTDIR)$(BINDIR)/asidl
	$(if $(RUNTIME_SRC),install -m 755 $(EPMD) $(DESTDIR)$(BINDIR)/asidl-epmd)
	install -m 644 runtime/include/*.h $(DESTDIR)$(INCLUDEDIR)/asidl/
	install -m 644 runtime/idl/*.idl $(DESTDIR)$(IDL_DIR_INSTALL)/
	install -m 644 docs/asidl.1 $(DESTDIR)$(MANDIR)/man1/
	$(if $(RUNTIME_SRC),install -m 644 $(LIBA) $(DESTDIR)$(LIBDIR)/)
	$(if $(RUNTIME_SRC),cp -P $(B)/lib/libasidlrt.so* $(DESTDIR)$(LIBDIR)/)
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|; s|@VERSION@|$(VERSION)|' \
	    asidl.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/asidl.pc

clean:
	rm -rf $(B)

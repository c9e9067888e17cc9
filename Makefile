# crit - a libc-only CRIU image tool.
#
#   make              ./crit (linked static) and libcrit.a (header: src/crit.h)
#   make check        the whole test suite (needs libcheck)
#   make check SAN=1  the same under ASan+UBSan, built apart in build/san
#   make static       ./crit-static, the smallest (musl-gcc -Os when installed)
#   make fuzz         libFuzzer targets in build/fuzz/ (needs clang; docs/security.md)
#   make memcheck     valgrind over decode, encode and crit x on every fixture
#   make tables       regenerate proto-tables/ from CRIU's .proto files
#   make install      crit, libcrit.a, crit.h, crit.pc and crit.1 under
#                     $(DESTDIR)$(PREFIX); make uninstall removes them

CC        ?= cc
CFLAGS    ?= -O2
WARN      := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror
CPPFLAGS  += -Isrc -Iproto-tables
PYTHON    ?= python3
PROTO_DIR ?= ../shared/criu-images
ORIGIN    ?= CRIU 4.2 (upstream commit 2cf8f13)

BUILD := build
LD      ?= ld
OBJCOPY ?= objcopy
# a large input file is read ahead by a second thread (src/base/io.c)
LDFLAGS += -pthread
# ./crit is linked static: one file that runs anywhere, and it starts in a
# fraction of the time the dynamic loader takes. The sanitizers need it.
STATIC := -static
ifeq ($(SAN),1)
STATIC  :=
BUILD   := build/san
CFLAGS  := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif

# src/*.c and each subsystem's folder src/NAME/ make the library; src/cli/
# is the command line.
CLI_SRC  := $(wildcard src/cli/*.c)
LIB_SRC  := $(filter-out $(CLI_SRC),$(wildcard src/*.c src/*/*.c)) $(wildcard proto-tables/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
HEADERS  := $(wildcard src/*.h src/*/*.h) $(wildcard proto-tables/*.h)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_SRC := $(wildcard tests/*.c)
FUZZ     := decode encode roundtrip explore check mem core anonymize
MUSL_GCC := $(shell command -v musl-gcc 2>/dev/null)

all: crit libcrit.a

$(BUILD)/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) -c -o $@ $<

# The tests reach inside: every object, every symbol.
$(BUILD)/libcrit-internal.a: $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

# libcrit.a keeps to its own names: the objects linked into one, and every
# global symbol but the crit_ ones made local, so that a program linking it
# cannot collide with the library's insides (tests/symbols.sh).
$(BUILD)/libcrit.o: $(LIB_OBJ)
	$(LD) -r -o $@.all $^
	$(OBJCOPY) -w --keep-global-symbol='crit_*' $@.all $@
	rm -f $@.all

$(BUILD)/libcrit.a: $(BUILD)/libcrit.o
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/crit: $(CLI_OBJ) $(BUILD)/libcrit.a
	$(CC) $(LDFLAGS) $(STATIC) -o $@ $^

crit: $(BUILD)/crit
	cp $< $@

libcrit.a: $(BUILD)/libcrit.a
	cp $< $@

$(BUILD)/run-tests: $(TEST_SRC) tests/tests.h $(BUILD)/libcrit-internal.a
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) -Itests $(LDFLAGS) -o $@ $(TEST_SRC) $(BUILD)/libcrit-internal.a \
		$$(pkg-config --cflags --libs check)

# A fuzz target with a plain main(): replays files through it (tests/fuzz/replay.c).
$(BUILD)/replay/%: tests/fuzz/%.c tests/fuzz/replay.c tests/fuzz/fuzz.h tests/fuzz/fuzzdir.h $(BUILD)/libcrit-internal.a
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) $(LDFLAGS) -o $@ tests/fuzz/replay.c $< $(BUILD)/libcrit-internal.a

$(BUILD)/gen-dict: tests/fuzz/gen-dict.c $(BUILD)/libcrit-internal.a
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libcrit-internal.a

check: $(BUILD)/crit $(BUILD)/libcrit.a $(BUILD)/run-tests $(FUZZ:%=$(BUILD)/replay/%) $(BUILD)/gen-dict
	bash tests/gen-tables-errors.sh
	bash tests/tables-fresh.sh
	GEN_DICT=$(BUILD)/gen-dict bash tests/fuzz/dicts-fresh.sh
	bash tests/static.sh
	CRIT=$(BUILD)/crit bash tests/cli.sh
	CRIT=$(BUILD)/crit bash tests/safety.sh
	CRIT=$(BUILD)/crit bash tests/check.sh
	CRIT=$(BUILD)/crit bash tests/mem.sh
	CRIT=$(BUILD)/crit bash tests/anonymize.sh
	CRIT=$(BUILD)/crit bash tests/core.sh
	bash tests/install.sh
	LIBCRIT=$(BUILD)/libcrit.a LINKFLAGS="$(LDFLAGS)" bash tests/symbols.sh
	python3 tests/layers.py $(BUILD)
	$(BUILD)/run-tests
	for t in $(FUZZ); do $(BUILD)/replay/$$t tests/fuzz/corpus/$$t tests/fuzz/regress/$$t || exit 1; done

# valgrind over decode, encode and crit x on every fixture (tests/memcheck.sh),
# linked dynamically: valgrind checks malloc and free where it can replace them.
$(BUILD)/crit-dyn: $(CLI_OBJ) $(BUILD)/libcrit.a
	$(CC) $(LDFLAGS) -o $@ $^

memcheck: $(BUILD)/crit-dyn
	CRIT=$(BUILD)/crit-dyn bash tests/memcheck.sh

# libFuzzer targets: the library built with coverage, ASan and UBSan.
FUZZ_CC     ?= clang
FUZZ_CFLAGS := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_OBJ    := $(LIB_SRC:%.c=build/fuzz/obj/%.o)

build/fuzz/obj/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(WARN) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(CPPFLAGS) -c -o $@ $<

build/fuzz/libcrit.a: $(FUZZ_OBJ)
	$(AR) rcs $@ $^

build/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h tests/fuzz/fuzzdir.h build/fuzz/libcrit.a
	$(FUZZ_CC) $(WARN) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(CPPFLAGS) -o $@ $< build/fuzz/libcrit.a -pthread

fuzz: $(FUZZ:%=build/fuzz/%)

# The fuzzers' dictionaries, from the tables (tests/fuzz/gen-dict.c).
fuzz-dicts: $(BUILD)/gen-dict
	for k in image json explore; do $(BUILD)/gen-dict $$k >tests/fuzz/$$k.dict || exit 1; done

# One binary that runs anywhere, even in an empty chroot: musl if installed.
static: $(LIB_SRC) $(CLI_SRC) $(HEADERS)
	$(if $(MUSL_GCC),$(MUSL_GCC),$(CC)) -static -Os -pthread $(WARN) $(CPPFLAGS) -o crit-static \
		$(LIB_SRC) $(CLI_SRC)
	strip crit-static

tables:
	$(PYTHON) tools/gen-tables.py --proto-dir $(PROTO_DIR) --origin "$(ORIGIN)"

# Installed as a Unix tool: the binary, the library with its header and
# pkg-config file, and the manual page.
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR     ?= $(PREFIX)/share/man
VERSION    := $(shell sed -n 's/^\#define CRIT_VERSION "\(.*\)"/\1/p' src/crit.h)
INSTALLED  := $(BINDIR)/crit $(LIBDIR)/libcrit.a $(INCLUDEDIR)/crit.h $(LIBDIR)/pkgconfig/crit.pc \
	      $(MANDIR)/man1/crit.1

install: crit libcrit.a
	install -D -m 755 crit $(DESTDIR)$(BINDIR)/crit
	install -D -m 644 libcrit.a $(DESTDIR)$(LIBDIR)/libcrit.a
	install -D -m 644 src/crit.h $(DESTDIR)$(INCLUDEDIR)/crit.h
	install -D -m 644 docs/crit.1 $(DESTDIR)$(MANDIR)/man1/crit.1
	mkdir -p $(DESTDIR)$(LIBDIR)/pkgconfig
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
		-e 's|@VERSION@|$(VERSION)|' src/crit.pc.in >$(DESTDIR)$(LIBDIR)/pkgconfig/crit.pc

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))

clean:
	rm -rf build crit crit-static libcrit.a

.PHONY: all check fuzz fuzz-dicts memcheck static tables install uninstall clean

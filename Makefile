# crit - a libc-only CRIU image tool.
#
#   make              ./crit (linked static) and libcrit.a (header: src/crit.h)
#   make check        the whole test suite (needs libcheck)
#   make check SAN=1  the same under ASan+UBSan, built apart in build/san
#   make static       ./crit-static, the smallest (musl-gcc -Os when installed)
#   make tables       regenerate proto-tables/ from CRIU's .proto files

CC        ?= cc
CFLAGS    ?= -O2
WARN      := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror
CPPFLAGS  += -Isrc -Iproto-tables
PYTHON    ?= python3
PROTO_DIR ?= ../shared/criu-images
ORIGIN    ?= CRIU 4.2 (upstream commit 2cf8f13)

BUILD := build
# ./crit is linked static: one file that runs anywhere, and it starts in a
# fraction of the time the dynamic loader takes. The sanitizers need it.
STATIC := -static
ifeq ($(SAN),1)
STATIC  :=
BUILD   := build/san
CFLAGS  := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif

LIB_SRC  := $(filter-out src/main.c,$(wildcard src/*.c)) $(wildcard proto-tables/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
HEADERS  := $(wildcard src/*.h) $(wildcard proto-tables/*.h)
TEST_SRC := $(wildcard tests/*.c)
MUSL_GCC := $(shell command -v musl-gcc 2>/dev/null)

all: crit libcrit.a

$(BUILD)/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) -c -o $@ $<

$(BUILD)/libcrit.a: $(LIB_OBJ)
	$(AR) rcs $@ $^

$(BUILD)/crit: $(BUILD)/src/main.o $(BUILD)/libcrit.a
	$(CC) $(LDFLAGS) $(STATIC) -o $@ $^

crit: $(BUILD)/crit
	cp $< $@

libcrit.a: $(BUILD)/libcrit.a
	cp $< $@

$(BUILD)/run-tests: $(TEST_SRC) tests/tests.h $(BUILD)/libcrit.a
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) -Itests $(LDFLAGS) -o $@ $(TEST_SRC) $(BUILD)/libcrit.a \
		$$(pkg-config --cflags --libs check)

check: $(BUILD)/crit $(BUILD)/run-tests
	bash tests/gen-tables-errors.sh
	bash tests/tables-fresh.sh
	bash tests/static.sh
	CRIT=$(BUILD)/crit bash tests/cli.sh
	$(BUILD)/run-tests

# One binary that runs anywhere, even in an empty chroot: musl if installed.
static: $(LIB_SRC) src/main.c $(HEADERS)
	$(if $(MUSL_GCC),$(MUSL_GCC),$(CC)) -static -Os $(WARN) $(CPPFLAGS) -o crit-static \
		$(LIB_SRC) src/main.c
	strip crit-static

tables:
	$(PYTHON) tools/gen-tables.py --proto-dir $(PROTO_DIR) --origin "$(ORIGIN)"

clean:
	rm -rf build crit crit-static libcrit.a

.PHONY: all check static tables clean

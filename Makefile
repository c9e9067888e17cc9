# crit - a libc-only CRIU image tool.
#
#   make            ./crit and libcrit.a
#   make check      the test suite (needs libcheck); SAN=1 adds ASan+UBSan
#   make static     a fully static ./crit-static (musl-gcc when installed)
#   make tables     regenerate proto-tables/ from CRIU's .proto files

CC      ?= cc
CFLAGS  ?= -O2
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Isrc -Iproto-tables
PYTHON  ?= python3
PROTO_DIR ?= ../shared/criu-images
ORIGIN  ?= CRIU 4.2 (upstream commit 2cf8f13)

ifeq ($(SAN),1)
CFLAGS  += -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif

LIB_SRC   := $(filter-out src/main.c,$(wildcard src/*.c)) $(wildcard proto-tables/*.c)
LIB_OBJ   := $(LIB_SRC:.c=.o)
TEST_SRC  := $(wildcard tests/*.c)
MUSL_GCC  := $(shell command -v musl-gcc 2>/dev/null)

all: crit

crit: src/main.o libcrit.a
	$(CC) $(LDFLAGS) -o $@ $^

libcrit.a: $(LIB_OBJ)
	$(AR) rcs $@ $^

%.o: %.c $(wildcard src/*.h) proto-tables/tables.h
	$(CC) $(CFLAGS) -c -o $@ $<

# One static binary that runs anywhere: musl where it is installed.
static: $(LIB_SRC) src/main.c
ifneq ($(MUSL_GCC),)
	$(MUSL_GCC) -static -Os -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Isrc -Iproto-tables \
		-o crit-static $^
else
	$(CC) -static -Os -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Isrc -Iproto-tables \
		-o crit-static $^
endif
	strip crit-static

tables:
	$(PYTHON) tools/gen-tables.py --proto-dir $(PROTO_DIR) --origin "$(ORIGIN)"

tests/run-tests: $(TEST_SRC) libcrit.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(TEST_SRC) libcrit.a $$(pkg-config --cflags --libs check)

check: crit tests/run-tests
	bash tests/gen-tables-errors.sh
	bash tests/tables-fresh.sh
	cd tests && ./run-tests

clean:
	rm -f crit crit-static libcrit.a src/*.o proto-tables/*.o tests/run-tests

.PHONY: all static tables check clean

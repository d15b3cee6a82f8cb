# climit — see README.md. `make check` and `make demo` work on a fresh Debian/Ubuntu as root.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DESTDIR ?=
VERSION := 0.1.0
PKGS := libcgroup libproc2 ncursesw libsystemd libmicrohttpd libcap libseccomp jansson
# Debian packages providing the libraries above, and the tools the tests and demo use.
DEB_BUILD := build-essential pkg-config libcgroup-dev libproc2-dev libncurses-dev libsystemd-dev libmicrohttpd-dev libcap-dev libseccomp-dev libjansson-dev
DEB_TEST := tmux jq stress-ng git gnuplot-nox universal-ctags python3-yaml libxml2-utils busybox-static mandoc qemu-system-x86 kmod cpio zstd xz-utils file curl zsh prometheus strace iproute2 util-linux
# Peers and tools `make bench` compares against (installed by `make bench` only).
DEB_BENCH := hyperfine bubblewrap runc crun cgroup-tools systemd util-linux

CC ?= cc
CFLAGS ?= -O2
# Paths are built with snprintf into PATH_MAX buffers and checked where it matters; gcc 12
# cannot see those checks and flags every nested PATH_MAX copy.
CFLAGS += -std=c11 -Wall -Wextra -Werror -Wno-format-truncation -DCLIMIT_VERSION='"$(VERSION)"'
# pkg-config runs only when a target needs it, after `deps` had its chance.
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
LDFLAGS += -Wl,--as-needed
# climit itself links libcgroup and ncursesw statically where their archives exist (Debian's
# -dev packages ship them): mapping shared libraries was most of climit's launch overhead.
# Measured with hyperfine on this machine (`climit --mem 100M --pids 100 --cpu 50% -- true`):
# 8.7 ms dynamic, 7.5 ms static, against 6.2 ms for the C floor (bench/floor.c).
# libproc2 is not linked at all: src/observe/sample.c dlopens it for top/ls/stats only (it pulls in
# libsystemd and six more libraries, another ~1 ms on every launch).
STATIC_ARCHIVES := libcgroup.a libncursesw.a libtinfo.a
STATIC_MISSING = $(shell for l in $(STATIC_ARCHIVES); do [ "$$($(CC) -print-file-name=$$l)" != "$$l" ] || echo $$l; done)
LINK_LIBS = $(if $(STATIC_MISSING),$(shell $(PKG_CONFIG) --libs libcgroup ncursesw),-Wl,-Bstatic $(shell $(PKG_CONFIG) --libs libcgroup ncursesw) -Wl,-Bdynamic) -ldl

# src/ by concern, lowest first (src/README.md): each folder may include its own headers and
# those of the folders before it, never after (tests/layout.sh checks it).
LAYERS := base cgroup run observe cmd
CORE_SRC := $(foreach l,$(LAYERS),$(sort $(wildcard src/$(l)/*.c)))
CORE_OBJ := $(CORE_SRC:.c=.o)
INCS := $(addprefix -Isrc/,$(LAYERS)) -Iui
UI_SRC := ui/table.c ui/output.c ui/top.c ui/prom.c
UI_OBJ := $(UI_SRC:.c=.o)

.PHONY: all deps deps-if-needed test-deps test-deps-if-needed pkg-check bench-deps vm-kernel check unit integration demo bench clean install uninstall asan fuzz

# Plain `make` only compiles; installing packages happens in `make deps` (what building and
# running need, which demo calls) and `make test-deps` (that, and what `make check` needs: the
# guests' tools and Debian's kernel for the cgroup-v2 guest), which check calls.
all: climit

# Every library first, named: a missing one is one line and the fix, not a compiler error
# (`make PKG_CONFIG=false` shows it).
PKG_CONFIG ?= pkg-config
pkg-check:
	@missing=""; for p in $(PKGS); do $(PKG_CONFIG) --exists $$p 2>/dev/null || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "climit: cannot build: pkg-config finds no$$missing" >&2; \
		echo "  install them: sudo make deps (Debian/Ubuntu), or your distribution's -dev/-devel packages" >&2; \
		exit 1; fi

# Installs what is missing of the Debian/Ubuntu packages LIST (as root); a no-op, costing a few
# dpkg queries, when everything is there. A package this distribution does not have is named
# with what to do instead, before apt-get runs (never a raw apt error).
define apt_install
	missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "make $(2): installing$$missing"; \
		[ "$$(id -u)" = 0 ] || { echo "make $(2): run as root (sudo make $(2)) to install:$$missing" >&2; exit 1; }; \
		apt-get update -qq || { echo "make $(2): apt-get update failed (no network or no package lists?)" >&2; exit 1; }; \
		gone=""; for p in $$missing; do apt-cache show $$p >/dev/null 2>&1 || gone="$$gone $$p"; done; \
		if [ -n "$$gone" ]; then \
			echo "make $(2): this distribution has no package$$gone." >&2; \
			case "$$gone" in *libproc2-dev*) echo "  libproc2 is procps-ng 4's library (Debian 12+, Ubuntu 24.04+); build procps-ng 4 from source on older releases" >&2;; esac; \
			exit 1; fi; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing || { echo "make $(2): apt-get install$$missing failed" >&2; exit 1; }; \
	fi
endef

deps-if-needed:
	@if command -v dpkg >/dev/null; then $(MAKE) --no-print-directory deps; \
	else $(MAKE) --no-print-directory pkg-check; fi

deps:
	@$(call apt_install,$(DEB_BUILD),deps)

test-deps-if-needed:
	@if command -v dpkg >/dev/null; then $(MAKE) --no-print-directory test-deps; \
	else $(MAKE) --no-print-directory pkg-check; fi

test-deps:
	@$(call apt_install,$(DEB_BUILD) $(DEB_TEST),test-deps)
	@[ "$$(id -u)" != 0 ] || $(MAKE) --no-print-directory vm-kernel

# Debian's kernel for the cgroup-v2 guest (tests/vm): downloaded once into tests/vm/cache. Where
# there is none to fetch the guests cannot run: said here, and make check's guest pass fails
# (CLIMIT_NO_VM=1 leaves it out).
vm-kernel:
	@bash tests/vm/fetch-kernel.sh >/dev/null || { echo "make vm-kernel: no Debian kernel package to fetch for the cgroup-v2 guest (CLIMIT_VM_KERNEL_META names another; CLIMIT_NO_VM=1 skips the guests)" >&2; exit 1; }

# -MMD -MP: each object lists the headers it includes (src/*.d, ui/*.d), so a header change
# rebuilds only its users.
DEPFLAGS = -MMD -MP
src/%.o: src/%.c | pkg-check
	$(CC) $(CFLAGS) $(DEPFLAGS) $(PKG_CFLAGS) $(INCS) -c -o $@ $<

# The UI sees the core's headers and nothing of cgroupfs.
ui/%.o: ui/%.c | pkg-check
	$(CC) $(CFLAGS) $(DEPFLAGS) $(PKG_CFLAGS) $(INCS) -c -o $@ $<

-include $(wildcard src/*.d src/*/*.d ui/*.d)

climit: $(CORE_OBJ) $(UI_OBJ) src/main.o
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LINK_LIBS)

# Everything but the commands' entries and the dashboard: the unit tests call the core.
UNIT_OBJ := $(filter-out src/cmd/%,$(CORE_OBJ)) src/cmd/cli.o src/cmd/opts.o
tests/unit/test_units: tests/unit/test_units.c $(UNIT_OBJ)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $(INCS) -o $@ $^ $(LDFLAGS) $(PKG_LIBS)

HELPERS := tests/helpers/hog tests/helpers/staircase tests/helpers/forkloop tests/helpers/burn tests/helpers/ids tests/helpers/hog-static tests/helpers/fault.so \
	   tests/helpers/mt tests/helpers/sysprobe tests/helpers/need
tests/helpers/%: tests/helpers/%.c
	$(CC) -O2 -Wall -o $@ $<
tests/helpers/need: tests/helpers/need.c
	$(CC) -O2 -Wall -pthread -o $@ $<
tests/helpers/mt: tests/helpers/mt.c
	$(CC) -O2 -Wall -pthread -o $@ $<
# LD_PRELOAD fault injection (tests/helpers/fault.c).
tests/helpers/fault.so: tests/helpers/fault.c
	$(CC) -O2 -Wall -shared -fPIC -o $@ $< -ldl
# The hog again, static, to run inside a busybox rootfs (no libc there).
tests/helpers/hog-static: tests/helpers/hog.c
	$(CC) -O2 -Wall -static -o $@ $<

# Packages first, then the build (also under make -j), then the tests.
check: test-deps-if-needed
	@$(MAKE) --no-print-directory all tests/unit/test_units $(HELPERS) climit-asan tests/unit/test_units-asan
	@bash tests/run.sh

unit: tests/unit/test_units
	@./tests/unit/test_units

bench-deps:
	@missing=""; for p in $(DEB_BENCH); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "make bench: installing$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

# Writes bench/results.md (see bench/run.sh; BENCH=launch,monitor,... runs some sections).
bench: test-deps-if-needed bench-deps
	@$(MAKE) --no-print-directory all
	@bash bench/run.sh

demo: deps-if-needed
	@$(MAKE) --no-print-directory all $(HELPERS)
	@bash contrib/demo.sh

# climit-asan and the unit tests under AddressSanitizer + UBSan (objects in build-asan/, apart
# from the normal build); make check runs the unit tests and a slice of the integration tests
# with them.
SAN := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ASAN_OBJ := $(addprefix build-asan/,$(CORE_OBJ) $(UI_OBJ) src/main.o)
build-asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN) $(DEPFLAGS) $(PKG_CFLAGS) $(INCS) -c -o $@ $<
climit-asan: $(ASAN_OBJ)
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(LDFLAGS) $(LINK_LIBS)
tests/unit/test_units-asan: tests/unit/test_units.c $(addprefix build-asan/,$(UNIT_OBJ))
	$(CC) $(CFLAGS) $(SAN) $(PKG_CFLAGS) $(INCS) -o $@ $^ $(LDFLAGS) $(PKG_LIBS)
asan: climit-asan tests/unit/test_units-asan
-include $(wildcard build-asan/src/*.d build-asan/src/*/*.d build-asan/ui/*.d)

# libFuzzer (clang) on every parser of outside input, FUZZ_SECONDS (default 60); the seeds are
# tests/fuzz/corpus, what the fuzzer finds goes to tests/fuzz/work (not kept in git).
FUZZ_SECONDS ?= 60
FUZZ_SRC := src/base/units.c src/base/util.c src/cgroup/cgroup.c src/cgroup/cgroup_v1.c src/cgroup/cgroup_v2.c src/cgroup/iostat.c src/observe/events.c
tests/fuzz/fuzz_parsers: tests/fuzz/fuzz_parsers.c $(FUZZ_SRC)
	clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -D_GNU_SOURCE $(INCS) -o $@ $^
fuzz: tests/fuzz/fuzz_parsers
	@mkdir -p tests/fuzz/work
	./tests/fuzz/fuzz_parsers -max_total_time=$(FUZZ_SECONDS) -timeout=5 tests/fuzz/work tests/fuzz/corpus

MANPAGES := climit.1 climit-top.1 climit-gc.1 climit-fit.1
MAN7PAGES := climit-interfaces.7
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions

install: climit
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 755 climit $(DESTDIR)$(BINDIR)/climit
	install -m 644 $(addprefix man/,$(MANPAGES)) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(addprefix man/,$(MAN7PAGES)) $(DESTDIR)$(MANDIR)/man7/
	install -m 644 contrib/completion/climit.bash $(DESTDIR)$(BASHCOMPDIR)/climit
	install -m 644 contrib/completion/_climit $(DESTDIR)$(ZSHCOMPDIR)/_climit

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/climit $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(MANPAGES)) \
		$(addprefix $(DESTDIR)$(MANDIR)/man7/,$(MAN7PAGES)) \
		$(DESTDIR)$(BASHCOMPDIR)/climit $(DESTDIR)$(ZSHCOMPDIR)/_climit

clean:
	rm -f climit src/*.o src/*/*.o ui/*.o src/*.d src/*/*.d ui/*.d tests/unit/test_units $(HELPERS) climit-asan tests/unit/test_units-asan
	rm -rf build-asan

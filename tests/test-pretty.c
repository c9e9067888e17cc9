/* test-pretty.c - CRIT's --pretty conversions of integers and addresses.
 *
 * The expected strings were printed by Python 3.11 running the functions of
 * CRIU 4.2's lib/pycriu/images/pb2dict.py (map_flags, decode_dev, the dict
 * maps and the ipadd branch of pb2dict), each then through json.dumps. */
#include <string.h>

#include "tests.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static struct jw *w;

static void start(void)
{
	w = capture_start(false, 4096);
}

static void teardown(void)
{
	capture_free();
}

static const char *output(void)
{
	return capture_output(NULL);
}

/* A uint32 field with the given (criu) options. */
#define FIELD(nm, fl, fmap, dct)                                                             \
	{ .name = nm, .number = 1, .type = CRIT_T_UINT32, .label = CRIT_L_OPTIONAL,            \
	  .flags = fl, .flags_map = fmap, .dict = dct }

/* pretty_int's JSON for v, or NULL when it declines (and writes nothing). */
static const char *pretty(const struct crit_field *f, bool hex, bool is_signed, uint64_t v)
{
	start();
	if (!pretty_int(w, f, hex, is_signed, v)) {
		ck_assert_str_eq(output(), "");
		return NULL;
	}
	return output();
}

/* ------------------------------------------------------------------ */
/* hex                                                                  */
/* ------------------------------------------------------------------ */

START_TEST(hex_field)
{
	static const struct crit_field f = FIELD("addr", CRIT_F_HEX, NULL, NULL);
	static const struct crit_field prot = FIELD("prot", 0, "mmap.prot", NULL);

	ck_assert_str_eq(pretty(&f, false, false, 0xdeadbeef), "\"0xdeadbeef\""); /* "0x%x" % 0xdeadbeef */
	ck_assert_str_eq(pretty(&f, false, false, UINT64_MAX), "\"0xffffffffffffffff\""); /* "0x%x" % (2**64 - 1) */
	ck_assert_str_eq(pretty(&f, false, true, (uint64_t)-16), "\"0x-10\""); /* "0x%x" % -16 */
	/* hex inherited from an enclosing message wins over flags: "0x%x" % 5 */
	ck_assert_str_eq(pretty(&prot, true, false, 5), "\"0x5\"");
}
END_TEST

/* ------------------------------------------------------------------ */
/* dev_t                                                                */
/* ------------------------------------------------------------------ */

static const struct {
	uint64_t v;
	bool is_signed;
	const char *want; /* "%d:%d" % (v >> 20, v & ((1 << 20) - 1)) */
} dev_cases[] = {
	{ 0x0, false, "\"0:0\"" },
	{ 0x800001, false, "\"8:1\"" },
	{ 0xfff00123, false, "\"4095:291\"" },
	{ 0x123456789abc, false, "\"19088743:563900\"" },
	{ UINT64_MAX, false, "\"17592186044415:1048575\"" },
	{ (uint64_t)-1, true, "\"-1:1048575\"" },
	{ (uint64_t)-1099511627781, true, "\"-1048577:1048571\"" },
};

START_TEST(dev_new_encoding)
{
	static const struct crit_field f = FIELD("s_dev", CRIT_F_DEV, NULL, NULL);

	ck_assert_str_eq(pretty(&f, false, dev_cases[_i].is_signed, dev_cases[_i].v), dev_cases[_i].want);
}
END_TEST

static const struct {
	uint64_t v;
	const char *want; /* "%d:%d" % (os.major(v), os.minor(v)) */
} odev_cases[] = {
	{ 0x0, "\"0:0\"" },
	{ 0x801, "\"8:1\"" },
	{ 0x10300, "\"259:0\"" },
	{ 0x10010301, "\"259:65537\"" },       /* os.makedev(259, 65537) */
	{ 0xfffff, "\"4095:255\"" },           /* os.makedev(4095, 255) */
	{ 0x100000100000, "\"4096:256\"" },    /* os.makedev(4096, 256) */
	{ 0xffffffff, "\"4095:1048575\"" },
	{ 0x123456789abcdef0, "\"305421534:1737075696\"" },
	{ UINT64_MAX, "\"4294967295:4294967295\"" },
};

START_TEST(dev_old_encoding)
{
	static const struct crit_field f = FIELD("rdev", CRIT_F_DEV | CRIT_F_ODEV, NULL, NULL);

	ck_assert_str_eq(pretty(&f, false, false, odev_cases[_i].v), odev_cases[_i].want);
}
END_TEST

/* ------------------------------------------------------------------ */
/* flags                                                                */
/* ------------------------------------------------------------------ */

static const struct {
	const char *map;
	uint64_t v;
	const char *want; /* json.dumps(map_flags(v, flags_maps[map])) */
} flags_cases[] = {
	{ "mmap.prot", 0x0, "\"\"" },
	{ "mmap.prot", 0x1, "\"PROT_READ\"" },
	{ "mmap.prot", 0x3, "\"PROT_READ | PROT_WRITE\"" },
	{ "mmap.prot", 0x7, "\"PROT_READ | PROT_WRITE | PROT_EXEC\"" },
	{ "mmap.prot", 0x8, "\"0x8\"" },
	{ "mmap.prot", 0xff, "\"PROT_READ | PROT_WRITE | PROT_EXEC | 0xf8\"" },
	{ "mmap.flags", 0x0, "\"\"" },
	{ "mmap.flags", 0x22, "\"MAP_PRIVATE | MAP_ANON\"" },
	{ "mmap.flags", 0x2a, "\"MAP_PRIVATE | MAP_DROPPABLE | MAP_ANON\"" },
	{ "mmap.flags", 0x101, "\"MAP_SHARED | MAP_GROWSDOWN\"" },
	{ "mmap.flags", 0x4022, "\"MAP_PRIVATE | MAP_ANON | 0x4000\"" },
	{ "mmap.flags", 0xffffffff,
	  "\"MAP_SHARED | MAP_PRIVATE | MAP_DROPPABLE | MAP_ANON | MAP_GROWSDOWN | 0xfffffed4\"" },
	{ "mmap.status", 0x0, "\"\"" },
	{ "mmap.status", 0x1, "\"VMA_AREA_REGULAR\"" },
	{ "mmap.status", 0x41, "\"VMA_AREA_REGULAR | VMA_FILE_PRIVATE\"" },
	{ "mmap.status", 0x10000, "\"0x10000\"" },
	{ "mmap.status", 0x80000201, "\"VMA_AREA_REGULAR | VMA_ANON_PRIVATE | VMA_UNSUPP\"" },
	{ "mmap.status", 0x2e000,
	  "\"VMA_AREA_AIORING | VMA_AREA_MEMFD | VMA_AREA_SHSTK | VMA_AREA_UPROBES\"" },
	{ "mmap.status", 0xffffffff,
	  "\"VMA_AREA_REGULAR | VMA_AREA_STACK | VMA_AREA_VSYSCALL | VMA_AREA_VDSO | "
	  "VMA_AREA_HEAP | VMA_FILE_PRIVATE | VMA_FILE_SHARED | VMA_ANON_SHARED | "
	  "VMA_ANON_PRIVATE | VMA_AREA_SYSVIPC | VMA_AREA_SOCKET | VMA_AREA_VVAR | "
	  "VMA_AREA_AIORING | VMA_AREA_MEMFD | VMA_AREA_SHSTK | VMA_AREA_UPROBES | "
	  "VMA_UNSUPP | 0x7ffd0010\"" },
	{ "rfile.flags", 0x0, "\"\"" },
	{ "rfile.flags", 0x2, "\"O_RDWR\"" },
	{ "rfile.flags", 0x402, "\"O_RDWR | O_APPEND\"" },
	{ "rfile.flags", 0x8441, "\"O_WRONLY | O_CREAT | O_APPEND | O_LARGEFILE\"" },
	{ "rfile.flags", 0x80800, "\"O_NONBLOCK | O_CLOEXEC\"" },
	{ "rfile.flags", 0x200000, "\"0x200000\"" },
	{ "rfile.flags", 0xffffffff,
	  "\"O_WRONLY | O_RDWR | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | "
	  "O_NONBLOCK | O_DSYNC | FASYNC | O_DIRECT | O_LARGEFILE | O_DIRECTORY | "
	  "O_NOFOLLOW | O_NOATIME | O_CLOEXEC | 0xfff0003c\"" },
	{ "pmap.flags", 0x0, "\"\"" },
	{ "pmap.flags", 0x4, "\"PE_PRESENT\"" },
	{ "pmap.flags", 0x5, "\"PE_PARENT | PE_PRESENT\"" },
	{ "pmap.flags", 0x6, "\"PE_LAZY | PE_PRESENT\"" },
	{ "pmap.flags", 0x18, "\"0x18\"" },
	{ "seals.flags", 0x0, "\"\"" },
	{ "seals.flags", 0xf, "\"F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE\"" },
	{ "seals.flags", 0x1f,
	  "\"F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE\"" },
	{ "seals.flags", 0x20, "\"0x20\"" },
};

START_TEST(flags_maps)
{
	const struct crit_field f = FIELD("flags", 0, flags_cases[_i].map, NULL);

	ck_assert_str_eq(pretty(&f, false, false, flags_cases[_i].v), flags_cases[_i].want);
}
END_TEST

START_TEST(flags_signed_rest)
{
	static const struct crit_field f = FIELD("prot", 0, "mmap.prot", NULL);

	/* json.dumps(map_flags(-1, mmap_prot_map)) */
	ck_assert_str_eq(pretty(&f, false, true, (uint64_t)-1),
			 "\"PROT_READ | PROT_WRITE | PROT_EXEC | 0x-8\"");
}
END_TEST

START_TEST(flags_unknown_map)
{
	static const struct crit_field f = FIELD("flags", 0, "no.such.map", NULL);

	/* CRIT falls back to "0x%x" % 0x1234 */
	ck_assert_str_eq(pretty(&f, false, false, 0x1234), "\"0x1234\"");
}
END_TEST

/* ------------------------------------------------------------------ */
/* dicts                                                                */
/* ------------------------------------------------------------------ */

static const struct {
	const char *dict, *field;
	uint64_t v;
	const char *want; /* json.dumps(dict_maps[dict][0][field][v]); NULL: not in the map */
} dict_cases[] = {
	{ "sk", "family", 1, "\"UNIX\"" },
	{ "sk", "family", 2, "\"INET\"" },
	{ "sk", "family", 10, "\"INET6\"" },
	{ "sk", "family", 16, "\"NETLINK\"" },
	{ "sk", "family", 17, "\"PACKET\"" },
	{ "sk", "type", 1, "\"STREAM\"" },
	{ "sk", "type", 5, "\"SEQPACKET\"" },
	{ "sk", "type", 10, "\"PACKET\"" },
	{ "sk", "state", 1, "\"ESTABLISHED\"" },
	{ "sk", "state", 7, "\"CLOSE\"" },
	{ "sk", "state", 10, "\"LISTEN\"" },
	{ "sk", "proto", 0, "\"IP\"" },
	{ "sk", "proto", 6, "\"TCP\"" },
	{ "sk", "proto", 17, "\"UDP\"" },
	{ "sk", "proto", 136, "\"UDPLITE\"" },
	/* CRIT shows these as the plain number */
	{ "sk", "family", 3, NULL },
	{ "sk", "state", 0, NULL },
	{ "sk", "proto", 1, NULL },
	{ "gen", "task_state", 0, NULL },
	{ "gen", "task_state", 4, NULL },
	/* Not CRIT's map: CRIU's task states (compel's TASK_ALIVE 1, TASK_DEAD 2,
	 * TASK_STOPPED 3, TASK_ZOMBIE 6). CRIT 4.2 has {1: Alive, 3: Zombie,
	 * 6: Stopped}, a documented deviation: fixtures/README.md, "Where
	 * Python CRIT is wrong", item 3. */
	{ "gen", "task_state", 1, "\"Alive\"" },
	{ "gen", "task_state", 2, "\"Dead\"" },
	{ "gen", "task_state", 3, "\"Stopped\"" },
	{ "gen", "task_state", 6, "\"Zombie\"" },
};

START_TEST(dict_names)
{
	const struct crit_field f = FIELD(dict_cases[_i].field, 0, NULL, dict_cases[_i].dict);
	const char *got = pretty(&f, false, false, dict_cases[_i].v);

	if (dict_cases[_i].want)
		ck_assert_str_eq(got, dict_cases[_i].want);
	else
		ck_assert_ptr_null(got);
}
END_TEST

START_TEST(no_conversion)
{
	static const struct crit_field f = FIELD("plain", 0, NULL, NULL);

	ck_assert_ptr_null(pretty(&f, false, false, 7)); /* CRIT: int(7) */
}
END_TEST

/* ------------------------------------------------------------------ */
/* IP addresses                                                         */
/* ------------------------------------------------------------------ */

/* The words as the image holds them (network byte order read as a little
 * endian uint32). want is json.dumps(IPv4Address(socket.ntohl(w[0])).compressed)
 * for one word, and for four
 * json.dumps(IPv6Address(sum(socket.ntohl(w[i]) << 32 * (3 - i) for i in range(4))).compressed). */
static const struct {
	int n;
	uint32_t words[4];
	const char *want;
} ip_cases[] = {
	{ 1, { 0x0100007f }, "\"127.0.0.1\"" },
	{ 1, { 0x00000000 }, "\"0.0.0.0\"" },
	{ 1, { 0xffffffff }, "\"255.255.255.255\"" },
	{ 1, { 0x0302010a }, "\"10.1.2.3\"" },
	{ 1, { 0xc864a8c0 }, "\"192.168.100.200\"" },
	{ 4, { 0x00000000, 0x00000000, 0x00000000, 0x00000000 }, "\"::\"" },
	{ 4, { 0x00000000, 0x00000000, 0x00000000, 0x01000000 }, "\"::1\"" },
	{ 4, { 0x00000000, 0x00000000, 0xffff0000, 0x0100007f }, "\"::ffff:7f00:1\"" },
	{ 4, { 0x000080fe, 0x00000000, 0x00000000, 0x01000000 }, "\"fe80::1\"" },
	/* two zero runs of the same length: the first one is compressed */
	{ 4, { 0x00000100, 0x02000000, 0x00000300, 0x04000000 }, "\"1::2:3:0:0:4\"" },
	/* a longer second run wins */
	{ 4, { 0x00000100, 0x02000000, 0x00000000, 0x03000000 }, "\"1:0:0:2::3\"" },
	/* a single zero group is not compressed */
	{ 4, { 0x00000100, 0x03000200, 0x05000400, 0x07000600 }, "\"1:0:2:3:4:5:6:7\"" },
	{ 4, { 0x02000100, 0x04000300, 0x06000500, 0x00000700 }, "\"1:2:3:4:5:6:7:0\"" },
	{ 4, { 0x01000000, 0x01000000, 0x01000000, 0x01000000 }, "\"0:1:0:1:0:1:0:1\"" },
	{ 4, { 0x00000100, 0x00000000, 0x00000000, 0x00000000 }, "\"1::\"" },
	{ 4, { 0x00000000, 0x00000100, 0x00000000, 0x01000000 }, "\"0:0:1::1\"" },
	{ 4, { 0xb80d0120, 0x00000000, 0x00ff0000, 0x29834200 }, "\"2001:db8::ff00:42:8329\"" },
	{ 4, { 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff },
	  "\"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff\"" },
};

START_TEST(ip_addresses)
{
	start();
	ck_assert(pretty_ip(w, ip_cases[_i].words, ip_cases[_i].n));
	ck_assert_str_eq(output(), ip_cases[_i].want);
}
END_TEST

/* Neither 1 nor 4 words: no address (Python CRIT would raise IndexError). */
START_TEST(ip_wrong_word_count)
{
	static const uint32_t words[4] = { 1, 2, 3, 4 };

	for (int n = 2; n <= 3; n++) {
		start();
		ck_assert(!pretty_ip(w, words, n));
		ck_assert_str_eq(output(), "");
	}
}
END_TEST

Suite *pretty_suite(void)
{
	Suite *s = suite_create("pretty");
	TCase *tc = tcase_create("pretty");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, hex_field);
	tcase_add_loop_test(tc, dev_new_encoding, 0, N(dev_cases));
	tcase_add_loop_test(tc, dev_old_encoding, 0, N(odev_cases));
	tcase_add_loop_test(tc, flags_maps, 0, N(flags_cases));
	tcase_add_test(tc, flags_signed_rest);
	tcase_add_test(tc, flags_unknown_map);
	tcase_add_loop_test(tc, dict_names, 0, N(dict_cases));
	tcase_add_test(tc, no_conversion);
	tcase_add_loop_test(tc, ip_addresses, 0, N(ip_cases));
	tcase_add_test(tc, ip_wrong_word_count);
	suite_add_tcase(s, tc);
	return s;
}

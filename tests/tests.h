/* tests.h - what the Check suites share. Each module has one suite;
 * test-main.c collects them all. Tests run from the repository root. */
#ifndef CRIT_TESTS_H
#define CRIT_TESTS_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "codec/decode.h"
#include "format/image.h"
#include "json/text.h"

Suite *json_suite(void);
Suite *text_suite(void);
Suite *pretty_suite(void);
Suite *wire_suite(void);
Suite *decode_suite(void);
Suite *image_suite(void);
Suite *fixtures_suite(void);
Suite *malformed_suite(void);
Suite *jsonread_suite(void);
Suite *encode_suite(void);
Suite *explore_suite(void);
Suite *shape_suite(void);
Suite *api_suite(void);
Suite *anonymize_suite(void);

/* A growing buffer that a crit_sink writes into. */
struct membuf {
	char *data;
	size_t len, cap;
};

extern const struct crit_sink *membuf_sink(struct membuf *b);
void membuf_free(struct membuf *b);

/* Read a whole file; NULL when missing. */
char *slurp(const char *path, size_t *len);

/* Decode an in-memory image to JSON; returns false and fills err on error. */
bool decode_mem(const void *img, size_t len, bool pretty, bool nopl, struct membuf *out,
		struct crit_err *err);

/* A JSON writer for the suites: capture_start, write through the jw it
 * returns, then capture_output (which flushes; len may be NULL). */
struct jw *capture_start(bool pretty, size_t bufsize);
const char *capture_output(size_t *len);
void capture_free(void);

/* A child process writing buf into a pipe; returns its pid, *fd reads. */
pid_t pipe_writer(const void *buf, size_t len, bool bytewise, int *fd);
void writer_done(pid_t pid, int fd);

/* A little protobuf writer for hand-made images. */
#define IMG_COMMON 0x54564319u

struct pb {
	uint8_t *p;
	size_t n, cap;
};

void pb_bytes(struct pb *b, const void *s, size_t n);
void pb_varint(struct pb *b, uint64_t v);
void pb_u32le(struct pb *b, uint32_t v);
void pb_uint(struct pb *b, uint32_t field, uint64_t v);
void pb_len(struct pb *b, uint32_t field, const void *s, size_t n);
/* An image: IMG_COMMON, the magic, then one entry per message. */
struct pb image(uint32_t magic, int n, const struct pb *msgs);
/* An MM entry of nvmas VMAs, after the other fields or before them. */
struct pb big_mm(uint32_t nvmas, bool vmas_first);

#endif

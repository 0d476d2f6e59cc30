/* Bytes off the wire to UTF-8: GB18030 in Chinese mode (through iconv),
 * ASCII otherwise. Whatever does not decode is marked, never dropped
 * silently, so a wrong byte shows on the receipt. */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "sim/printsim/prsim.h"

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

static char *ascii(const uint8_t *p, size_t n)
{
    char *s = malloc(n + 1);
    if (!s)
        return NULL;
    for (size_t i = 0; i < n; i++)
        s[i] = p[i] < 0x80 ? (char)p[i] : '?';
    s[n] = '\0';
    return s;
}

/* Converts with cd into out (3n + 1 bytes: no byte of input gives more
 * than 3 bytes of output), marking what does not decode. */
static void convert(iconv_t cd, const uint8_t *p, size_t n, char *out)
{
    char *in = (char *)(uintptr_t)p, *dst = out;
    size_t in_left = n, out_left = 3 * n;
    while (in_left > 0) {
        if (iconv(cd, &in, &in_left, &dst, &out_left) != (size_t)-1)
            break;
        if (errno == E2BIG || out_left < 3)
            break;
        memcpy(dst, replacement, 3); /* EILSEQ: a bad byte; EINVAL: cut short at the end */
        dst += 3;
        out_left -= 3;
        size_t skip = errno == EINVAL ? in_left : 1;
        in += skip;
        in_left -= skip;
        iconv(cd, NULL, NULL, NULL, NULL);
    }
    *dst = '\0';
}

char *prsim_to_utf8(const uint8_t *p, size_t n, bool chinese)
{
    if (!chinese)
        return ascii(p, n);
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    char *out = cd == (iconv_t)-1 ? NULL : malloc(3 * n + 1);
    if (out)
        convert(cd, p, n, out);
    if (cd != (iconv_t)-1)
        iconv_close(cd);
    return out ? out : ascii(p, n);
}

/* The bill types: --notes "TYPE:BILLID,...", the 7-character bill ids
 * (country, value in major units, issue) and their values in minor units. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cashsim/csim.h"

#define MAX_LIST 1024

bool csim_id_shape(const char *text)
{
    if (strlen(text) != CSIM_ID_LEN)
        return false;
    for (int i = 0; i < 2; i++)
        if (!isupper((unsigned char)text[i]))
            return false;
    for (int i = 2; i < 6; i++)
        if (!isdigit((unsigned char)text[i]))
            return false;
    return isgraph((unsigned char)text[6]) != 0;
}

/* The currency whose ISO code starts with the bill id's two letters
 * ("CN" -> CNY), as the kiosk reads it; NULL if none. */
static const currency_t *currency_of(const char *id)
{
    char code[4] = {id[0], id[1], 'A', '\0'};
    for (char c = 'A'; c <= 'Z'; c++) {
        code[2] = c;
        const currency_t *cur = currency_find(code);
        if (cur)
            return cur;
    }
    return NULL;
}

/* The value of a bill id in minor units of cur: 4 digits of major units. */
static int64_t value_of(const char *id, const currency_t *cur)
{
    int64_t v = 0;
    for (int i = 2; i < 6; i++)
        v = v * 10 + (id[i] - '0');
    for (unsigned i = 0; i < cur->exponent; i++)
        v *= 10;
    return v;
}

/* One "TYPE:BILLID" item. */
static kerr_t parse_item(csim_t *s, char *item, kmsg_t *msg)
{
    char *colon = strchr(item, ':');
    int64_t type;
    if (!colon)
        return kmsg_set(msg, K_EINVAL, "--notes: '%s' is not TYPE:BILLID", item);
    *colon = '\0';
    const char *id = colon + 1;
    if (!simio_parse_int(item, 1, CSIM_TYPES, &type))
        return kmsg_set(msg, K_EINVAL, "--notes: bill type '%s' is not 1..%d", item, CSIM_TYPES);
    if (!csim_id_shape(id))
        return kmsg_set(msg, K_EINVAL, "--notes: '%s' is not a bill id like CN0020A", id);
    const currency_t *cur = currency_of(id);
    if (!cur)
        return kmsg_set(msg, K_EINVAL, "--notes: no currency for the country of %s", id);
    csim_note_t *n = &s->notes[type];
    if (n->id[0])
        return kmsg_set(msg, K_EINVAL, "--notes: bill type %lld given twice", (long long)type);
    memcpy(n->id, id, CSIM_ID_LEN + 1);
    n->cur = cur;
    n->value = value_of(id, cur);
    return K_OK;
}

kerr_t csim_notes_parse(csim_t *s, const char *list, kmsg_t *msg)
{
    char copy[MAX_LIST];
    if (strlen(list) >= sizeof copy)
        return kmsg_set(msg, K_EINVAL, "--notes: the list is too long");
    snprintf(copy, sizeof copy, "%s", list);
    memset(s->notes, 0, sizeof s->notes);
    int n = 0;
    for (char *save = NULL, *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save), n++) {
        kerr_t rc = parse_item(s, item, msg);
        if (rc != K_OK)
            return rc;
    }
    return n ? K_OK : kmsg_set(msg, K_EINVAL, "--notes: no notes given");
}

int csim_notes_find(const csim_t *s, const char *id)
{
    for (int t = 1; t <= CSIM_TYPES; t++)
        if (s->notes[t].id[0] && strcmp(s->notes[t].id, id) == 0)
            return t;
    return 0;
}

const char *csim_bill_id(const csim_t *s, int type)
{
    if (type < 1 || type > CSIM_TYPES || !s->notes[type].id[0])
        return ".......";
    return s->notes[type].id;
}

/* The SMS channel's text work, pure: UTF-8 to UCS-2 (UTF-16BE) split into
 * concatenated parts with a UDH, delivery receipt texts, masked numbers
 * (docs/protocols/smpp.md). */
#ifndef BACKOFFICE_NOTIFY_BO_SMPP_TEXT_H
#define BACKOFFICE_NOTIFY_BO_SMPP_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BO_SMPP_SINGLE_UNITS 70 /* 140 octets of UCS-2 in one message */
#define BO_SMPP_PART_UNITS 67   /* 134 octets after the 6-octet UDH */
#define BO_SMPP_MAX_PARTS 8
#define BO_SMPP_MAX_UNITS (BO_SMPP_MAX_PARTS * BO_SMPP_PART_UNITS)

/* The text in UTF-16 code units (surrogate pairs outside the BMP) into
 * out[cap]; returns how many, or -1 if text is not valid UTF-8 (overlong
 * forms and surrogates included) or needs more than cap units. */
int bo_smpp_utf16(const char *text, uint16_t *out, size_t cap);

/* One short_message: its octets (UDH first when there is one). */
typedef struct bo_smpp_part {
    uint8_t sm[140];
    size_t len;
} bo_smpp_part_t;

/* Cuts n units into short messages: one without a UDH when n <= 70, else
 * parts of at most 67 units (never between a surrogate pair), each with
 * the UDH 05 00 03 ref total seq. Returns the number of parts, or 0 if
 * more than BO_SMPP_MAX_PARTS would be needed or n is 0. */
int bo_smpp_split(const uint16_t *u, size_t n, uint8_t ref, bo_smpp_part_t parts[BO_SMPP_MAX_PARTS]);

/* A receipt's text ("id:ID sub:001 dlvrd:001 submit date:... done
 * date:... stat:DELIVRD err:000 text:..."): its id and stat words, each
 * cut to its buffer. False if either is missing. */
bool bo_smpp_receipt_parse(const char *text, size_t n, char *id, size_t id_cap, char *stat, size_t stat_cap);

/* The message_state TLV's value as the receipt's word (2 DELIVRD, 3
 * EXPIRED, ...), or NULL. */
const char *bo_smpp_state_word(int message_state);

/* number with all but its first 3 and last 4 digits starred
 * (13812345678 -> 138****5678); numbers of 7 digits or fewer keep only
 * their last 2. Always terminated within cap. */
void bo_smpp_mask(const char *number, char *out, size_t cap);

#endif

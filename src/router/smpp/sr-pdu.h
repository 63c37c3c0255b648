/* sr-pdu.h — SMPP 3.4 PDU codec: typed PDUs packed and unpacked with libsmpp34.
 *
 * The codec wraps libsmpp34 and handles its traps: every field length is
 * checked before packing (libsmpp34 silently truncates), the input is copied
 * into a NUL-terminated buffer before unpacking (it calls strlen() before its
 * bounds checks), and smpp34_strerror is read right after a failure.
 *
 * libsmpp34 packs and unpacks the mandatory body.  The header-only PDUs, the
 * error responses (which carry vendor statuses libsmpp34 refuses) and the
 * optional TLV part are handled here: libsmpp34 keeps TLV values in 1024-byte
 * buffers (message_payload may be up to 64 KiB), trusts fixed sizes over the
 * TLV length field and allocates one list node per TLV.
 *
 * Nothing here allocates: an SrPdu is a plain struct (stack or reused), and
 * variable-size values (message_payload, raw TLVs) are borrowed pointers into
 * the unpacked buffer or into the caller's memory when packing.
 *
 * All SMPP work stays on one thread (libsmpp34 keeps global error state).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SR_PDU_ERROR (sr_pdu_error_quark ())
GQuark sr_pdu_error_quark (void);

/* Why a PDU could not be packed or unpacked. */
typedef enum {
  SR_PDU_ERROR_FIELD_TOO_LONG,   /* a field exceeds its SMPP maximum (pack) */
  SR_PDU_ERROR_INVALID,          /* a field value is not allowed (pack) */
  SR_PDU_ERROR_MALFORMED,        /* the bytes are not a valid PDU (unpack) */
  SR_PDU_ERROR_UNKNOWN_COMMAND,  /* command_id not supported; header fields are set */
} SrPduError;

#define SR_PDU_HEADER_LEN 16
/* Largest PDU we accept or produce (command_length). */
#define SR_PDU_MAX_LEN 65536
/* Raw TLVs carried besides the typed ones. */
#define SR_PDU_MAX_TLVS 16
#define SR_PDU_INTERFACE_VERSION 0x34
#define SR_PDU_MAX_SEQUENCE 0x7FFFFFFFu

/* SMPP 3.4 command ids. */
typedef enum {
  SR_CMD_GENERIC_NACK          = 0x80000000u,
  SR_CMD_BIND_RECEIVER         = 0x00000001u,
  SR_CMD_BIND_RECEIVER_RESP    = 0x80000001u,
  SR_CMD_BIND_TRANSMITTER      = 0x00000002u,
  SR_CMD_BIND_TRANSMITTER_RESP = 0x80000002u,
  SR_CMD_QUERY_SM              = 0x00000003u,
  SR_CMD_QUERY_SM_RESP         = 0x80000003u,
  SR_CMD_SUBMIT_SM             = 0x00000004u,
  SR_CMD_SUBMIT_SM_RESP        = 0x80000004u,
  SR_CMD_DELIVER_SM            = 0x00000005u,
  SR_CMD_DELIVER_SM_RESP       = 0x80000005u,
  SR_CMD_UNBIND                = 0x00000006u,
  SR_CMD_UNBIND_RESP           = 0x80000006u,
  SR_CMD_REPLACE_SM            = 0x00000007u,
  SR_CMD_REPLACE_SM_RESP       = 0x80000007u,
  SR_CMD_CANCEL_SM             = 0x00000008u,
  SR_CMD_CANCEL_SM_RESP        = 0x80000008u,
  SR_CMD_BIND_TRANSCEIVER      = 0x00000009u,
  SR_CMD_BIND_TRANSCEIVER_RESP = 0x80000009u,
  SR_CMD_OUTBIND               = 0x0000000Bu,
  SR_CMD_ENQUIRE_LINK          = 0x00000015u,
  SR_CMD_ENQUIRE_LINK_RESP     = 0x80000015u,
  SR_CMD_SUBMIT_MULTI          = 0x00000021u,
  SR_CMD_SUBMIT_MULTI_RESP     = 0x80000021u,
  SR_CMD_ALERT_NOTIFICATION    = 0x00000102u,
  SR_CMD_DATA_SM               = 0x00000103u,
  SR_CMD_DATA_SM_RESP          = 0x80000103u,
} SrCommandId;

#define SR_CMD_RESP_BIT 0x80000000u

/* TLV tags with typed fields in SrPdu. */
typedef enum {
  SR_TLV_TAG_RECEIPTED_MESSAGE_ID   = 0x001E,
  SR_TLV_TAG_USER_MESSAGE_REFERENCE = 0x0204,
  SR_TLV_TAG_SAR_MSG_REF_NUM        = 0x020C,
  SR_TLV_TAG_SAR_TOTAL_SEGMENTS     = 0x020E,
  SR_TLV_TAG_SAR_SEGMENT_SEQNUM     = 0x020F,
  SR_TLV_TAG_SC_INTERFACE_VERSION   = 0x0210,
  SR_TLV_TAG_NETWORK_ERROR_CODE     = 0x0423,
  SR_TLV_TAG_MESSAGE_PAYLOAD        = 0x0424,
  SR_TLV_TAG_MESSAGE_STATE          = 0x0427,
} SrTlvTag;

/* Which typed TLVs are present (SrPdu.tlv_mask). */
typedef enum {
  SR_TLV_MESSAGE_PAYLOAD        = 1 << 0,
  SR_TLV_SAR_MSG_REF_NUM        = 1 << 1,
  SR_TLV_SAR_TOTAL_SEGMENTS     = 1 << 2,
  SR_TLV_SAR_SEGMENT_SEQNUM     = 1 << 3,
  SR_TLV_RECEIPTED_MESSAGE_ID   = 1 << 4,
  SR_TLV_MESSAGE_STATE          = 1 << 5,
  SR_TLV_NETWORK_ERROR_CODE     = 1 << 6,
  SR_TLV_USER_MESSAGE_REFERENCE = 1 << 7,
  SR_TLV_SC_INTERFACE_VERSION   = 1 << 8,
} SrTlvMask;

/* One TLV carried as raw bytes (tags without a typed field). */
typedef struct {
  guint16 tag;
  guint16 length;
  const guint8 *value;       /* borrowed: unpacked buffer or caller memory */
} SrPduTlv;

/* SMPP maximum lengths (characters, without the terminating NUL). */
#define SR_PDU_SYSTEM_ID_MAX 15
#define SR_PDU_PASSWORD_MAX 8
#define SR_PDU_SYSTEM_TYPE_MAX 12
#define SR_PDU_ADDRESS_RANGE_MAX 40
#define SR_PDU_SERVICE_TYPE_MAX 5
#define SR_PDU_ADDR_MAX 20
#define SR_PDU_TIME_MAX 16
#define SR_PDU_MESSAGE_ID_MAX 64
#define SR_PDU_SHORT_MESSAGE_MAX 254

/* One PDU of any supported type; which fields matter depends on command_id.
 * String arrays are two bytes longer than the SMPP maximum, so a value that
 * g_strlcpy() truncated is still too long and sr_pdu_pack() refuses it. */
typedef struct {
  /* header */
  guint32 command_length;    /* set by unpack; ignored by pack */
  guint32 command_id;
  guint32 command_status;
  guint32 sequence_number;

  /* bind_* (and system_id of bind_*_resp) */
  char system_id[SR_PDU_SYSTEM_ID_MAX + 2];
  char password[SR_PDU_PASSWORD_MAX + 2];
  char system_type[SR_PDU_SYSTEM_TYPE_MAX + 2];
  guint8 interface_version;  /* 0 when packing means 0x34 */
  guint8 addr_ton;
  guint8 addr_npi;
  char address_range[SR_PDU_ADDRESS_RANGE_MAX + 2];

  /* submit_sm, deliver_sm, data_sm */
  char service_type[SR_PDU_SERVICE_TYPE_MAX + 2];
  guint8 source_addr_ton;
  guint8 source_addr_npi;
  char source_addr[SR_PDU_ADDR_MAX + 2];
  guint8 dest_addr_ton;
  guint8 dest_addr_npi;
  char destination_addr[SR_PDU_ADDR_MAX + 2];
  guint8 esm_class;
  guint8 protocol_id;
  guint8 priority_flag;
  char schedule_delivery_time[SR_PDU_TIME_MAX + 2];
  char validity_period[SR_PDU_TIME_MAX + 2];
  guint8 registered_delivery;
  guint8 replace_if_present_flag;
  guint8 data_coding;
  guint8 sm_default_msg_id;
  guint sm_length;           /* guint so an over-long value can be refused */
  guint8 short_message[SR_PDU_SHORT_MESSAGE_MAX];

  /* submit_sm_resp, data_sm_resp */
  char message_id[SR_PDU_MESSAGE_ID_MAX + 2];

  /* typed TLVs, valid when their bit is set in tlv_mask */
  guint32 tlv_mask;
  const guint8 *message_payload;   /* borrowed */
  gsize message_payload_len;
  guint16 sar_msg_ref_num;
  guint8 sar_total_segments;
  guint8 sar_segment_seqnum;
  char receipted_message_id[SR_PDU_MESSAGE_ID_MAX + 2];
  guint8 message_state;
  guint8 network_error_code[3];
  guint16 user_message_reference;
  guint8 sc_interface_version;

  /* other TLVs, in wire order */
  SrPduTlv tlvs[SR_PDU_MAX_TLVS];
  guint n_tlvs;
} SrPdu;

/* Zeroes @pdu and sets the header (interface_version 0x34). */
void sr_pdu_init (SrPdu *pdu, guint32 command_id, guint32 sequence_number);

/* Appends the wire form of @pdu to @out.  Every field is checked first; on
 * error nothing is appended.  Header-only PDUs and responses with a non-zero
 * status are packed without a body. */
gboolean sr_pdu_pack (const SrPdu *pdu, GByteArray *out, GError **error);

/* Unpacks one whole PDU (@len bytes, command_length included) into @pdu.
 * Borrowed pointers in @pdu point into @data.  Responses with a non-zero
 * status keep only the header (their body, if any, is ignored).  On
 * SR_PDU_ERROR_UNKNOWN_COMMAND the header fields of @pdu are valid, so the
 * caller can answer with generic_nack. */
gboolean sr_pdu_unpack (const guint8 *data, gsize len, SrPdu *pdu, GError **error);

/* Reads the 16-byte header at @buf (which must hold at least 16 bytes).
 * Any out-pointer may be NULL. */
void sr_pdu_peek_header (const guint8 *buf, guint32 *command_length, guint32 *command_id,
                         guint32 *command_status, guint32 *sequence_number);

/* "submit_sm", "generic_nack", ...; NULL for an unknown id. */
const char *sr_pdu_command_name (guint32 command_id);

/* Whether the codec packs and unpacks this command. */
gboolean sr_pdu_command_supported (guint32 command_id);

static inline gboolean
sr_pdu_is_response (guint32 command_id)
{
  return (command_id & SR_CMD_RESP_BIT) != 0;
}

/* Finds a raw TLV by tag; NULL when absent. */
const SrPduTlv *sr_pdu_find_tlv (const SrPdu *pdu, guint16 tag);

/* Adds a raw TLV (value borrowed); FALSE when SR_PDU_MAX_TLVS are used. */
gboolean sr_pdu_add_tlv (SrPdu *pdu, guint16 tag, const guint8 *value, guint16 length);

/* The message body: message_payload when present, else short_message. */
const guint8 *sr_pdu_body (const SrPdu *pdu, gsize *len);

G_END_DECLS

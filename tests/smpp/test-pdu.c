/* Unit tests of the SMPP PDU codec and the command_status table. */
#include <string.h>
#include <glib.h>

#include "sr-pdu.h"
#include "sr-smpp-status.h"

static GByteArray *
pack_ok (const SrPdu *pdu)
{
  GByteArray *out = g_byte_array_new ();
  g_autoptr (GError) error = NULL;
  gboolean ok = sr_pdu_pack (pdu, out, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  return out;
}

static void
unpack_ok (const GByteArray *b, SrPdu *pdu)
{
  g_autoptr (GError) error = NULL;
  gboolean ok = sr_pdu_unpack (b->data, b->len, pdu, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
}

static void
fill_sm (SrPdu *p)
{
  g_strlcpy (p->service_type, "CMT", sizeof p->service_type);
  p->source_addr_ton = 5;
  p->source_addr_npi = 0;
  g_strlcpy (p->source_addr, "ACME", sizeof p->source_addr);
  p->dest_addr_ton = 1;
  p->dest_addr_npi = 1;
  g_strlcpy (p->destination_addr, "41791234567", sizeof p->destination_addr);
  p->esm_class = 0x40;
  p->protocol_id = 0;
  p->priority_flag = 1;
  p->registered_delivery = 1;
  p->data_coding = 8;
  p->sm_length = 5;
  memcpy (p->short_message, "\x05\x00\x03\x01\x02", 5);
}

/* Round trip: pack, unpack, compare, and pack again byte-identical. */
typedef struct {
  const char *name;
  guint32 command_id;
  void (*fill) (SrPdu *p);
} RoundTrip;

static void fill_none (SrPdu *p) { (void) p; }
static void
fill_bind (SrPdu *p)
{
  g_strlcpy (p->system_id, "sysid-123456789", sizeof p->system_id);   /* 15 */
  g_strlcpy (p->password, "pw345678", sizeof p->password);            /* 8 */
  g_strlcpy (p->system_type, "VMA", sizeof p->system_type);
  p->addr_ton = 1;
  p->addr_npi = 1;
  g_strlcpy (p->address_range, "^4179", sizeof p->address_range);
}
static void fill_bind_resp (SrPdu *p)
{
  g_strlcpy (p->system_id, "SMSC", sizeof p->system_id);
  p->tlv_mask |= SR_TLV_SC_INTERFACE_VERSION;
  p->sc_interface_version = 0x34;
}
static void fill_submit_resp (SrPdu *p) { g_strlcpy (p->message_id, "0af3c9", sizeof p->message_id); }
static void
fill_submit_sar (SrPdu *p)
{
  fill_sm (p);
  g_strlcpy (p->validity_period, "000001000000000R", sizeof p->validity_period);
  g_strlcpy (p->schedule_delivery_time, "261122120000000+", sizeof p->schedule_delivery_time);
  p->tlv_mask |= SR_TLV_SAR_MSG_REF_NUM | SR_TLV_SAR_TOTAL_SEGMENTS | SR_TLV_SAR_SEGMENT_SEQNUM
    | SR_TLV_USER_MESSAGE_REFERENCE;
  p->sar_msg_ref_num = 0xBEEF;
  p->sar_total_segments = 3;
  p->sar_segment_seqnum = 2;
  p->user_message_reference = 4711;
}
static void
fill_deliver_receipt (SrPdu *p)
{
  fill_sm (p);
  p->esm_class = 0x04;
  static const char text[] = "id:0af3c9 sub:001 dlvrd:001 submit date:2611221200 done date:2611221201 stat:DELIVRD err:000 text:";
  p->sm_length = sizeof text - 1;
  memcpy (p->short_message, text, p->sm_length);
  p->tlv_mask |= SR_TLV_RECEIPTED_MESSAGE_ID | SR_TLV_MESSAGE_STATE | SR_TLV_NETWORK_ERROR_CODE;
  g_strlcpy (p->receipted_message_id, "0af3c9", sizeof p->receipted_message_id);
  p->message_state = 2;
  memcpy (p->network_error_code, "\x03\x00\x01", 3);
}
static const guint8 raw_value[] = { 1, 2, 3 };
static void
fill_data_sm (SrPdu *p)
{
  fill_sm (p);
  p->sm_length = 0;
  static const guint8 payload[] = "hello payload";
  p->tlv_mask |= SR_TLV_MESSAGE_PAYLOAD;
  p->message_payload = payload;
  p->message_payload_len = sizeof payload - 1;
  g_assert_true (sr_pdu_add_tlv (p, 0x1401, raw_value, 3));
}
static void fill_data_sm_resp (SrPdu *p) { g_strlcpy (p->message_id, "msg-1", sizeof p->message_id); }

static const RoundTrip round_trips[] = {
  { "bind_transmitter", SR_CMD_BIND_TRANSMITTER, fill_bind },
  { "bind_receiver", SR_CMD_BIND_RECEIVER, fill_bind },
  { "bind_transceiver", SR_CMD_BIND_TRANSCEIVER, fill_bind },
  { "bind_transmitter_resp", SR_CMD_BIND_TRANSMITTER_RESP, fill_bind_resp },
  { "bind_receiver_resp", SR_CMD_BIND_RECEIVER_RESP, fill_bind_resp },
  { "bind_transceiver_resp", SR_CMD_BIND_TRANSCEIVER_RESP, fill_bind_resp },
  { "unbind", SR_CMD_UNBIND, fill_none },
  { "unbind_resp", SR_CMD_UNBIND_RESP, fill_none },
  { "enquire_link", SR_CMD_ENQUIRE_LINK, fill_none },
  { "enquire_link_resp", SR_CMD_ENQUIRE_LINK_RESP, fill_none },
  { "generic_nack", SR_CMD_GENERIC_NACK, fill_none },
  { "submit_sm", SR_CMD_SUBMIT_SM, fill_sm },
  { "submit_sm_sar", SR_CMD_SUBMIT_SM, fill_submit_sar },
  { "submit_sm_resp", SR_CMD_SUBMIT_SM_RESP, fill_submit_resp },
  { "deliver_sm", SR_CMD_DELIVER_SM, fill_deliver_receipt },
  { "deliver_sm_resp", SR_CMD_DELIVER_SM_RESP, fill_none },
  { "data_sm", SR_CMD_DATA_SM, fill_data_sm },
  { "data_sm_resp", SR_CMD_DATA_SM_RESP, fill_data_sm_resp },
};

static void
assert_same_pdu (const SrPdu *a, const SrPdu *b)
{
  g_assert_cmphex (a->command_id, ==, b->command_id);
  g_assert_cmphex (a->command_status, ==, b->command_status);
  g_assert_cmpuint (a->sequence_number, ==, b->sequence_number);
  g_assert_cmpstr (a->system_id, ==, b->system_id);
  g_assert_cmpstr (a->password, ==, b->password);
  g_assert_cmpstr (a->system_type, ==, b->system_type);
  g_assert_cmpstr (a->address_range, ==, b->address_range);
  g_assert_cmpuint (a->addr_ton, ==, b->addr_ton);
  g_assert_cmpuint (a->addr_npi, ==, b->addr_npi);
  g_assert_cmpstr (a->service_type, ==, b->service_type);
  g_assert_cmpstr (a->source_addr, ==, b->source_addr);
  g_assert_cmpstr (a->destination_addr, ==, b->destination_addr);
  g_assert_cmpuint (a->source_addr_ton, ==, b->source_addr_ton);
  g_assert_cmpuint (a->dest_addr_npi, ==, b->dest_addr_npi);
  g_assert_cmpuint (a->esm_class, ==, b->esm_class);
  g_assert_cmpuint (a->registered_delivery, ==, b->registered_delivery);
  g_assert_cmpuint (a->data_coding, ==, b->data_coding);
  g_assert_cmpstr (a->schedule_delivery_time, ==, b->schedule_delivery_time);
  g_assert_cmpstr (a->validity_period, ==, b->validity_period);
  g_assert_cmpmem (a->short_message, a->sm_length, b->short_message, b->sm_length);
  g_assert_cmpstr (a->message_id, ==, b->message_id);
  g_assert_cmphex (a->tlv_mask, ==, b->tlv_mask);
  g_assert_cmpmem (a->message_payload, a->message_payload_len, b->message_payload, b->message_payload_len);
  g_assert_cmpuint (a->sar_msg_ref_num, ==, b->sar_msg_ref_num);
  g_assert_cmpuint (a->sar_total_segments, ==, b->sar_total_segments);
  g_assert_cmpuint (a->sar_segment_seqnum, ==, b->sar_segment_seqnum);
  g_assert_cmpstr (a->receipted_message_id, ==, b->receipted_message_id);
  g_assert_cmpuint (a->message_state, ==, b->message_state);
  g_assert_cmpmem (a->network_error_code, 3, b->network_error_code, 3);
  g_assert_cmpuint (a->user_message_reference, ==, b->user_message_reference);
  g_assert_cmpuint (a->sc_interface_version, ==, b->sc_interface_version);
  g_assert_cmpuint (a->n_tlvs, ==, b->n_tlvs);
  for (guint i = 0; i < a->n_tlvs; i++)
    {
      g_assert_cmpuint (a->tlvs[i].tag, ==, b->tlvs[i].tag);
      g_assert_cmpmem (a->tlvs[i].value, a->tlvs[i].length, b->tlvs[i].value, b->tlvs[i].length);
    }
}

static void
test_round_trip (gconstpointer data)
{
  const RoundTrip *rt = data;
  SrPdu in, out;
  sr_pdu_init (&in, rt->command_id, 0x7FFFFFFF);
  rt->fill (&in);
  g_autoptr (GByteArray) b = pack_ok (&in);
  guint32 len, id, status, seq;
  sr_pdu_peek_header (b->data, &len, &id, &status, &seq);
  g_assert_cmpuint (len, ==, b->len);
  g_assert_cmphex (id, ==, rt->command_id);
  g_assert_cmphex (status, ==, 0);
  g_assert_cmpuint (seq, ==, 0x7FFFFFFF);
  unpack_ok (b, &out);
  g_assert_cmpuint (out.command_length, ==, b->len);
  assert_same_pdu (&in, &out);
  if (rt->command_id & 0x7FFFFFFF & 0x3 && !sr_pdu_is_response (rt->command_id)
      && rt->fill == fill_bind)
    g_assert_cmpuint (out.interface_version, ==, 0x34);
  g_autoptr (GByteArray) again = pack_ok (&out);
  g_assert_cmpmem (b->data, b->len, again->data, again->len);
}

/* The codec's bytes match SMPP 3.4 as written by hand. */
static void
test_wire_bytes (void)
{
  SrPdu p;
  sr_pdu_init (&p, SR_CMD_ENQUIRE_LINK, 7);
  g_autoptr (GByteArray) el = pack_ok (&p);
  static const guint8 el_bytes[] = { 0,0,0,16, 0,0,0,0x15, 0,0,0,0, 0,0,0,7 };
  g_assert_cmpmem (el->data, el->len, el_bytes, sizeof el_bytes);

  sr_pdu_init (&p, SR_CMD_SUBMIT_SM, 2);
  p.source_addr_ton = 1; p.source_addr_npi = 1;
  g_strlcpy (p.source_addr, "41", sizeof p.source_addr);
  p.dest_addr_ton = 1; p.dest_addr_npi = 1;
  g_strlcpy (p.destination_addr, "44", sizeof p.destination_addr);
  p.registered_delivery = 1;
  p.sm_length = 2;
  memcpy (p.short_message, "hi", 2);
  p.tlv_mask = SR_TLV_SAR_SEGMENT_SEQNUM;
  p.sar_segment_seqnum = 1;
  g_autoptr (GByteArray) sm = pack_ok (&p);
  static const guint8 sm_bytes[] = {
    0,0,0,44, 0,0,0,4, 0,0,0,0, 0,0,0,2,
    0,            /* service_type */
    1,1,'4','1',0,
    1,1,'4','4',0,
    0,0,0,        /* esm_class, protocol_id, priority_flag */
    0, 0,         /* schedule, validity */
    1,0,0,0,      /* registered_delivery, replace, data_coding, default_msg_id */
    2,'h','i',
    0x02,0x0F, 0,1, 1,
  };
  g_assert_cmpmem (sm->data, sm->len, sm_bytes, sizeof sm_bytes);

  /* packing appends: two PDUs in one buffer */
  g_autoptr (GByteArray) both = g_byte_array_new ();
  g_assert_true (sr_pdu_pack (&p, both, NULL));
  sr_pdu_init (&p, SR_CMD_ENQUIRE_LINK, 7);
  g_assert_true (sr_pdu_pack (&p, both, NULL));
  g_assert_cmpuint (both->len, ==, sizeof sm_bytes + sizeof el_bytes);
  g_assert_cmpmem (both->data + sizeof sm_bytes, sizeof el_bytes, el_bytes, sizeof el_bytes);
}

static void
test_limits_ok (void)
{
  /* 254-byte short_message (libsmpp34 alone refuses it) and a 60000-byte payload */
  SrPdu p, q;
  sr_pdu_init (&p, SR_CMD_SUBMIT_SM, 1);
  fill_sm (&p);
  p.sm_length = 254;
  memset (p.short_message, 'x', 254);
  g_autoptr (GByteArray) b = pack_ok (&p);
  unpack_ok (b, &q);
  g_assert_cmpuint (q.sm_length, ==, 254);
  g_assert_cmpmem (q.short_message, 254, p.short_message, 254);

  g_autofree guint8 *payload = g_malloc (60000);
  for (guint i = 0; i < 60000; i++)
    payload[i] = i * 7;
  sr_pdu_init (&p, SR_CMD_SUBMIT_SM, 2);
  fill_sm (&p);
  p.sm_length = 0;
  p.tlv_mask = SR_TLV_MESSAGE_PAYLOAD;
  p.message_payload = payload;
  p.message_payload_len = 60000;
  g_autoptr (GByteArray) c = pack_ok (&p);
  unpack_ok (c, &q);
  g_assert_true (q.tlv_mask & SR_TLV_MESSAGE_PAYLOAD);
  gsize blen;
  const guint8 *body = sr_pdu_body (&q, &blen);
  g_assert_cmpmem (body, blen, payload, 60000);
  g_assert_true (body >= c->data && body < c->data + c->len);   /* borrowed, not copied */
}

/* Each over-long or invalid field is refused with a clear error. */
typedef struct {
  const char *name;
  guint32 command_id;
  void (*spoil) (SrPdu *p);
  int code;
  const char *mentions;
} Refusal;

static void s_system_id (SrPdu *p) { fill_bind (p); g_strlcpy (p->system_id, "sixteen-chars-xx", sizeof p->system_id); }
static void s_password (SrPdu *p) { fill_bind (p); g_strlcpy (p->password, "ninechars", sizeof p->password); }
static void s_password_long (SrPdu *p) { fill_bind (p); g_strlcpy (p->password, "a-very-long-password", sizeof p->password); }
static void s_system_type (SrPdu *p) { fill_bind (p); g_strlcpy (p->system_type, "thirteen-char", sizeof p->system_type); }
static void s_address_range (SrPdu *p) { fill_bind (p); memset (p->address_range, '9', 41); p->address_range[41] = 0; }
static void s_service_type (SrPdu *p) { fill_sm (p); g_strlcpy (p->service_type, "SIXCH", sizeof p->service_type); g_strlcat (p->service_type, "X", sizeof p->service_type); }
static void s_source (SrPdu *p) { fill_sm (p); g_strlcpy (p->source_addr, "123456789012345678901", sizeof p->source_addr); }
static void s_dest (SrPdu *p) { fill_sm (p); g_strlcpy (p->destination_addr, "1234567890123456789012345", sizeof p->destination_addr); }
static void s_sm_len (SrPdu *p) { fill_sm (p); p->sm_length = 255; }
static void s_validity (SrPdu *p) { fill_sm (p); g_strlcpy (p->validity_period, "000001000000", sizeof p->validity_period); }
static void s_both_bodies (SrPdu *p)
{
  static const guint8 x[] = "x";
  fill_sm (p);
  p->tlv_mask |= SR_TLV_MESSAGE_PAYLOAD;
  p->message_payload = x;
  p->message_payload_len = 1;
}
static void s_payload (SrPdu *p)
{
  static guint8 big[70000];
  fill_sm (p);
  p->sm_length = 0;
  p->tlv_mask |= SR_TLV_MESSAGE_PAYLOAD;
  p->message_payload = big;
  p->message_payload_len = sizeof big;
}
static void s_payload_pdu (SrPdu *p)
{
  static guint8 big[65535];
  fill_sm (p);
  p->sm_length = 0;
  p->tlv_mask |= SR_TLV_MESSAGE_PAYLOAD;
  p->message_payload = big;
  p->message_payload_len = sizeof big;   /* fits the TLV, not the 64 KiB PDU */
}
static void s_message_id (SrPdu *p) { memset (p->message_id, 'a', 65); p->message_id[65] = 0; }
static void s_receipted (SrPdu *p) { fill_sm (p); p->tlv_mask |= SR_TLV_RECEIPTED_MESSAGE_ID; memset (p->receipted_message_id, 'a', 65); p->receipted_message_id[65] = 0; }
static void s_seq0 (SrPdu *p) { fill_sm (p); p->sequence_number = 0; }
static void s_ton (SrPdu *p) { fill_sm (p); p->dest_addr_ton = 9; }
static void s_deliver_validity (SrPdu *p) { fill_sm (p); g_strlcpy (p->validity_period, "000001000000000R", sizeof p->validity_period); }

static const Refusal refusals[] = {
  { "system_id", SR_CMD_BIND_TRANSCEIVER, s_system_id, SR_PDU_ERROR_FIELD_TOO_LONG, "system_id is longer than 15" },
  { "password", SR_CMD_BIND_TRANSMITTER, s_password, SR_PDU_ERROR_FIELD_TOO_LONG, "password is longer than 8" },
  { "password_truncated_by_strlcpy", SR_CMD_BIND_RECEIVER, s_password_long, SR_PDU_ERROR_FIELD_TOO_LONG, "password" },
  { "system_type", SR_CMD_BIND_TRANSCEIVER, s_system_type, SR_PDU_ERROR_FIELD_TOO_LONG, "system_type is longer than 12" },
  { "address_range", SR_CMD_BIND_TRANSCEIVER, s_address_range, SR_PDU_ERROR_FIELD_TOO_LONG, "address_range is longer than 40" },
  { "service_type", SR_CMD_SUBMIT_SM, s_service_type, SR_PDU_ERROR_FIELD_TOO_LONG, "service_type is longer than 5" },
  { "source_addr", SR_CMD_SUBMIT_SM, s_source, SR_PDU_ERROR_FIELD_TOO_LONG, "source_addr is longer than 20" },
  { "destination_addr", SR_CMD_DELIVER_SM, s_dest, SR_PDU_ERROR_FIELD_TOO_LONG, "destination_addr is longer than 20" },
  { "data_sm_destination", SR_CMD_DATA_SM, s_dest, SR_PDU_ERROR_FIELD_TOO_LONG, "destination_addr" },
  { "short_message", SR_CMD_SUBMIT_SM, s_sm_len, SR_PDU_ERROR_FIELD_TOO_LONG, "short_message of 255 bytes" },
  { "validity_form", SR_CMD_SUBMIT_SM, s_validity, SR_PDU_ERROR_INVALID, "validity_period must be empty or 16" },
  { "both_bodies", SR_CMD_SUBMIT_SM, s_both_bodies, SR_PDU_ERROR_INVALID, "must not both be set" },
  { "message_payload", SR_CMD_SUBMIT_SM, s_payload, SR_PDU_ERROR_FIELD_TOO_LONG, "message_payload of 70000 bytes" },
  { "pdu_over_64k", SR_CMD_DATA_SM, s_payload_pdu, SR_PDU_ERROR_INVALID, "65536" },
  { "message_id", SR_CMD_SUBMIT_SM_RESP, s_message_id, SR_PDU_ERROR_FIELD_TOO_LONG, "message_id is longer than 64" },
  { "receipted_message_id", SR_CMD_DELIVER_SM, s_receipted, SR_PDU_ERROR_FIELD_TOO_LONG, "receipted_message_id" },
  { "sequence_zero", SR_CMD_SUBMIT_SM, s_seq0, SR_PDU_ERROR_INVALID, "sequence number 0" },
  { "bad_ton", SR_CMD_SUBMIT_SM, s_ton, SR_PDU_ERROR_INVALID, "dest_addr_ton" },
  { "deliver_validity", SR_CMD_DELIVER_SM, s_deliver_validity, SR_PDU_ERROR_INVALID, "must be empty" },
};

static void
test_refusal (gconstpointer data)
{
  const Refusal *r = data;
  SrPdu p;
  sr_pdu_init (&p, r->command_id, 9);
  r->spoil (&p);
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_byte_array_append (out, (const guint8 *) "keep", 4);
  g_autoptr (GError) error = NULL;
  g_assert_false (sr_pdu_pack (&p, out, &error));
  g_assert_error (error, SR_PDU_ERROR, r->code);
  if (!strstr (error->message, r->mentions))
    g_error ("'%s' does not mention '%s'", error->message, r->mentions);
  g_assert_nonnull (strstr (error->message, sr_pdu_command_name (r->command_id)));
  /* nothing appended, what was there untouched */
  g_assert_cmpmem (out->data, out->len, "keep", 4);
}

/* Error responses: header only, vendor statuses preserved both ways. */
static void
test_error_responses (void)
{
  SrPdu p, q;
  sr_pdu_init (&p, SR_CMD_SUBMIT_SM_RESP, 44);
  p.command_status = 0x00000401;   /* vendor: libsmpp34 would refuse it */
  g_strlcpy (p.message_id, "ignored", sizeof p.message_id);
  g_autoptr (GByteArray) b = pack_ok (&p);
  g_assert_cmpuint (b->len, ==, 16);
  unpack_ok (b, &q);
  g_assert_cmphex (q.command_status, ==, 0x401);
  g_assert_cmpstr (q.message_id, ==, "");

  /* an SMSC that sends a body with an error status anyway */
  static const guint8 with_body[] = { 0,0,0,20, 0x80,0,0,4, 0,0,0,0x58, 0,0,0,9, 'a','b','c',0 };
  g_autoptr (GError) error = NULL;
  g_assert_true (sr_pdu_unpack (with_body, sizeof with_body, &q, &error));
  g_assert_no_error (error);
  g_assert_cmphex (q.command_status, ==, 0x58);

  sr_pdu_init (&p, SR_CMD_GENERIC_NACK, 5);
  p.command_status = 0x12345678;
  g_autoptr (GByteArray) n = pack_ok (&p);
  unpack_ok (n, &q);
  g_assert_cmphex (q.command_status, ==, 0x12345678);
  g_assert_cmphex (q.command_id, ==, SR_CMD_GENERIC_NACK);

  /* a bind from an SMPP 3.3 client keeps its interface_version */
  sr_pdu_init (&p, SR_CMD_BIND_TRANSMITTER, 1);
  fill_bind (&p);
  p.interface_version = 0x33;
  g_autoptr (GByteArray) bb = pack_ok (&p);
  unpack_ok (bb, &q);
  g_assert_cmpuint (q.interface_version, ==, 0x33);
  g_assert_cmpstr (q.password, ==, "pw345678");
}

/* Malformed input: refused with a classified error, never a crash. */
typedef struct {
  const char *name;
  const guint8 *bytes;
  gsize len;
  int code;
  const char *mentions;
  gboolean keep_length;   /* else command_length is set to the array size */
} Garbage;

static const guint8 g_short[] = { 0,0,0,10, 0,0,0,0x15, 0,0 };
static const guint8 g_len_mismatch[] = { 0,0,0,17, 0,0,0,0x15, 0,0,0,0, 0,0,0,1 };
static const guint8 g_el_body[] = { 0,0,0,17, 0,0,0,0x15, 0,0,0,0, 0,0,0,1, 9 };
static const guint8 g_unknown[] = { 0,0,0,16, 0,0,0x77,0x77, 0,0,0,0, 0,0,0,3 };
static const guint8 g_unterminated[] = { 0,0,0,20, 0,0,0,9, 0,0,0,0, 0,0,0,1, 'a','b','c','d' };
static const guint8 g_long_sysid[] = { 0,0,0,36, 0,0,0,9, 0,0,0,0, 0,0,0,1,
  'a','a','a','a','a','a','a','a','a','a','a','a','a','a','a','a','a','a','a',0 };
static const guint8 g_sm_overrun[] = { 0,0,0,35, 0,0,0,4, 0,0,0,0, 0,0,0,1,
  0, 1,1,'1',0, 1,1,'2',0, 0,0,0, 0,0, 0,0,0,0, 200 };
static const guint8 g_tlv_cut[] = { 0,0,0,38, 0,0,0,4, 0,0,0,0, 0,0,0,1,
  0, 1,1,'1',0, 1,1,'2',0, 0,0,0, 0,0, 0,0,0,0, 1,'x', 0x04,0x24,0 };
static const guint8 g_tlv_overrun[] = { 0,0,0,41, 0,0,0,4, 0,0,0,0, 0,0,0,1,
  0, 1,1,'1',0, 1,1,'2',0, 0,0,0, 0,0, 0,0,0,0, 1,'x', 0x04,0x24,0,9, 'a','b' };
static const guint8 g_tlv_badlen[] = { 0,0,0,42, 0,0,0,4, 0,0,0,0, 0,0,0,1,
  0, 1,1,'1',0, 1,1,'2',0, 0,0,0, 0,0, 0,0,0,0, 1,'x', 0x02,0x0C,0,3, 1,2,3 };
static const guint8 g_bad_ton[] = { 0,0,0,35, 0,0,0,4, 0,0,0,0, 0,0,0,1,
  0, 9,1,'1',0, 1,1,'2',0, 0,0,0, 0,0, 0,0,0,0, 1,'x' };
static const guint8 g_huge[] = { 0,1,0,1, 0,0,0,4, 0,0,0,0, 0,0,0,1 };

static const Garbage garbage[] = {
  { "short", g_short, sizeof g_short, SR_PDU_ERROR_MALFORMED, "fewer than the 16-byte header", TRUE },
  { "length_mismatch", g_len_mismatch, sizeof g_len_mismatch, SR_PDU_ERROR_MALFORMED, "does not match", TRUE },
  { "enquire_link_body", g_el_body, sizeof g_el_body, SR_PDU_ERROR_MALFORMED, "unexpected body" },
  { "unknown_command", g_unknown, sizeof g_unknown, SR_PDU_ERROR_UNKNOWN_COMMAND, "0x00007777" },
  { "unterminated", g_unterminated, sizeof g_unterminated, SR_PDU_ERROR_MALFORMED, "ends inside system_id" },
  { "long_system_id", g_long_sysid, sizeof g_long_sysid, SR_PDU_ERROR_MALFORMED, "system_id is longer than 15" },
  { "sm_overrun", g_sm_overrun, sizeof g_sm_overrun, SR_PDU_ERROR_MALFORMED, "sm_length 200" },
  { "tlv_cut", g_tlv_cut, sizeof g_tlv_cut, SR_PDU_ERROR_MALFORMED, "cut off" },
  { "tlv_overrun", g_tlv_overrun, sizeof g_tlv_overrun, SR_PDU_ERROR_MALFORMED, "claims 9 bytes" },
  { "tlv_bad_length", g_tlv_badlen, sizeof g_tlv_badlen, SR_PDU_ERROR_MALFORMED, "sar_msg_ref_num has length 3" },
  { "bad_ton", g_bad_ton, sizeof g_bad_ton, SR_PDU_ERROR_MALFORMED, "submit_sm" },
  { "huge", g_huge, sizeof g_huge, SR_PDU_ERROR_MALFORMED, "does not match", TRUE },
};

static void
test_garbage (gconstpointer data)
{
  const Garbage *g = data;
  SrPdu p;
  g_autoptr (GError) error = NULL;
  /* an exact-size heap copy, so ASan sees any read past the end */
  g_autofree guint8 *copy = g_memdup2 (g->bytes, g->len);
  if (!g->keep_length)
    copy[0] = 0, copy[1] = 0, copy[2] = g->len >> 8, copy[3] = g->len;
  g_assert_false (sr_pdu_unpack (copy, g->len, &p, &error));
  g_assert_error (error, SR_PDU_ERROR, g->code);
  if (!strstr (error->message, g->mentions))
    g_error ("'%s' does not mention '%s'", error->message, g->mentions);
  if (g->code == SR_PDU_ERROR_UNKNOWN_COMMAND)
    {
      g_assert_cmphex (p.command_id, ==, 0x7777);
      g_assert_cmpuint (p.sequence_number, ==, 3);
    }
}

/* Every prefix and random corruption of valid PDUs: refused or accepted,
 * never a crash or an out-of-bounds read (run under ASan). */
static void
test_fuzz (void)
{
  GRand *rand = g_rand_new_with_seed (4711);
  guint accepted = 0, refused = 0;
  for (gsize i = 0; i < G_N_ELEMENTS (round_trips); i++)
    {
      SrPdu p;
      sr_pdu_init (&p, round_trips[i].command_id, 12);
      round_trips[i].fill (&p);
      g_autoptr (GByteArray) b = pack_ok (&p);
      for (guint cut = 0; cut <= b->len; cut++)
        {
          g_autofree guint8 *c = g_memdup2 (b->data, MAX (cut, 1));
          if (cut >= 4)
            c[0] = cut >> 24, c[1] = cut >> 16, c[2] = cut >> 8, c[3] = cut;
          g_autoptr (GError) error = NULL;
          if (sr_pdu_unpack (c, cut, &p, &error))
            accepted++;
          else
            {
              g_assert_nonnull (error);
              refused++;
            }
        }
      for (guint round = 0; round < 300; round++)
        {
          g_autofree guint8 *c = g_memdup2 (b->data, b->len);
          guint flips = g_rand_int_range (rand, 1, 4);
          for (guint f = 0; f < flips; f++)
            c[g_rand_int_range (rand, 4, b->len)] = g_rand_int_range (rand, 0, 256);
          g_autoptr (GError) error = NULL;
          if (sr_pdu_unpack (c, b->len, &p, &error))
            accepted++;
          else
            refused++;
        }
    }
  g_assert_cmpuint (accepted, >, 0);
  g_assert_cmpuint (refused, >, 0);
  g_rand_free (rand);
}

static void
test_names (void)
{
  g_assert_cmpstr (sr_pdu_command_name (SR_CMD_SUBMIT_SM), ==, "submit_sm");
  g_assert_cmpstr (sr_pdu_command_name (SR_CMD_GENERIC_NACK), ==, "generic_nack");
  g_assert_cmpstr (sr_pdu_command_name (SR_CMD_BIND_TRANSCEIVER_RESP), ==, "bind_transceiver_resp");
  g_assert_null (sr_pdu_command_name (0x12345));
  g_assert_true (sr_pdu_is_response (SR_CMD_DELIVER_SM_RESP));
  g_assert_false (sr_pdu_is_response (SR_CMD_DELIVER_SM));
  g_assert_true (sr_pdu_command_supported (SR_CMD_DATA_SM));
  g_assert_false (sr_pdu_command_supported (SR_CMD_QUERY_SM));
}

/* ---- command_status table ---- */

typedef struct {
  guint32 status;
  const char *name;
  SrSmppStatusClass klass;
} StatusCase;

static const StatusCase status_cases[] = {
  { 0x00, "ESME_ROK", SR_SMPP_STATUS_OK },
  { 0x58, "ESME_RTHROTTLED", SR_SMPP_STATUS_TEMPORARY },
  { 0x14, "ESME_RMSGQFUL", SR_SMPP_STATUS_TEMPORARY },
  { 0x08, "ESME_RSYSERR", SR_SMPP_STATUS_TEMPORARY },
  { 0x0B, "ESME_RINVDSTADR", SR_SMPP_STATUS_PERMANENT },
  { 0x0A, "ESME_RINVSRCADR", SR_SMPP_STATUS_PERMANENT },
  { 0x0E, "ESME_RINVPASWD", SR_SMPP_STATUS_SYSTEM },
  { 0x0F, "ESME_RINVSYSID", SR_SMPP_STATUS_SYSTEM },
  { 0x0D, "ESME_RBINDFAIL", SR_SMPP_STATUS_SYSTEM },
  { 0x03, "ESME_RINVCMDID", SR_SMPP_STATUS_PERMANENT },
  { 0xFF, "ESME_RUNKNOWNERR", SR_SMPP_STATUS_TEMPORARY },
  { 0xC4, "ESME_RINVOPTPARAMVAL", SR_SMPP_STATUS_PERMANENT },
  { 0x401, "ESME_VENDOR_0x00000401", SR_SMPP_STATUS_TEMPORARY },
  { 0x09, "ESME_RESERVED_0x00000009", SR_SMPP_STATUS_TEMPORARY },
  { 0xFFFFFFFF, "ESME_RESERVED_0xFFFFFFFF", SR_SMPP_STATUS_TEMPORARY },
};

static void
test_status_table (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (status_cases); i++)
    {
      const StatusCase *c = &status_cases[i];
      char buf[SR_SMPP_STATUS_NAME_SIZE];
      g_assert_cmpstr (sr_smpp_status_name (c->status, buf), ==, c->name);
      g_assert_cmpint (sr_smpp_status_class (c->status), ==, c->klass);
      g_assert_cmpstr (sr_smpp_status_text (c->status), !=, "");
      g_autofree char *d = sr_smpp_status_describe (c->status);
      g_assert_nonnull (strstr (d, c->name));
    }
  /* every status libsmpp34 knows is in the table (and lookup finds it) */
  static const guint32 all[] = { 0x00,0x01,0x02,0x03,0x04,0x05,0x06,0x07,0x08,0x0A,0x0B,0x0C,0x0D,
    0x0E,0x0F,0x11,0x13,0x14,0x15,0x33,0x34,0x40,0x42,0x43,0x44,0x45,0x48,0x49,0x50,0x51,0x53,0x54,
    0x55,0x58,0x61,0x62,0x63,0x64,0x65,0x66,0x67,0xC0,0xC1,0xC2,0xC3,0xC4,0xFE,0xFF };
  for (gsize i = 0; i < G_N_ELEMENTS (all); i++)
    {
      const SrSmppStatusInfo *info = sr_smpp_status_lookup (all[i]);
      g_assert_nonnull (info);
      g_assert_cmphex (info->status, ==, all[i]);
      g_assert_true (g_str_has_prefix (info->name, "ESME_R"));
    }
  g_assert_true (sr_smpp_status_is_throttle (0x58));
  g_assert_false (sr_smpp_status_is_throttle (0x14));   /* one destination's queue */
  g_assert_false (sr_smpp_status_is_throttle (0x08));
  g_assert_cmpstr (sr_smpp_status_class_to_string (SR_SMPP_STATUS_SYSTEM), ==, "system");
}

/* Rough speed check of the hot path; prints, asserts only a generous floor. */
static void
test_speed (void)
{
  SrPdu p, q;
  sr_pdu_init (&p, SR_CMD_SUBMIT_SM, 1);
  fill_sm (&p);
  g_autoptr (GByteArray) b = g_byte_array_sized_new (4096);
  const guint n = 50000;
  gint64 t0 = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    {
      g_byte_array_set_size (b, 0);
      p.sequence_number = i + 1;
      g_assert_true (sr_pdu_pack (&p, b, NULL));
      g_assert_true (sr_pdu_unpack (b->data, b->len, &q, NULL));
    }
  gint64 us = g_get_monotonic_time () - t0;
  g_test_message ("submit_sm pack+unpack: %.0f per second", n / (us / 1e6));
  g_assert_cmpint (us, <, 20 * G_USEC_PER_SEC);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (round_trips); i++)
    {
      g_autofree char *path = g_strdup_printf ("/pdu/round-trip/%s", round_trips[i].name);
      g_test_add_data_func (path, &round_trips[i], test_round_trip);
    }
  g_test_add_func ("/pdu/wire-bytes", test_wire_bytes);
  g_test_add_func ("/pdu/limits-accepted", test_limits_ok);
  for (gsize i = 0; i < G_N_ELEMENTS (refusals); i++)
    {
      g_autofree char *path = g_strdup_printf ("/pdu/refuse/%s", refusals[i].name);
      g_test_add_data_func (path, &refusals[i], test_refusal);
    }
  g_test_add_func ("/pdu/error-responses", test_error_responses);
  for (gsize i = 0; i < G_N_ELEMENTS (garbage); i++)
    {
      g_autofree char *path = g_strdup_printf ("/pdu/garbage/%s", garbage[i].name);
      g_test_add_data_func (path, &garbage[i], test_garbage);
    }
  g_test_add_func ("/pdu/fuzz", test_fuzz);
  g_test_add_func ("/pdu/names", test_names);
  g_test_add_func ("/pdu/status-table", test_status_table);
  g_test_add_func ("/pdu/speed", test_speed);
  return g_test_run ();
}

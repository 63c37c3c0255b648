/* sr-pdu.c — SMPP 3.4 PDU codec over libsmpp34 (see sr-pdu.h for the split
 * of work between libsmpp34 and this file). */
#define G_LOG_DOMAIN "sr-pdu"

#include "sr-pdu-private.h"

#include <string.h>
#include <stdint.h>
#include <smpp34.h>
#include <smpp34_structs.h>
#include <smpp34_params.h>

G_DEFINE_QUARK (sr-pdu-error-quark, sr_pdu_error)

/* Room for the header plus the largest mandatory body libsmpp34 handles
 * (submit_sm: 16 + 6 + 2 + 21 + 2 + 21 + 3 + 17 + 17 + 5 = 110, then the
 * short message which we append ourselves), plus its spare-room habit. */
#define SR_PDU_MANDATORY_BUF 512

/* ---- command names --------------------------------------------------- */

/* One known command: its id and wire name. */
typedef struct {
  guint32 id;
  const char *name;
} SrCommandName;

static const SrCommandName command_names[] = {
  { SR_CMD_GENERIC_NACK, "generic_nack" },
  { SR_CMD_BIND_RECEIVER, "bind_receiver" },
  { SR_CMD_BIND_RECEIVER_RESP, "bind_receiver_resp" },
  { SR_CMD_BIND_TRANSMITTER, "bind_transmitter" },
  { SR_CMD_BIND_TRANSMITTER_RESP, "bind_transmitter_resp" },
  { SR_CMD_QUERY_SM, "query_sm" },
  { SR_CMD_QUERY_SM_RESP, "query_sm_resp" },
  { SR_CMD_SUBMIT_SM, "submit_sm" },
  { SR_CMD_SUBMIT_SM_RESP, "submit_sm_resp" },
  { SR_CMD_DELIVER_SM, "deliver_sm" },
  { SR_CMD_DELIVER_SM_RESP, "deliver_sm_resp" },
  { SR_CMD_UNBIND, "unbind" },
  { SR_CMD_UNBIND_RESP, "unbind_resp" },
  { SR_CMD_REPLACE_SM, "replace_sm" },
  { SR_CMD_REPLACE_SM_RESP, "replace_sm_resp" },
  { SR_CMD_CANCEL_SM, "cancel_sm" },
  { SR_CMD_CANCEL_SM_RESP, "cancel_sm_resp" },
  { SR_CMD_BIND_TRANSCEIVER, "bind_transceiver" },
  { SR_CMD_BIND_TRANSCEIVER_RESP, "bind_transceiver_resp" },
  { SR_CMD_OUTBIND, "outbind" },
  { SR_CMD_ENQUIRE_LINK, "enquire_link" },
  { SR_CMD_ENQUIRE_LINK_RESP, "enquire_link_resp" },
  { SR_CMD_SUBMIT_MULTI, "submit_multi" },
  { SR_CMD_SUBMIT_MULTI_RESP, "submit_multi_resp" },
  { SR_CMD_ALERT_NOTIFICATION, "alert_notification" },
  { SR_CMD_DATA_SM, "data_sm" },
  { SR_CMD_DATA_SM_RESP, "data_sm_resp" },
};

const char *
sr_pdu_command_name (guint32 command_id)
{
  switch (command_id)
    {
    case SR_CMD_SUBMIT_SM: return "submit_sm";
    case SR_CMD_SUBMIT_SM_RESP: return "submit_sm_resp";
    default: break;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (command_names); i++)
    if (command_names[i].id == command_id)
      return command_names[i].name;
  return NULL;
}

const char *
sr_pdu_cmd_name (guint32 command_id)
{
  const char *n = sr_pdu_command_name (command_id);
  return n ? n : "unknown command";
}

/* How the codec treats one command. */
typedef enum {
  KIND_UNSUPPORTED = 0,
  KIND_HEADER_ONLY,        /* no body at all */
  KIND_BIND,
  KIND_BIND_RESP,
  KIND_SM,                 /* submit_sm, deliver_sm */
  KIND_SM_RESP,            /* submit_sm_resp, data_sm_resp */
  KIND_DELIVER_SM_RESP,    /* body is an unused (empty) message_id */
  KIND_DATA_SM,
} PduKind;

static PduKind
pdu_kind (guint32 command_id)
{
  switch (command_id)
    {
    case SR_CMD_SUBMIT_SM:
    case SR_CMD_DELIVER_SM:
      return KIND_SM;
    case SR_CMD_SUBMIT_SM_RESP:
    case SR_CMD_DATA_SM_RESP:
      return KIND_SM_RESP;
    case SR_CMD_DELIVER_SM_RESP:
      return KIND_DELIVER_SM_RESP;
    case SR_CMD_GENERIC_NACK:
    case SR_CMD_UNBIND:
    case SR_CMD_UNBIND_RESP:
    case SR_CMD_ENQUIRE_LINK:
    case SR_CMD_ENQUIRE_LINK_RESP:
      return KIND_HEADER_ONLY;
    case SR_CMD_BIND_RECEIVER:
    case SR_CMD_BIND_TRANSMITTER:
    case SR_CMD_BIND_TRANSCEIVER:
      return KIND_BIND;
    case SR_CMD_BIND_RECEIVER_RESP:
    case SR_CMD_BIND_TRANSMITTER_RESP:
    case SR_CMD_BIND_TRANSCEIVER_RESP:
      return KIND_BIND_RESP;
    case SR_CMD_DATA_SM:
      return KIND_DATA_SM;
    default:
      return KIND_UNSUPPORTED;
    }
}

gboolean
sr_pdu_command_supported (guint32 command_id)
{
  return pdu_kind (command_id) != KIND_UNSUPPORTED;
}

void
sr_pdu_init (SrPdu *pdu, guint32 command_id, guint32 sequence_number)
{
  g_return_if_fail (pdu != NULL);
  memset (pdu, 0, sizeof *pdu);
  pdu->command_id = command_id;
  pdu->sequence_number = sequence_number;
  pdu->interface_version = SR_PDU_INTERFACE_VERSION;
}

void
sr_pdu_peek_header (const guint8 *buf, guint32 *command_length, guint32 *command_id,
                    guint32 *command_status, guint32 *sequence_number)
{
  g_return_if_fail (buf != NULL);
  if (command_length)
    *command_length = rd32 (buf);
  if (command_id)
    *command_id = rd32 (buf + 4);
  if (command_status)
    *command_status = rd32 (buf + 8);
  if (sequence_number)
    *sequence_number = rd32 (buf + 12);
}

const SrPduTlv *
sr_pdu_find_tlv (const SrPdu *pdu, guint16 tag)
{
  g_return_val_if_fail (pdu != NULL, NULL);
  for (guint i = 0; i < pdu->n_tlvs; i++)
    if (pdu->tlvs[i].tag == tag)
      return &pdu->tlvs[i];
  return NULL;
}

gboolean
sr_pdu_add_tlv (SrPdu *pdu, guint16 tag, const guint8 *value, guint16 length)
{
  g_return_val_if_fail (pdu != NULL, FALSE);
  g_return_val_if_fail (value != NULL || length == 0, FALSE);
  if (pdu->n_tlvs >= SR_PDU_MAX_TLVS)
    return FALSE;
  pdu->tlvs[pdu->n_tlvs++] = (SrPduTlv) { tag, length, value };
  return TRUE;
}

const guint8 *
sr_pdu_body (const SrPdu *pdu, gsize *len)
{
  g_return_val_if_fail (pdu != NULL, NULL);
  if (pdu->tlv_mask & SR_TLV_MESSAGE_PAYLOAD)
    {
      if (len)
        *len = pdu->message_payload_len;
      return pdu->message_payload;
    }
  if (len)
    *len = MIN (pdu->sm_length, SR_PDU_SHORT_MESSAGE_MAX);
  return pdu->short_message;
}

/* ---- libsmpp34 structs ----------------------------------------------- */

/* Every libsmpp34 struct we use, so one stack slot serves all commands. */
typedef union {
  bind_transmitter_t bind_transmitter;
  bind_receiver_t bind_receiver;
  bind_transceiver_t bind_transceiver;
  bind_transmitter_resp_t bind_transmitter_resp;
  bind_receiver_resp_t bind_receiver_resp;
  bind_transceiver_resp_t bind_transceiver_resp;
  submit_sm_t submit_sm;
  submit_sm_resp_t submit_sm_resp;
  deliver_sm_t deliver_sm;
  data_sm_t data_sm;
  data_sm_resp_t data_sm_resp;
} LibPdu;

/* libsmpp34 may leave TLV lists behind (even after a failed unpack). */
static void
lib_pdu_clear_tlvs (guint32 command_id, LibPdu *lib)
{
  tlv_t **list = NULL;
  switch (command_id)
    {
    case SR_CMD_SUBMIT_SM: list = &lib->submit_sm.tlv; break;
    case SR_CMD_DELIVER_SM: list = &lib->deliver_sm.tlv; break;
    case SR_CMD_DATA_SM: list = &lib->data_sm.tlv; break;
    case SR_CMD_BIND_TRANSMITTER_RESP: list = &lib->bind_transmitter_resp.tlv; break;
    case SR_CMD_BIND_RECEIVER_RESP: list = &lib->bind_receiver_resp.tlv; break;
    case SR_CMD_BIND_TRANSCEIVER_RESP: list = &lib->bind_transceiver_resp.tlv; break;
    default: break;
    }
  if (list && *list)
    {
      destroy_tlv (*list);
      *list = NULL;
    }
}

/* The bind request structs share one layout; so do the bind responses. */
G_STATIC_ASSERT (sizeof (bind_transmitter_t) == sizeof (bind_transceiver_t));
G_STATIC_ASSERT (sizeof (bind_transmitter_t) == sizeof (bind_receiver_t));
G_STATIC_ASSERT (sizeof (bind_transmitter_resp_t) == sizeof (bind_transceiver_resp_t));
G_STATIC_ASSERT (sizeof (bind_transmitter_resp_t) == sizeof (bind_receiver_resp_t));

/* ---- walking the mandatory body -------------------------------------- */

/* One step of a mandatory-body layout. */
typedef enum {
  OP_END = 0,
  OP_CSTR,     /* C-octet string; size = maximum bytes including the NUL */
  OP_FIXED,    /* size bytes */
  OP_SM,       /* sm_length byte, then that many bytes */
} FieldOpType;

/* One field (or run of fixed fields) of a mandatory body. */
typedef struct {
  FieldOpType op;
  guint size;
  const char *name;
} FieldOp;

#define MAX_OPS 12

static const FieldOp layout_bind[] = {
  { OP_CSTR, SR_PDU_SYSTEM_ID_MAX + 1, "system_id" },
  { OP_CSTR, SR_PDU_PASSWORD_MAX + 1, "password" },
  { OP_CSTR, SR_PDU_SYSTEM_TYPE_MAX + 1, "system_type" },
  { OP_FIXED, 3, "interface_version, addr_ton and addr_npi" },
  { OP_CSTR, SR_PDU_ADDRESS_RANGE_MAX + 1, "address_range" },
  { OP_END, 0, NULL },
};
#define BIND_OP_INTERFACE_VERSION 3

static const FieldOp layout_bind_resp[] = {
  { OP_CSTR, SR_PDU_SYSTEM_ID_MAX + 1, "system_id" },
  { OP_END, 0, NULL },
};

static const FieldOp layout_submit_sm[] = {
  { OP_CSTR, SR_PDU_SERVICE_TYPE_MAX + 1, "service_type" },
  { OP_FIXED, 2, "source_addr_ton and source_addr_npi" },
  { OP_CSTR, SR_PDU_ADDR_MAX + 1, "source_addr" },
  { OP_FIXED, 2, "dest_addr_ton and dest_addr_npi" },
  { OP_CSTR, SR_PDU_ADDR_MAX + 1, "destination_addr" },
  { OP_FIXED, 3, "esm_class, protocol_id and priority_flag" },
  { OP_CSTR, SR_PDU_TIME_MAX + 1, "schedule_delivery_time" },
  { OP_CSTR, SR_PDU_TIME_MAX + 1, "validity_period" },
  { OP_FIXED, 4, "registered_delivery, replace_if_present_flag, data_coding and sm_default_msg_id" },
  { OP_SM, SR_PDU_SHORT_MESSAGE_MAX, "short_message" },
  { OP_END, 0, NULL },
};

/* libsmpp34 sizes deliver_sm's time fields 1: SMPP 3.4 says they are empty. */
static const FieldOp layout_deliver_sm[] = {
  { OP_CSTR, SR_PDU_SERVICE_TYPE_MAX + 1, "service_type" },
  { OP_FIXED, 2, "source_addr_ton and source_addr_npi" },
  { OP_CSTR, SR_PDU_ADDR_MAX + 1, "source_addr" },
  { OP_FIXED, 2, "dest_addr_ton and dest_addr_npi" },
  { OP_CSTR, SR_PDU_ADDR_MAX + 1, "destination_addr" },
  { OP_FIXED, 3, "esm_class, protocol_id and priority_flag" },
  { OP_CSTR, 1, "schedule_delivery_time" },
  { OP_CSTR, 1, "validity_period" },
  { OP_FIXED, 4, "registered_delivery, replace_if_present_flag, data_coding and sm_default_msg_id" },
  { OP_SM, SR_PDU_SHORT_MESSAGE_MAX, "short_message" },
  { OP_END, 0, NULL },
};

static const FieldOp layout_data_sm[] = {
  { OP_CSTR, SR_PDU_SERVICE_TYPE_MAX + 1, "service_type" },
  { OP_FIXED, 2, "source_addr_ton and source_addr_npi" },
  { OP_CSTR, SR_PDU_ADDR_MAX + 1, "source_addr" },
  { OP_FIXED, 2, "dest_addr_ton and dest_addr_npi" },
  { OP_CSTR, SR_PDU_ADDR_MAX + 1, "destination_addr" },
  { OP_FIXED, 3, "esm_class, registered_delivery and data_coding" },
  { OP_END, 0, NULL },
};

static const FieldOp layout_sm_resp[] = {
  { OP_CSTR, SR_PDU_MESSAGE_ID_MAX + 1, "message_id" },
  { OP_END, 0, NULL },
};

static const FieldOp *
layout_for (guint32 command_id)
{
  switch (pdu_kind (command_id))
    {
    case KIND_BIND: return layout_bind;
    case KIND_BIND_RESP: return layout_bind_resp;
    case KIND_SM: return command_id == SR_CMD_DELIVER_SM ? layout_deliver_sm : layout_submit_sm;
    case KIND_SM_RESP: return layout_sm_resp;
    case KIND_DATA_SM: return layout_data_sm;
    default: return NULL;
    }
}


/* Finds the end of the mandatory body without reading past @len, so that
 * libsmpp34 only ever sees well-formed fields.  @offs receives the offset
 * of each op. */
static gboolean
walk_body (const guint8 *data, gsize len, guint32 command_id, guint32 seq,
           const FieldOp *layout, gsize *end, gsize *offs, GError **error)
{
  gsize off = SR_PDU_HEADER_LEN;
  for (guint i = 0; layout[i].op != OP_END; i++)
    {
      const FieldOp *f = &layout[i];
      offs[i] = off;
      switch (f->op)
        {
        case OP_CSTR:
          {
            gsize avail = len - off;
            const guint8 *nul = memchr (data + off, 0, MIN (avail, f->size));
            if (nul == NULL)
              {
                if (avail < f->size)
                  return sr_pdu_malformed (error, command_id, seq,
                                    "the PDU ends inside %s", f->name);
                return sr_pdu_malformed (error, command_id, seq,
                                  "%s is longer than %u characters", f->name, f->size - 1);
              }
            off += (gsize) (nul - (data + off)) + 1;
          }
          break;
        case OP_FIXED:
          if (len - off < f->size)
            return sr_pdu_malformed (error, command_id, seq, "the PDU ends inside %s", f->name);
          off += f->size;
          break;
        case OP_SM:
          {
            if (len - off < 1)
              return sr_pdu_malformed (error, command_id, seq, "the PDU ends before sm_length");
            guint sm_len = data[off];
            if (sm_len > f->size)
              return sr_pdu_malformed (error, command_id, seq,
                                "sm_length %u exceeds the maximum of %u", sm_len, f->size);
            if (len - off - 1 < sm_len)
              return sr_pdu_malformed (error, command_id, seq,
                                "sm_length %u is longer than the rest of the PDU", sm_len);
            off += 1 + sm_len;
          }
          break;
        case OP_END:
          break;
        }
    }
  *end = off;
  return TRUE;
}

/* ---- unpack ------------------------------------------------------------ */

/* libsmpp34 logs every field into smpp34_strerror; the failure is the last
 * bracketed entry. */
static char *
lib_error_text (void)
{
  char copy[sizeof smpp34_strerror];
  memcpy (copy, smpp34_strerror, sizeof copy);
  copy[sizeof copy - 1] = '\0';
  const char *last = strrchr (copy, '[');
  g_autofree char *text = g_strdup (last ? last : copy);
  g_strstrip (text);
  if (*text == '\0')
    return g_strdup ("libsmpp34 gave no reason");
  return g_steal_pointer (&text);
}

#define COPY_STR(dst, src) \
  G_STMT_START { \
    G_STATIC_ASSERT (sizeof (dst) >= sizeof (src)); \
    memcpy ((dst), (src), sizeof (src)); \
    (dst)[sizeof (src) - 1] = '\0'; \
  } G_STMT_END

gboolean
sr_pdu_unpack (const guint8 *data, gsize len, SrPdu *pdu, GError **error)
{
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (pdu != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (pdu, 0, sizeof *pdu);
  if (len < SR_PDU_HEADER_LEN)
    {
      g_set_error (error, SR_PDU_ERROR, SR_PDU_ERROR_MALFORMED,
                   "Malformed PDU: %" G_GSIZE_FORMAT " bytes are fewer than the 16-byte header", len);
      return FALSE;
    }
  sr_pdu_peek_header (data, &pdu->command_length, &pdu->command_id,
                      &pdu->command_status, &pdu->sequence_number);
  guint32 id = pdu->command_id, seq = pdu->sequence_number;
  if (pdu->command_length != len)
    return sr_pdu_malformed (error, id, seq, "command_length %u does not match the %" G_GSIZE_FORMAT
                      " bytes received", pdu->command_length, len);
  if (len > SR_PDU_MAX_LEN)
    return sr_pdu_malformed (error, id, seq, "%" G_GSIZE_FORMAT " bytes exceed the maximum of %u",
                      len, SR_PDU_MAX_LEN);

  PduKind kind = pdu_kind (id);
  switch (kind)
    {
    case KIND_UNSUPPORTED:
      g_set_error (error, SR_PDU_ERROR, SR_PDU_ERROR_UNKNOWN_COMMAND,
                   "Unsupported command_id 0x%08x (%s, sequence %u)", id, sr_pdu_cmd_name (id), seq);
      return FALSE;
    case KIND_HEADER_ONLY:
      /* generic_nack carries vendor statuses libsmpp34 refuses; all of
       * these are just the header. */
      if (len != SR_PDU_HEADER_LEN && !sr_pdu_is_response (id))
        return sr_pdu_malformed (error, id, seq, "%" G_GSIZE_FORMAT " unexpected body bytes",
                          len - SR_PDU_HEADER_LEN);
      return TRUE;
    case KIND_DELIVER_SM_RESP:
      /* Its message_id is unused; SMSCs and ESMEs fill it inconsistently. */
      return TRUE;
    default:
      break;
    }
  if (sr_pdu_is_response (id) && pdu->command_status != 0)
    return TRUE;   /* SMPP 3.4: no body on an error response; ignore one if sent */

  const FieldOp *layout = layout_for (id);
  gsize offs[MAX_OPS];
  gsize mlen = 0;
  if (!walk_body (data, len, id, seq, layout, &mlen, offs, error))
    return FALSE;

  /* libsmpp34 may strlen() before checking bounds: give it a NUL-terminated
   * copy of the header and mandatory body only, with command_length saying
   * so, a zero status and (for binds) the interface version it insists on. */
  guint8 buf[SR_PDU_MANDATORY_BUF];
  G_STATIC_ASSERT (SR_PDU_HEADER_LEN + 6 + 2 + 21 + 2 + 21 + 3 + 17 + 17 + 4 + 1 + 254 < sizeof buf);
  g_assert (mlen < sizeof buf);
  memcpy (buf, data, mlen);
  buf[mlen] = '\0';
  wr32 (buf, (guint32) mlen);
  wr32 (buf + 8, 0);
  if (kind == KIND_BIND)
    buf[offs[BIND_OP_INTERFACE_VERSION]] = SR_PDU_INTERFACE_VERSION;

  LibPdu lib;
  memset (&lib, 0, sizeof lib);
  int rc = smpp34_unpack (id, &lib, buf, (int) mlen);
  if (rc != 0)
    {
      g_autofree char *why = lib_error_text ();
      lib_pdu_clear_tlvs (id, &lib);
      return sr_pdu_malformed (error, id, seq, "%s", why);
    }
  lib_pdu_clear_tlvs (id, &lib);

  switch (kind)
    {
    case KIND_BIND:
      {
        const bind_transmitter_t *b = &lib.bind_transmitter;
        COPY_STR (pdu->system_id, b->system_id);
        COPY_STR (pdu->password, b->password);
        COPY_STR (pdu->system_type, b->system_type);
        pdu->interface_version = data[offs[BIND_OP_INTERFACE_VERSION]];
        pdu->addr_ton = b->addr_ton;
        pdu->addr_npi = b->addr_npi;
        COPY_STR (pdu->address_range, b->address_range);
      }
      break;
    case KIND_BIND_RESP:
      COPY_STR (pdu->system_id, lib.bind_transmitter_resp.system_id);
      break;
    case KIND_SM:
      if (id == SR_CMD_SUBMIT_SM)
        {
          const submit_sm_t *s = &lib.submit_sm;
          COPY_STR (pdu->service_type, s->service_type);
          pdu->source_addr_ton = s->source_addr_ton;
          pdu->source_addr_npi = s->source_addr_npi;
          COPY_STR (pdu->source_addr, s->source_addr);
          pdu->dest_addr_ton = s->dest_addr_ton;
          pdu->dest_addr_npi = s->dest_addr_npi;
          COPY_STR (pdu->destination_addr, s->destination_addr);
          pdu->esm_class = s->esm_class;
          pdu->protocol_id = s->protocol_id;
          pdu->priority_flag = s->priority_flag;
          COPY_STR (pdu->schedule_delivery_time, s->schedule_delivery_time);
          COPY_STR (pdu->validity_period, s->validity_period);
          pdu->registered_delivery = s->registered_delivery;
          pdu->replace_if_present_flag = s->replace_if_present_flag;
          pdu->data_coding = s->data_coding;
          pdu->sm_default_msg_id = s->sm_default_msg_id;
          pdu->sm_length = s->sm_length;
          memcpy (pdu->short_message, s->short_message, MIN (s->sm_length, sizeof pdu->short_message));
        }
      else
        {
          const deliver_sm_t *s = &lib.deliver_sm;
          COPY_STR (pdu->service_type, s->service_type);
          pdu->source_addr_ton = s->source_addr_ton;
          pdu->source_addr_npi = s->source_addr_npi;
          COPY_STR (pdu->source_addr, s->source_addr);
          pdu->dest_addr_ton = s->dest_addr_ton;
          pdu->dest_addr_npi = s->dest_addr_npi;
          COPY_STR (pdu->destination_addr, s->destination_addr);
          pdu->esm_class = s->esm_class;
          pdu->protocol_id = s->protocol_id;
          pdu->priority_flag = s->priority_flag;
          pdu->registered_delivery = s->registered_delivery;
          pdu->replace_if_present_flag = s->replace_if_present_flag;
          pdu->data_coding = s->data_coding;
          pdu->sm_default_msg_id = s->sm_default_msg_id;
          pdu->sm_length = s->sm_length;
          memcpy (pdu->short_message, s->short_message, MIN (s->sm_length, sizeof pdu->short_message));
        }
      break;
    case KIND_SM_RESP:
      COPY_STR (pdu->message_id, lib.submit_sm_resp.message_id);
      break;
    case KIND_DATA_SM:
      {
        const data_sm_t *s = &lib.data_sm;
        COPY_STR (pdu->service_type, s->service_type);
        pdu->source_addr_ton = s->source_addr_ton;
        pdu->source_addr_npi = s->source_addr_npi;
        COPY_STR (pdu->source_addr, s->source_addr);
        pdu->dest_addr_ton = s->dest_addr_ton;
        pdu->dest_addr_npi = s->dest_addr_npi;
        /* the walk limited it to 20 characters; libsmpp34 allows 64 */
        g_strlcpy (pdu->destination_addr, (const char *) s->destination_addr,
                   sizeof pdu->destination_addr);
        pdu->esm_class = s->esm_class;
        pdu->registered_delivery = s->registered_delivery;
        pdu->data_coding = s->data_coding;
      }
      break;
    default:
      break;
    }

  return sr_pdu_tlvs_unpack (data, mlen, len, pdu, error);
}

/* ---- pack -------------------------------------------------------------- */

static gboolean
check_str (const char *value, gsize size, guint max, const char *name,
           guint32 command_id, GError **error)
{
  gsize n = strnlen (value, size);
  if (n > max)
    {
      g_set_error (error, SR_PDU_ERROR, SR_PDU_ERROR_FIELD_TOO_LONG,
                   "Cannot pack %s: %s is longer than %u characters",
                   sr_pdu_cmd_name (command_id), name, max);
      return FALSE;
    }
  return TRUE;
}

#define CHECK_STR(field, max, name) \
  G_STMT_START { \
    if (!check_str (pdu->field, sizeof pdu->field, (max), (name), pdu->command_id, error)) \
      return FALSE; \
  } G_STMT_END

static gboolean
invalid (GError **error, guint32 command_id, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static gboolean
invalid (GError **error, guint32 command_id, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *why = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, SR_PDU_ERROR, SR_PDU_ERROR_INVALID, "Cannot pack %s: %s",
               sr_pdu_cmd_name (command_id), why);
  return FALSE;
}

static gboolean
check_time (const char *value, const char *name, guint32 command_id, GError **error)
{
  gsize n = strlen (value);
  if (n != 0 && n != SR_PDU_TIME_MAX)
    return invalid (error, command_id, "%s must be empty or %u characters, not %" G_GSIZE_FORMAT,
                    name, SR_PDU_TIME_MAX, n);
  return TRUE;
}

static gboolean
check_fields (const SrPdu *pdu, PduKind kind, GError **error)
{
  switch (kind)
    {
    case KIND_BIND:
      CHECK_STR (system_id, SR_PDU_SYSTEM_ID_MAX, "system_id");
      CHECK_STR (password, SR_PDU_PASSWORD_MAX, "password");
      CHECK_STR (system_type, SR_PDU_SYSTEM_TYPE_MAX, "system_type");
      CHECK_STR (address_range, SR_PDU_ADDRESS_RANGE_MAX, "address_range");
      break;
    case KIND_BIND_RESP:
      CHECK_STR (system_id, SR_PDU_SYSTEM_ID_MAX, "system_id");
      break;
    case KIND_SM:
    case KIND_DATA_SM:
      CHECK_STR (service_type, SR_PDU_SERVICE_TYPE_MAX, "service_type");
      CHECK_STR (source_addr, SR_PDU_ADDR_MAX, "source_addr");
      CHECK_STR (destination_addr, SR_PDU_ADDR_MAX, "destination_addr");
      if (kind == KIND_DATA_SM)
        break;
      CHECK_STR (schedule_delivery_time, SR_PDU_TIME_MAX, "schedule_delivery_time");
      CHECK_STR (validity_period, SR_PDU_TIME_MAX, "validity_period");
      if (pdu->command_id == SR_CMD_DELIVER_SM
          && (pdu->schedule_delivery_time[0] || pdu->validity_period[0]))
        return invalid (error, pdu->command_id,
                        "schedule_delivery_time and validity_period must be empty");
      if (!check_time (pdu->schedule_delivery_time, "schedule_delivery_time", pdu->command_id, error)
          || !check_time (pdu->validity_period, "validity_period", pdu->command_id, error))
        return FALSE;
      if (pdu->sm_length > SR_PDU_SHORT_MESSAGE_MAX)
        {
          g_set_error (error, SR_PDU_ERROR, SR_PDU_ERROR_FIELD_TOO_LONG,
                       "Cannot pack %s: short_message of %u bytes is longer than %u bytes",
                       sr_pdu_cmd_name (pdu->command_id), pdu->sm_length, SR_PDU_SHORT_MESSAGE_MAX);
          return FALSE;
        }
      if (pdu->sm_length > 0 && (pdu->tlv_mask & SR_TLV_MESSAGE_PAYLOAD))
        return invalid (error, pdu->command_id,
                        "short_message and message_payload must not both be set");
      break;
    case KIND_SM_RESP:
      CHECK_STR (message_id, SR_PDU_MESSAGE_ID_MAX, "message_id");
      break;
    default:
      break;
    }

  if (pdu->tlv_mask & SR_TLV_MESSAGE_PAYLOAD)
    {
      if (pdu->message_payload_len > G_MAXUINT16)
        {
          g_set_error (error, SR_PDU_ERROR, SR_PDU_ERROR_FIELD_TOO_LONG,
                       "Cannot pack %s: message_payload of %" G_GSIZE_FORMAT
                       " bytes is longer than %u bytes",
                       sr_pdu_cmd_name (pdu->command_id), pdu->message_payload_len, G_MAXUINT16);
          return FALSE;
        }
      if (pdu->message_payload == NULL && pdu->message_payload_len > 0)
        return invalid (error, pdu->command_id, "message_payload has a length but no data");
    }
  if (pdu->tlv_mask & SR_TLV_RECEIPTED_MESSAGE_ID)
    CHECK_STR (receipted_message_id, SR_PDU_MESSAGE_ID_MAX, "receipted_message_id");
  if (pdu->n_tlvs > SR_PDU_MAX_TLVS)
    return invalid (error, pdu->command_id, "more than %u optional parameters", SR_PDU_MAX_TLVS);
  for (guint i = 0; i < pdu->n_tlvs; i++)
    if (pdu->tlvs[i].value == NULL && pdu->tlvs[i].length > 0)
      return invalid (error, pdu->command_id, "optional parameter 0x%04x has no data",
                      pdu->tlvs[i].tag);
  return TRUE;
}

/* Fills the libsmpp34 struct for the mandatory body (status zero: it
 * refuses vendor statuses; short_message empty: we append it ourselves,
 * because its packer refuses 254 bytes). */
static void
fill_lib (const SrPdu *pdu, PduKind kind, LibPdu *lib)
{
  memset (lib, 0, sizeof *lib);
  /* all libsmpp34 structs start with the same header */
  lib->submit_sm.command_id = pdu->command_id;
  lib->submit_sm.command_status = 0;
  lib->submit_sm.sequence_number = pdu->sequence_number;

#define SET_STR(dst, src) memcpy ((dst), (src), strlen (src) + 1)
  switch (kind)
    {
    case KIND_BIND:
      {
        bind_transmitter_t *b = &lib->bind_transmitter;
        SET_STR (b->system_id, pdu->system_id);
        SET_STR (b->password, pdu->password);
        SET_STR (b->system_type, pdu->system_type);
        b->interface_version = SR_PDU_INTERFACE_VERSION;
        b->addr_ton = pdu->addr_ton;
        b->addr_npi = pdu->addr_npi;
        SET_STR (b->address_range, pdu->address_range);
      }
      break;
    case KIND_BIND_RESP:
      SET_STR (lib->bind_transmitter_resp.system_id, pdu->system_id);
      break;
    case KIND_SM:
      if (pdu->command_id == SR_CMD_SUBMIT_SM)
        {
          submit_sm_t *s = &lib->submit_sm;
          SET_STR (s->service_type, pdu->service_type);
          s->source_addr_ton = pdu->source_addr_ton;
          s->source_addr_npi = pdu->source_addr_npi;
          SET_STR (s->source_addr, pdu->source_addr);
          s->dest_addr_ton = pdu->dest_addr_ton;
          s->dest_addr_npi = pdu->dest_addr_npi;
          SET_STR (s->destination_addr, pdu->destination_addr);
          s->esm_class = pdu->esm_class;
          s->protocol_id = pdu->protocol_id;
          s->priority_flag = pdu->priority_flag;
          SET_STR (s->schedule_delivery_time, pdu->schedule_delivery_time);
          SET_STR (s->validity_period, pdu->validity_period);
          s->registered_delivery = pdu->registered_delivery;
          s->replace_if_present_flag = pdu->replace_if_present_flag;
          s->data_coding = pdu->data_coding;
          s->sm_default_msg_id = pdu->sm_default_msg_id;
        }
      else
        {
          deliver_sm_t *s = &lib->deliver_sm;
          SET_STR (s->service_type, pdu->service_type);
          s->source_addr_ton = pdu->source_addr_ton;
          s->source_addr_npi = pdu->source_addr_npi;
          SET_STR (s->source_addr, pdu->source_addr);
          s->dest_addr_ton = pdu->dest_addr_ton;
          s->dest_addr_npi = pdu->dest_addr_npi;
          SET_STR (s->destination_addr, pdu->destination_addr);
          s->esm_class = pdu->esm_class;
          s->protocol_id = pdu->protocol_id;
          s->priority_flag = pdu->priority_flag;
          s->registered_delivery = pdu->registered_delivery;
          s->replace_if_present_flag = pdu->replace_if_present_flag;
          s->data_coding = pdu->data_coding;
          s->sm_default_msg_id = pdu->sm_default_msg_id;
        }
      break;
    case KIND_SM_RESP:
      SET_STR (lib->submit_sm_resp.message_id, pdu->message_id);
      break;
    case KIND_DATA_SM:
      {
        data_sm_t *s = &lib->data_sm;
        SET_STR (s->service_type, pdu->service_type);
        s->source_addr_ton = pdu->source_addr_ton;
        s->source_addr_npi = pdu->source_addr_npi;
        SET_STR (s->source_addr, pdu->source_addr);
        s->dest_addr_ton = pdu->dest_addr_ton;
        s->dest_addr_npi = pdu->dest_addr_npi;
        SET_STR (s->destination_addr, pdu->destination_addr);
        s->esm_class = pdu->esm_class;
        s->registered_delivery = pdu->registered_delivery;
        s->data_coding = pdu->data_coding;
      }
      break;
    default:
      break;
    }
#undef SET_STR
}

gboolean
sr_pdu_pack (const SrPdu *pdu, GByteArray *out, GError **error)
{
  g_return_val_if_fail (pdu != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  guint32 id = pdu->command_id;
  PduKind kind = pdu_kind (id);
  if (kind == KIND_UNSUPPORTED)
    {
      g_set_error (error, SR_PDU_ERROR, SR_PDU_ERROR_UNKNOWN_COMMAND,
                   "Cannot pack command_id 0x%08x (%s): not supported", id, sr_pdu_cmd_name (id));
      return FALSE;
    }

  const guint old = out->len;
  gboolean header_only = kind == KIND_HEADER_ONLY
    || (sr_pdu_is_response (id) && pdu->command_status != 0);

  if (header_only || kind == KIND_DELIVER_SM_RESP)
    {
      gsize n = SR_PDU_HEADER_LEN + (header_only ? 0 : 1);
      g_byte_array_set_size (out, old + n);
      guint8 *p = out->data + old;
      wr32 (p, (guint32) n);
      wr32 (p + 4, id);
      wr32 (p + 8, pdu->command_status);
      wr32 (p + 12, pdu->sequence_number);
      if (!header_only)
        p[16] = '\0';   /* deliver_sm_resp: message_id unused, empty */
      return TRUE;
    }

  if (!check_fields (pdu, kind, error))
    return FALSE;
  if (pdu->sequence_number == 0)
    return invalid (error, id, "sequence number 0 is not allowed");

  gboolean has_sm = kind == KIND_SM;
  gboolean may_tlv = kind != KIND_BIND;
  gsize extra = (has_sm ? pdu->sm_length : 0) + (may_tlv ? sr_pdu_tlvs_size (pdu) : 0);
  if (extra > SR_PDU_MAX_LEN)
    return invalid (error, id, "the PDU would be longer than %u bytes", SR_PDU_MAX_LEN);

  LibPdu lib;
  fill_lib (pdu, kind, &lib);
  g_byte_array_set_size (out, old + SR_PDU_MANDATORY_BUF + extra);
  int plen = 0;
  int rc = smpp34_pack (id, out->data + old, SR_PDU_MANDATORY_BUF, &plen, &lib);
  if (rc != 0)
    {
      g_autofree char *why = lib_error_text ();
      lib_pdu_clear_tlvs (id, &lib);
      g_byte_array_set_size (out, old);
      return invalid (error, id, "%s", why);
    }
  lib_pdu_clear_tlvs (id, &lib);

  guint8 *start = out->data + old;
  guint8 *p = start + plen;
  if (kind == KIND_BIND)
    {
      guint8 iv = pdu->interface_version ? pdu->interface_version : SR_PDU_INTERFACE_VERSION;
      gsize at = SR_PDU_HEADER_LEN + strlen (pdu->system_id) + 1 + strlen (pdu->password) + 1
        + strlen (pdu->system_type) + 1;
      start[at] = iv;
    }
  if (has_sm)
    {
      p[-1] = (guint8) pdu->sm_length;   /* libsmpp34 packed sm_length 0 last */
      memcpy (p, pdu->short_message, pdu->sm_length);
      p += pdu->sm_length;
    }
  if (may_tlv)
    p = sr_pdu_tlvs_put (p, pdu);

  gsize total = (gsize) (p - start);
  if (total > SR_PDU_MAX_LEN)
    {
      g_byte_array_set_size (out, old);
      return invalid (error, id, "the PDU would be %" G_GSIZE_FORMAT " bytes, more than %u",
                      total, SR_PDU_MAX_LEN);
    }
  wr32 (start, (guint32) total);
  wr32 (start + 8, pdu->command_status);
  g_byte_array_set_size (out, old + total);
  return TRUE;
}

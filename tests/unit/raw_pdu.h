/*
 * raw_pdu.h: reading whole PDUs from a raw socket, for the tests that speak the protocol to a
 * server themselves (their requests hand-built with rpcrt.h's encoders).
 */
#ifndef ASIDL_TEST_RAW_PDU_H
#define ASIDL_TEST_RAW_PDU_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#include "rpcrt.h"

/* Reads one PDU (into `store`, decoded into `pdu`); false on timeout or close. */
static inline bool read_pdu(int fd, uint8_t *store, size_t cap, asidl__pdu *pdu)
{
    size_t have = 0, need = 16;
    while (have < need) {
        if (asidl__sock_wait(fd, POLLIN, 3000) <= 0)
            return false;
        ssize_t r = asidl__sock_recv(fd, store + have, need - have);
        if (r <= 0)
            return false;
        have += (size_t)r;
        if (have >= 16 && need == 16) {
            size_t len;
            asidl__pdu_status st = asidl__pdu_frame(store, have, &len);
            if (st == ASIDL_PDU_OK)
                need = len;
            else if (st == ASIDL_PDU_NEED_MORE)
                need = (size_t)(store[8] | store[9] << 8);
            else
                return false;
            if (need > cap)
                return false;
        }
    }
    return asidl__pdu_decode(store, have, pdu) == ASIDL_PDU_OK;
}

#endif

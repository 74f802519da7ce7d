#!/usr/bin/python3
# Captures of interoperability runs, checked by Wireshark's DCE/RPC dissector (tshark).
#
# Relay: a TCP relay on 127.0.0.1 in front of a server; it forwards both ways and records every
# byte each side sent, per connection. write_pcap turns the record into a capture file with
# Ethernet/IPv4/TCP headers made up around the bytes (handshake, sequence and acknowledgement
# numbers, FINs), so no root privilege or live capture is needed and the run is reproducible.
#
# check_capture runs the three tshark filters of spec/oracles.md (each must print nothing:
# no malformed packet or warning, no fragment outside a reassembled PDU, no request without a
# response) plus a census of PDU types, and prints TAP lines.
import socket
import struct
import subprocess
import threading
import time


class Relay:
    def __init__(self, target_port, target_host='127.0.0.1'):
        self.target = (target_host, target_port)
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(('127.0.0.1', 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.events = []           # (connection number, 'c' or 's' or 'close', bytes)
        self.connections = 0
        self.threads = []
        self.stopping = False
        self.acceptor = threading.Thread(target=self._accept, daemon=True)
        self.acceptor.start()

    def _record(self, conn, side, data):
        with self.lock:
            self.events.append((conn, side, data))

    def _accept(self):
        while not self.stopping:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.stopping:
                client.close()
                return
            try:
                server = socket.create_connection(self.target, timeout=10)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self.lock:
                conn = self.connections
                self.connections += 1
            self._record(conn, 'open', b'')
            done = threading.Event()
            for src, dst, side in ((client, server, 'c'), (server, client, 's')):
                t = threading.Thread(target=self._pump, args=(conn, src, dst, side, done), daemon=True)
                t.start()
                self.threads.append(t)

    def _pump(self, conn, src, dst, side, done):
        while True:
            try:
                data = src.recv(65536)
            except OSError:
                data = b''
            if not data:
                break
            # record before forwarding: the capture's order is the order bytes were seen
            self._record(conn, side, data)
            try:
                dst.sendall(data)
            except OSError:
                break
        self._record(conn, 'fin-' + side, b'')
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        if done.is_set():
            src.close()
            dst.close()
        done.set()

    def stop(self, wait=5.0):
        self.stopping = True
        self.listener.close()
        deadline = time.time() + wait
        for t in self.threads:
            t.join(max(0.0, deadline - time.time()))

    # ---- the capture file ----

    def write_pcap(self, path, server_port):
        out = open(path, 'wb')
        out.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))   # Ethernet
        clock = [1700000000.0]
        seq = {}

        def packet(conn, from_client, flags, payload=b''):
            cport = 40000 + conn
            c_seq, s_seq = seq[conn]
            if from_client:
                sport, dport, s, a = cport, server_port, c_seq, s_seq
            else:
                sport, dport, s, a = server_port, cport, s_seq, c_seq
            tcp = struct.pack('>HHIIBBHHH', sport, dport, s & 0xffffffff, a & 0xffffffff,
                              5 << 4, flags, 65535, 0, 0)
            total = 20 + len(tcp) + len(payload)
            ip = struct.pack('>BBHHHBBH4s4s', 0x45, 0, total, 0, 0x4000, 64, 6, 0,
                             socket.inet_aton('127.0.0.1'), socket.inet_aton('127.0.0.1'))
            csum = sum(struct.unpack('>10H', ip))
            csum = (csum & 0xffff) + (csum >> 16)
            csum = (csum & 0xffff) + (csum >> 16)
            ip = ip[:10] + struct.pack('>H', ~csum & 0xffff) + ip[12:]
            eth = b'\x02\0\0\0\0\x01' + b'\x02\0\0\0\0\x02' + b'\x08\x00'
            frame = eth + ip + tcp + payload
            clock[0] += 0.000001
            sec = int(clock[0])
            usec = int(round((clock[0] - sec) * 1e6)) % 1000000
            out.write(struct.pack('<IIII', sec, usec, len(frame), len(frame)))
            out.write(frame)
            advance = len(payload) + (1 if flags & 0x03 else 0)    # SYN and FIN count one
            if from_client:
                seq[conn] = (c_seq + advance, s_seq)
            else:
                seq[conn] = (c_seq, s_seq + advance)

        SYN, FIN, PSH, ACK = 0x02, 0x01, 0x08, 0x10
        with self.lock:
            events = list(self.events)
        for conn, side, data in events:
            if side == 'open':
                seq[conn] = (1000, 50000)
                packet(conn, True, SYN)
                packet(conn, False, SYN | ACK)
                packet(conn, True, ACK)
            elif side in ('c', 's'):
                for i in range(0, len(data), 16000):
                    packet(conn, side == 'c', PSH | ACK, data[i:i + 16000])
            else:
                packet(conn, side == 'fin-c', FIN | ACK)
        out.close()


def tshark(args):
    r = subprocess.run(['tshark'] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    return [line for line in r.stdout.decode(errors='replace').splitlines() if line.strip()]


def check_capture(path, port, name, want_types):
    """Prints TAP lines: the three clean-capture filters, and that the PDU types wanted are there."""
    decode = ['-d', 'tcp.port==%d,dcerpc' % port]
    checks = [
        ('no_malformed_packets_or_warnings',
         ['-r', path] + decode + ['-Y', '_ws.malformed || _ws.expert.severity >= warning || dcerpc.fragment.error']),
        ('no_incomplete_fragment_chains',
         ['-2', '-r', path] + decode + ['-Y', 'dcerpc && !(dcerpc.cn_flags.last_frag==1) && !dcerpc.reassembled_in']),
        ('every_request_has_its_response',
         ['-2', '-r', path] + decode + ['-Y', 'dcerpc.pkt_type==0 && !dcerpc.response_in']),
    ]
    failures = 0
    for check, args in checks:
        lines = tshark(args)
        if lines:
            failures += 1
            print('not ok - %s_capture_%s' % (name, check))
            for line in lines[:20]:
                print('#   ' + line)
        else:
            print('ok - %s_capture_%s' % (name, check))
    types = tshark(['-r', path] + decode + ['-Y', 'dcerpc', '-T', 'fields', '-e', 'dcerpc.pkt_type'])
    seen = {}
    for line in types:
        for t in line.split(','):
            seen[int(t)] = seen.get(int(t), 0) + 1
    missing = [t for t in want_types if t not in seen]
    if missing:
        failures += 1
        print('not ok - %s_capture_decodes_every_pdu_type_used' % name)
        print('#   missing packet types %s; seen %s' % (missing, seen))
    else:
        print('ok - %s_capture_decodes_every_pdu_type_used' % name)
    return failures

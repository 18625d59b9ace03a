#!/usr/bin/env python3
"""Labelled log samples from systems the template miner has never seen: real PostgreSQL, Redis, Mosquitto, OpenSSH,
OpenLDAP, MariaDB, lighttpd, ProFTPD, BIND (named) and Tinyproxy servers.

    scripts/loghub-from-servers.py --system postgres --out /tmp/servers [--lines 2000] [--seed 1]
    scripts/loghub-from-servers.py --system redis --out /tmp/servers     # also mosquitto, openssh, openldap, mariadb,
                                                                          # lighttpd, proftpd, bind, tinyproxy
    java -jar deploy/target/vigil.jar logparse-eval --dir /tmp/servers

Starts a throwaway server (temporary directories and configuration, loopback only, in the foreground), drives it with a
seeded random mix of what its log sees in operation (PostgreSQL: connections, failed logins, bad SQL, constraint
violations, lock waits and deadlocks, timeouts, checkpoints, temporary files, reloads; Redis: clients, snapshots,
append-only file rewrites, a replica that loses and finds its master, restarts, protocol errors; OpenSSH: key and
password logins of existing and invalid users, too many attempts, algorithms it does not offer, scanners, reloads;
OpenLDAP at log level stats: binds, searches, adds, modifies, deletes, renames, compares, password changes, garbage;
MariaDB: failed logins, clients that hang up or send garbage, too many connections, oversized packets, failing
scheduled events, restarts; lighttpd with its request-handling debug log: files, directory listings, missing files,
denied paths, redirects, rewrites, basic authentication, methods it refuses, ranges, keep-alive, malformed requests,
graceful restarts; ProFTPD at debug level 2: logins of existing and unknown users, wrong passwords, too many
attempts, listings, uploads, downloads, deletes, renames, directories, SITE and unknown commands, idle sessions,
garbage, reloads; BIND with its query log: queries of every kind for its two zones and for names it does not serve,
bursts past its rate limit, dynamic updates allowed and refused, zone transfers, notifies, garbage, reloads of changed
zones; Tinyproxy at log level Info, in front of an origin server of the script's own: requests that pass, fail,
time out or are filtered, CONNECT to allowed and refused ports, an upstream proxy, reverse paths, clients it refuses,
its statistics page, garbage, reloads), stops it, and writes its log in loghub's layout: OUT/<System>/<System>_2k.log,
<System>_2k.log_structured.csv (LineId, Date, Time, Pid, Level, Content, EventId, EventTemplate) and
<System>_2k.log_templates.csv; the whole log is kept as OUT/<system>-full.log (`--from-log` labels it again without a
server).

The ground truth comes from nobody's reading of the lines: each message is printed from a printf format in the server's
source, one per place in the code that logs, and those formats are strings in its binary (PostgreSQL's are also in its
translation catalogs, OpenLDAP's in the back-end module it loads, MariaDB's in errmsg.sys, lighttpd's and ProFTPD's in
the modules they load, BIND's in its libraries; lighttpd's "(file.c.LINE)" before each message names the call site, so
it is kept out of the Content column; so are the session header before ProFTPD's messages and the client or zone before
BIND's). A line's event is the format that prints it whole (conversions become <*>, an integer conversion matching only
a number; when several do, the one with most fixed text). Lines that no one format prints (messages built from several
pieces, multi-line messages) are left out and counted. A suffix that a server prints around a message with a format of
its own (PostgreSQL's " at character N", OpenSSH's " [preauth]") is that format's text, added to the template.

Needs the servers (Debian: apt-get install postgresql redis-server mosquitto mosquitto-clients openssh-server sshpass
slapd ldap-utils mariadb-server mariadb-client lighttpd proftpd-core bind9 tinyproxy); run as root (PostgreSQL then runs
as the user postgres; OpenSSH needs root and makes /run/sshd for the run when it is missing, removing it after; ProFTPD
needs root and logs its two users in from a password file of its own) or, but for OpenSSH and ProFTPD, as an ordinary
user. OpenSSH's logins are as existing accounts (root, nobody, daemon, postgres, www-data) with a key from the temporary
directory (sshd reads the accounts, as any does); nothing of the machine's own configuration is changed. Python 3
standard library only; a benchmark run by hand, never by CI.
"""
import argparse
import base64
import csv
import datetime
import ftplib
import glob
import http.server
import io
import os
import random
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

CONVERSION = re.compile(r"%(?:\d+\$)?[-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:hh|h|ll|l|L|q|j|z|t)?[diouxXeEfgGcspm]")

# What an integer conversion can print: without this a trailing %d of one format ("conn=%lu op=%lu") would swallow
# the fixed text of another ("%s UNBIND") and win on fixed length.
PRINTS = {**dict.fromkeys("diu", r"( *[-+]?\d+)"), "o": "( *[0-7]+)", "c": "(.)",
          **dict.fromkeys("xX", r"( *(?:0[xX])?[0-9a-fA-F]+)")}


def binary_strings(binary):
    """The printable strings of a binary: every format it logs with, among much that is not a format."""
    data = open(binary, "rb").read()
    return {m.decode("ascii") for m in re.findall(rb"[\x20-\x7e]{6,}", data)}


class Formats:
    """Matches a message to the format that prints it."""

    def __init__(self, formats):
        self.by_word = {}
        self.loose = []
        for f in formats:
            if "\n" in f:
                continue
            parts = CONVERSION.split(f.replace("%%", "\x00"))
            fixed = "".join(parts).replace("\x00", "%")
            if len(fixed.strip()) < 4:  # "%s", "%s: %s": would match anything
                continue
            kinds = [c[-1] for c in CONVERSION.findall(f.replace("%%", "\x00"))] + [""]
            pattern = "".join(re.escape(p.replace("\x00", "%")) + PRINTS.get(kind, "(.*?)" if kind else "")
                              for p, kind in zip(parts, kinds))
            # Conversions side by side ("%s%s%s") match what one does; as one group, a long line that no such format
            # prints fails in time instead of trying every split of itself between them.
            while "(.*?)(.*?)" in pattern:
                pattern = pattern.replace("(.*?)(.*?)", "(.*?)")
            template = "<*>".join(p.replace("\x00", "%") for p in parts)
            entry = (len(fixed), re.compile("^" + pattern + "$", re.S), template)
            word = f.split(" ", 1)[0]
            if CONVERSION.search(word) or "%%" in word:
                self.loose.append(entry)
            else:
                self.by_word.setdefault(word, []).append(entry)

    def template(self, message):
        best = None
        for fixed, rx, template in self.by_word.get(message.split(" ", 1)[0], []) + self.loose:
            if (best is None or fixed > best[0]) and rx.match(message):
                best = (fixed, template)
        return best[1] if best else None


def run_actions(rnd, choices, actions):
    """Runs `actions` actions drawn from (weight, action) pairs."""
    weights = [w for w, _ in choices]
    for i in range(actions):
        rnd.choices(choices, weights)[0][1]()
        if i % 100 == 0:
            print(f"  {i}/{actions} actions", file=sys.stderr)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def quiet(cmd, check=False, **kw):
    return subprocess.run(cmd, check=check, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)


class Postgres:
    name = "PostgreSQL"
    line = re.compile(r"^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3}) \S+ \[(\d+)\] ([A-Z]+):  (.*)$")
    position = re.compile(r" at character \d+$")

    def __init__(self, work):
        dirs = [d for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
                if os.path.exists(os.path.join(d, "postgres"))]
        if not dirs:
            sys.exit("loghub-from-servers: no PostgreSQL server under /usr/lib/postgresql (apt-get install postgresql)")
        self.bindir = dirs[0]
        self.major = os.path.basename(os.path.dirname(self.bindir))
        self.work = work
        self.as_postgres = os.geteuid() == 0
        self.data = os.path.join(work, "data")
        self.log = os.path.join(work, "postgres.log")
        self.sock = os.path.join(work, "sock")
        self.port = free_port()
        self.password = "vigil-pg"

    def formats(self):
        found = binary_strings(os.path.join(self.bindir, "postgres"))
        for file in glob.glob(f"/usr/share/locale/*/LC_MESSAGES/postgres-{self.major}.mo"):
            data = open(file, "rb").read()
            order = "<" if struct.unpack("<I", data[:4])[0] == 0x950412DE else ">"
            _, count, originals = struct.unpack(order + "3I", data[4:16])
            for i in range(count):
                length, offset = struct.unpack(order + "2I", data[originals + 8 * i:originals + 8 * i + 8])
                found.update(t for t in data[offset:offset + length].decode("utf-8", "replace").split("\x00")
                             if t and "\x04" not in t)  # \x04: a context-qualified id
        return found

    def parse(self, lines):
        """(date, time, pid, level, content, template suffix) per line; None for a line that continues the last."""
        for i, line in enumerate(lines):
            m = self.line.match(line)
            if not m:
                continue
            if i + 1 < len(lines) and lines[i + 1].startswith("\t"):
                yield None
                continue
            date, clock, pid, level, content = m.groups()
            # The position of an error in the statement is printed by a format of its own.
            at = self.position.search(content)
            yield date, clock, pid, level, content, (content[:at.start()], " at character <*>") if at else (
                content, "")

    def run(self, *args, check=True):
        return quiet((["runuser", "-u", "postgres", "--"] if self.as_postgres else []) + list(args), check=check)

    def start(self):
        os.makedirs(self.sock)
        pwfile = os.path.join(self.work, "pw")
        with open(pwfile, "w") as f:
            f.write(self.password + "\n")
        if self.as_postgres:
            for p in (self.work, self.sock, pwfile):
                shutil.chown(p, "postgres")
        self.run(os.path.join(self.bindir, "initdb"), "-D", self.data, "-U", "postgres", "--pwfile", pwfile,
                 "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C")
        settings = {
            "port": self.port, "listen_addresses": "127.0.0.1", "unix_socket_directories": self.sock,
            "logging_collector": "off", "log_line_prefix": "%m [%p] ", "log_timezone": "UTC",
            "log_connections": "on", "log_disconnections": "on", "log_checkpoints": "on", "log_lock_waits": "on",
            "deadlock_timeout": "200ms", "log_temp_files": "0", "log_min_messages": "notice",
            "log_min_error_statement": "panic", "log_autovacuum_min_duration": "0", "autovacuum_naptime": "2s",
            "lc_messages": "C",
        }
        with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
            f.writelines(f"{k} = '{v}'\n" for k, v in settings.items())
        self.run(os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-l", self.log, "-w", "start")

    def stop(self):
        self.run(os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-m", "fast", "-w", "stop", check=False)

    def reload(self):
        self.run(os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "reload", check=False)

    def psql(self, sql, user="postgres", db="bench", password=None, wait=True):
        env = dict(os.environ, PGPASSWORD=password or self.password, PGCONNECT_TIMEOUT="5")
        cmd = [os.path.join(self.bindir, "psql"), "-X", "-q", "-h", "127.0.0.1", "-p", str(self.port), "-U", user,
               "-d", db, "-v", "ON_ERROR_STOP=0", "-c", sql]
        p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if wait:
            p.wait()
        return p

    def drive(self, rnd, actions):
        """Runs the server through the workload; returns its log's lines."""
        try:
            self.start()
            self.setup()
            self.workload(rnd, actions)
        finally:
            self.stop()
        return open(self.log, encoding="utf-8", errors="replace").read().split("\n")

    def setup(self):
        self.psql("CREATE DATABASE bench", db="postgres")
        self.psql("CREATE DATABASE shop", db="postgres")
        for db in ("bench", "shop"):
            self.psql("CREATE TABLE accounts (id int PRIMARY KEY, owner varchar(12) NOT NULL, balance bigint);"
                      "CREATE TABLE orders (id serial PRIMARY KEY, account int REFERENCES accounts(id), qty int);"
                      "INSERT INTO accounts SELECT g, 'user' || g, g * 10 FROM generate_series(1, 500) g;", db=db)
        for user in ("app", "report", "batch"):
            self.psql(f"CREATE ROLE {user} LOGIN PASSWORD '{self.password}'", db="postgres")
            self.psql(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {user}; "
                      f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {user}", db="bench")
        self.psql(f"CREATE ROLE guest LOGIN PASSWORD '{self.password}'", db="postgres")

    def workload(self, rnd, actions):
        users = ["app", "report", "batch", "postgres"]
        dbs = ["bench", "shop"]
        words = ["alpha", "orders_archive", "customer", "ledger", "tmp_import", "sessions", "audit_log", "items"]

        def user():
            return rnd.choice(users)

        def db():
            return rnd.choice(dbs)

        def rid():
            return rnd.randint(1, 500)

        simple = [
            (30, lambda: self.psql(f"SELECT balance FROM accounts WHERE id = {rid()}", user(), db())),
            (8, lambda: self.psql("SELECT 1", rnd.choice(users + ["guest"]), db(), password="wrong" + str(rid()))),
            (3, lambda: self.psql("SELECT 1", rnd.choice(["admin", "deploy", "backup_" + str(rid())]), db())),
            (3, lambda: self.psql("SELECT 1", user(), rnd.choice(words) + "_db")),
            (5, lambda: self.psql(rnd.choice(["SELEC * FROM accounts", "SELECT * FORM accounts",
                                              "UPDATE accounts SET", "SELECT (1",
                                              f"INSERT INTO accounts VALUES ({rid()}, 'x', 1"]), user(), db())),
            (5, lambda: self.psql(f"SELECT * FROM {rnd.choice(words)}", user(), db())),
            (4, lambda: self.psql(f"SELECT {rnd.choice(words)} FROM accounts", user(), db())),
            (3, lambda: self.psql(f"SELECT balance / {rnd.choice([0, 0, 1])} FROM accounts WHERE id = {rid()}",
                                  user(), db())),
            (4, lambda: self.psql(f"INSERT INTO accounts VALUES ({rid()}, 'dup', 0)", user(), db())),
            (3, lambda: self.psql(f"INSERT INTO accounts VALUES ({500 + rid()}, NULL, 0)", user(), db())),
            (3, lambda: self.psql(f"INSERT INTO orders (account, qty) VALUES ({1000 + rid()}, 1)", user(), db())),
            (3, lambda: self.psql(f"SELECT * FROM accounts WHERE id = '{rnd.choice(words)}'", user(), db())),
            (2, lambda: self.psql(f"UPDATE accounts SET owner = '{'x' * rnd.randint(13, 40)}' WHERE id = {rid()}",
                                  user(), db())),
            (2, lambda: self.psql(f"SELECT {rnd.randint(3, 9)}000000000::int", user(), db())),
            (3, lambda: self.psql("SET statement_timeout = '50ms'; SELECT pg_sleep(0.3)", user(), db())),
            (3, lambda: self.psql(f"SELECT balance FROM accounts WHERE id = {rid()}", "guest", "bench")),
            (3, lambda: self.psql(f"BEGIN; SELECT 1 / 0; SELECT {rid()}; COMMIT", user(), db())),
            (2, lambda: self.psql(rnd.choice(["COMMIT", "ROLLBACK", "BEGIN; BEGIN; COMMIT"]), user(), db())),
            (3, lambda: self.psql(f"DROP TABLE IF EXISTS {rnd.choice(words)}", "postgres", db())),
            (2, lambda: self.psql(f"SELECT {rnd.choice(words)}({rid()})", user(), db())),
            (2, lambda: self.psql(f"SELECT 'a' {rnd.choice(['<->', '@@@', '~~~'])} {rid()}", user(), db())),
            (2, lambda: self.psql("CHECKPOINT", "postgres", db())),
            (2, lambda: self.psql("SET work_mem = '64kB'; SELECT g FROM "
                                  f"generate_series(1, {rnd.randint(60, 200)}000) g "
                                  "ORDER BY g DESC LIMIT 1", user(), db())),
            (2, lambda: self.psql(f"UPDATE accounts SET balance = balance + 1 WHERE id BETWEEN 1 AND {rid()}",
                                  user(), db())),
            (1, lambda: self.psql("CREATE TABLE accounts (id int)", user(), db())),
            (1, lambda: self.psql(f"SET {rnd.choice(['work_mem', 'statement_timeout'])} = 'lots'", user(), db())),
            (1, lambda: self.psql(f"SET {rnd.choice(words)}_mode = on", user(), db())),
        ]

        def lock_wait():
            d = db()
            a = self.psql(f"BEGIN; UPDATE accounts SET balance = 0 WHERE id = 7; SELECT pg_sleep(0.6); COMMIT",
                          user(), d, wait=False)
            time.sleep(0.1)
            self.psql("UPDATE accounts SET balance = 1 WHERE id = 7", user(), d)
            a.wait()

        def deadlock():
            d = db()
            x, y = rnd.sample(range(1, 50), 2)
            a = self.psql(f"BEGIN; UPDATE accounts SET balance = 2 WHERE id = {x}; SELECT pg_sleep(0.3); "
                          f"UPDATE accounts SET balance = 2 WHERE id = {y}; COMMIT", user(), d, wait=False)
            b = self.psql(f"BEGIN; UPDATE accounts SET balance = 3 WHERE id = {y}; SELECT pg_sleep(0.3); "
                          f"UPDATE accounts SET balance = 3 WHERE id = {x}; COMMIT", user(), d, wait=False)
            a.wait()
            b.wait()

        def terminate():
            u = user()
            s = self.psql("SELECT pg_sleep(3)", u, db(), wait=False)
            time.sleep(0.3)
            fn = rnd.choice(["pg_terminate_backend", "pg_cancel_backend"])
            self.psql(f"SELECT {fn}(pid) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(3)%' "
                      "AND pid <> pg_backend_pid()", "postgres", "postgres")
            s.wait()

        def reload():
            self.psql(f"ALTER SYSTEM SET work_mem = '{rnd.choice([4, 8, 16, 32])}MB'", "postgres", "postgres")
            self.reload()
            time.sleep(0.2)

        def churn():  # dead rows for autovacuum
            self.psql(f"UPDATE accounts SET balance = balance - 1; DELETE FROM orders; "
                      f"INSERT INTO orders (account, qty) SELECT {rid()}, g FROM generate_series(1, 200) g",
                      "postgres", db())

        run_actions(rnd, simple + [(3, lock_wait), (2, deadlock), (2, terminate), (1, reload), (2, churn)], actions)


class Redis:
    name = "Redis"
    line = re.compile(r"^(\d+):[XCSM] (\d\d \w{3} \d{4}) (\d\d:\d\d:\d\d\.\d{3}) ([.*#-]) (.*)$")

    def __init__(self, work):
        self.server = shutil.which("redis-server")
        self.cli = shutil.which("redis-cli")
        if not self.server or not self.cli:
            sys.exit("loghub-from-servers: no redis-server and redis-cli on PATH (apt-get install redis-server)")
        self.work = work
        self.nodes = {}  # port: (process, log)

    def formats(self):
        return binary_strings(os.path.realpath(self.server))

    def parse(self, lines):
        for line in lines:
            m = self.line.match(line)
            if m:
                pid, date, clock, level, content = m.groups()
                yield date, clock, pid, level, content, (content, "")

    def start(self, port):
        d = os.path.join(self.work, str(port))
        os.makedirs(d, exist_ok=True)
        log = os.path.join(self.work, f"{port}.log")
        p = subprocess.Popen([self.server, "--port", str(port), "--bind", "127.0.0.1", "--dir", d, "--logfile", log,
                              "--loglevel", "verbose", "--save", "3 10", "--appendonly", "no", "--daemonize", "no",
                              "--protected-mode", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.nodes[port] = (p, log)
        for _ in range(100):
            if self.cmd(port, "PING").returncode == 0:
                return
            time.sleep(0.05)

    def stop(self, port, how="SAVE"):
        p = self.nodes[port][0]
        try:
            self.cmd(port, "SHUTDOWN", how)
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a save that outlasts the wait on a busy machine: a crash, as it happens
            p.kill()
            p.wait()

    def cmd(self, port, *args):
        return subprocess.run([self.cli, "-p", str(port), *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              timeout=30)

    def drive(self, rnd, actions):
        master, replica = free_port(), free_port()
        logs = {}
        try:
            self.start(master)
            self.start(replica)
            self.cmd(replica, "REPLICAOF", "127.0.0.1", str(master))
            self.workload(rnd, actions, master, replica)
        finally:
            for port, (p, log) in self.nodes.items():
                if p.poll() is None:
                    self.cmd(port, "SHUTDOWN", "NOSAVE")
                    p.wait(timeout=30)
        lines = []
        for log in {log for _, log in self.nodes.values()}:
            lines += open(log, encoding="utf-8", errors="replace").read().split("\n")

        def when(line):
            m = self.line.match(line)
            return datetime.datetime.strptime(m.group(2) + " " + m.group(3), "%d %b %Y %H:%M:%S.%f") if m else \
                datetime.datetime.min
        return sorted(lines, key=when)

    def workload(self, rnd, actions, master, replica):
        def key():
            return f"{rnd.choice(['user', 'session', 'cart', 'rate'])}:{rnd.randint(1, 5000)}"

        def protocol_error():
            with socket.create_connection(("127.0.0.1", rnd.choice([master, replica]))) as s:
                s.sendall(rnd.choice([b"SET \"a b\r\n", b"*1\r\n$-7\r\nPING\r\n", b"*x\r\n",
                                      b"*2\r\n$3\r\nGET\r\n:1\r\n", b"GET 'k\r\n"]))
                s.settimeout(1)
                try:
                    s.recv(1024)
                except OSError:
                    pass

        def restart(port, how):
            self.stop(port, how)
            time.sleep(rnd.uniform(0.1, 1.5))
            self.start(port)
            if port == replica:
                self.cmd(replica, "REPLICAOF", "127.0.0.1", str(master))

        def promote_and_back():
            self.cmd(replica, "REPLICAOF", "NO", "ONE")
            time.sleep(0.3)
            self.cmd(replica, "REPLICAOF", "127.0.0.1", str(master))
            time.sleep(0.5)

        choices = [
            (30, lambda: self.cmd(master, "SET", key(), str(rnd.random()))),
            (12, lambda: self.cmd(rnd.choice([master, replica]), "GET", key())),
            (4, lambda: self.cmd(master, "DEBUG", "POPULATE", str(rnd.randint(100, 20000)), key())),
            (3, lambda: self.cmd(master, "BGSAVE")),
            (2, lambda: self.cmd(rnd.choice([master, replica]), "SAVE")),
            (3, lambda: self.cmd(rnd.choice([master, replica]), "BGREWRITEAOF")),
            (2, lambda: self.cmd(master, "CONFIG", "SET", "appendonly", rnd.choice(["yes", "no"]))),
            (2, lambda: restart(replica, rnd.choice(["SAVE", "NOSAVE"]))),
            (1, lambda: restart(master, rnd.choice(["SAVE", "NOSAVE"]))),
            (2, promote_and_back),
            (4, protocol_error),
            (1, lambda: self.cmd(master, "MODULE", "LOAD", f"/opt/modules/{rnd.choice(['search', 'json'])}.so")),
            (1, lambda: self.cmd(rnd.choice([master, replica]), "DEBUG", "RELOAD")),
            (1, lambda: self.cmd(master, "FLUSHALL")),
            (2, lambda: time.sleep(rnd.uniform(0.5, 3))),  # saves and rewrites end, save points pass
        ]
        run_actions(rnd, choices, actions)


class Mosquitto:
    name = "Mosquitto"
    line = re.compile(r"^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d): (.*)$")

    def __init__(self, work):
        self.server = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        if not os.path.exists(self.server) or not shutil.which("mosquitto_pub"):
            sys.exit("loghub-from-servers: no mosquitto and mosquitto_pub "
                     "(apt-get install mosquitto mosquitto-clients)")
        self.work = work
        self.log = os.path.join(work, "mosquitto.log")
        self.open, self.closed = free_port(), free_port()
        self.process = None

    def formats(self):
        return binary_strings(os.path.realpath(self.server))

    def parse(self, lines):
        for line in lines:
            m = self.line.match(line)
            if m:
                date, clock, content = m.groups()
                yield date, clock, "", "", content, (content, "")

    def start(self):
        conf = os.path.join(self.work, "mosquitto.conf")
        if not os.path.exists(conf):
            quiet(["mosquitto_passwd", "-b", "-c", os.path.join(self.work, "passwd"), "alice", "secret"], check=True)
            with open(conf, "w") as f:
                f.write(f"""per_listener_settings true
listener {self.open} 127.0.0.1
allow_anonymous true
listener {self.closed} 127.0.0.1
allow_anonymous false
password_file {self.work}/passwd
persistence true
persistence_location {self.work}/
autosave_interval 5
log_dest file {self.log}
log_type all
log_timestamp_format %Y-%m-%d %H:%M:%S
connection_messages true
user root
""")
        self.process = subprocess.Popen([self.server, "-c", conf], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.open), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def drive(self, rnd, actions):
        try:
            self.start()
            self.workload(rnd, actions)
        finally:
            self.stop()
        return open(self.log, encoding="utf-8", errors="replace").read().split("\n")

    @staticmethod
    def connect_packet(client, keepalive):
        body = b"\x00\x04MQTT\x04\x02" + keepalive.to_bytes(2, "big") + len(client).to_bytes(2, "big") + client
        return bytes([0x10, len(body)]) + body

    def workload(self, rnd, actions):
        topics = ["sensors/temp", "sensors/humidity", "plant/line1/state", "alerts", "home/door", "fleet/truck7/gps"]

        def cid(kind):
            return f"{kind}-{rnd.randint(1, 400)}"

        def pub(port=None, user=None, password=None, client=None):
            cmd = ["mosquitto_pub", "-p", str(port or self.open), "-i", client or cid("pub"),
                   "-t", rnd.choice(topics), "-m", str(rnd.random()), "-q", str(rnd.choice([0, 0, 1, 2]))]
            if rnd.random() < 0.2:
                cmd.append("-r")
            if user:
                cmd += ["-u", user, "-P", password]
            quiet(cmd, timeout=10)

        def sub_and_pub():
            s = subprocess.Popen(["mosquitto_sub", "-p", str(self.open), "-i", cid("sub"), "-t",
                                  rnd.choice(["sensors/#", "#", "plant/+/state", "alerts"]), "-q",
                                  str(rnd.choice([0, 1, 2])), "-C", "2", "-W", "3"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.2)
            for _ in range(rnd.randint(1, 3)):
                pub()
            s.wait()

        def takeover():
            same = cid("dash")
            a = subprocess.Popen(["mosquitto_sub", "-p", str(self.open), "-i", same, "-t", "alerts", "-W", "2"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.3)
            quiet(["mosquitto_sub", "-p", str(self.open), "-i", same, "-t", "alerts", "-W", "1"], timeout=10)
            a.wait()

        def raw(data, hold):
            with socket.create_connection(("127.0.0.1", self.open)) as s:
                s.sendall(data)
                time.sleep(hold)

        def will():
            w = subprocess.Popen(["mosquitto_sub", "-p", str(self.open), "-i", cid("node"), "-t", "cmd/#",
                                  "--will-topic", "nodes/lost", "--will-payload", "gone", "-W", "5"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.3)
            w.kill()
            w.wait()

        def restart():
            self.stop()
            time.sleep(0.3)
            self.start()

        choices = [
            (20, pub),
            (8, sub_and_pub),
            (4, lambda: pub(self.closed, "alice", "secret")),
            (3, lambda: pub(self.closed, rnd.choice(["alice", "mallory", "admin"]), "wrong")),
            (2, lambda: pub(self.closed)),
            (2, takeover),
            (2, lambda: raw(self.connect_packet(cid("idle").encode(), 1), 2.0)),
            (2, lambda: raw(self.connect_packet(cid("drop").encode(), 30), 0.2)),
            (2, lambda: raw(rnd.choice([b"\x10\x05\x00\x04MQ", b"GET / HTTP/1.1\r\n\r\n", b"\xf0\x00"]), 0.3)),
            (1, will),
            (1, lambda: self.process.send_signal(1)),  # SIGHUP: configuration reloaded
            (1, restart),
            (2, lambda: time.sleep(rnd.uniform(0.5, 3))),
        ]
        run_actions(rnd, choices, actions)


class Stamped:
    """A foreground server that logs to stderr without timestamps: each line is stamped as it is read."""

    def __init__(self, log):
        self.log = log
        self.process = None
        self.reader = None

    def spawn(self, cmd):
        self.process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.reader = threading.Thread(target=self.copy, args=(self.process.stderr,), daemon=True)
        self.reader.start()

    def copy(self, stream):
        with open(self.log, "a", encoding="utf-8") as out:
            for raw in stream:
                now = datetime.datetime.utcnow()
                out.write(f"{now:%Y-%m-%d %H:%M:%S}.{now.microsecond // 1000:03d} "
                          f"{raw.decode('utf-8', 'replace').rstrip()}\n")
                out.flush()

    def halt(self, sig=signal.SIGTERM):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.reader:
            self.reader.join(timeout=10)

    def wait_port(self, port):
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)


class Sshd(Stamped):
    name = "OpenSSH"
    line = re.compile(r"^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3}) (.*)$")
    # The monitor prints a pre-authentication child's message inside a format of its own.
    preauth = re.compile(r" \[preauth\]$")

    def __init__(self, work):
        self.server = "/usr/sbin/sshd"
        if not os.path.exists(self.server) or not shutil.which("sshpass") or not shutil.which("ssh"):
            sys.exit("loghub-from-servers: no sshd, ssh and sshpass (apt-get install openssh-server sshpass)")
        if os.geteuid() != 0:
            sys.exit("loghub-from-servers: sshd needs root (privilege separation)")
        super().__init__(os.path.join(work, "sshd.log"))
        self.work = work
        self.port = free_port()
        self.key = os.path.join(work, "client")
        self.privsep = None

    def formats(self):
        return binary_strings(self.server)

    def parse(self, lines):
        for line in lines:
            m = self.line.match(line)
            if m:
                date, clock, content = m.groups()
                at = self.preauth.search(content)
                yield date, clock, "", "", content, (content[:at.start()], " [preauth]") if at else (content, "")

    def start(self):
        conf = os.path.join(self.work, "sshd_config")
        if not os.path.exists(conf):
            quiet(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", os.path.join(self.work, "host")], check=True)
            quiet(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", self.key], check=True)
            keys = os.path.join(self.work, "keys")
            os.makedirs(keys)
            for user in ("root", "nobody", "daemon"):
                shutil.copy(self.key + ".pub", os.path.join(keys, user))
            with open(conf, "w") as f:
                f.write(f"""Port {self.port}
ListenAddress 127.0.0.1
HostKey {self.work}/host
PidFile {self.work}/sshd.pid
AuthorizedKeysFile {keys}/%u
StrictModes no
UsePAM no
PasswordAuthentication yes
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
DenyUsers daemon
MaxAuthTries 3
LoginGraceTime 3
LogLevel VERBOSE
""")
        # Its privilege separation directory, made for the run when the machine has none and removed after it.
        if not os.path.isdir("/run/sshd"):
            os.makedirs("/run/sshd", mode=0o755)
            self.privsep = "/run/sshd"
        self.spawn([self.server, "-D", "-e", "-f", conf])
        self.wait_port(self.port)

    def drive(self, rnd, actions):
        try:
            self.start()
            self.workload(rnd, actions)
        finally:
            self.halt()
            if self.privsep:
                shutil.rmtree(self.privsep, ignore_errors=True)
        return open(self.log, encoding="utf-8", errors="replace").read().split("\n")

    def ssh(self, user, *opts, password=None, command="true"):
        cmd = ["ssh", "-F", "/dev/null", "-p", str(self.port), "-o", "StrictHostKeyChecking=no",
               "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=5", *opts, f"{user}@127.0.0.1", command]
        if password is not None:
            cmd = ["sshpass", "-p", password] + cmd
        else:
            cmd[1:1] = ["-o", "BatchMode=yes", "-i", self.key]
        quiet(cmd, timeout=20)

    def workload(self, rnd, actions):
        invalid = ["admin", "test", "oracle", "ubuntu", "git", "pi", "ftpuser", "support"]
        valid = ["root", "nobody", "daemon", "postgres", "www-data"]

        def password(user, tries):
            self.ssh(user, "-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no",
                     "-o", f"NumberOfPasswordPrompts={tries}", password="wrong" + str(rnd.randint(1, 99)))

        def raw(data, hold):
            with socket.create_connection(("127.0.0.1", self.port)) as s:
                if data:
                    s.sendall(data)
                time.sleep(hold)

        def idle():  # outlasts LoginGraceTime without holding the workload up
            threading.Thread(target=raw, args=(b"SSH-2.0-Scanner_1.0\r\n", 4), daemon=True).start()

        def reload():
            self.process.send_signal(signal.SIGHUP)
            time.sleep(0.5)
            self.wait_port(self.port)

        choices = [
            (14, lambda: self.ssh(rnd.choice(["root", "nobody"]),
                                  command=rnd.choice(["true", "uptime", "exit 3"]))),
            (4, lambda: self.ssh(rnd.choice(["daemon", "postgres"]))),
            (12, lambda: password(rnd.choice(valid), rnd.randint(1, 2))),
            (10, lambda: password(rnd.choice(invalid) + rnd.choice(["", "", str(rnd.randint(1, 50))]),
                                  rnd.randint(1, 2))),
            (4, lambda: password(rnd.choice(valid + invalid), 5)),
            (3, lambda: self.ssh(rnd.choice(invalid + valid), "-o", rnd.choice([
                "KexAlgorithms=diffie-hellman-group1-sha1", "Ciphers=aes128-cbc", "MACs=hmac-md5",
                "HostKeyAlgorithms=ssh-rsa"]))),
            (4, lambda: raw(rnd.choice([b"GET / HTTP/1.1\r\n\r\n", b"SSH-1.5-Client\r\n", b"\x16\x03\x01\x00",
                                        b"", b"SSH-2.0-Go\r\n"]), 0.2)),
            (2, idle),
            (1, reload),
            (2, lambda: time.sleep(rnd.uniform(0.2, 1))),
        ]
        run_actions(rnd, choices, actions)
        time.sleep(4)  # the idle connections time out


class Slapd(Stamped):
    name = "OpenLDAP"
    line = re.compile(r"^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3}) [0-9a-f]{8}\.[0-9a-f]{8} 0x[0-9a-f]+ (.*)$")
    base = "dc=example,dc=org"

    def __init__(self, work):
        self.server = "/usr/sbin/slapd"
        if not os.path.exists(self.server) or not shutil.which("ldapsearch"):
            sys.exit("loghub-from-servers: no slapd and ldapsearch (apt-get install slapd ldap-utils)")
        super().__init__(os.path.join(work, "slapd.log"))
        self.work = work
        self.port = free_port()
        self.url = f"ldap://127.0.0.1:{self.port}/"

    def formats(self):
        found = binary_strings(self.server)
        for module in glob.glob("/usr/lib/ldap/back_mdb-*.so.*"):
            found |= binary_strings(os.path.realpath(module))
        return found

    def parse(self, lines):
        for line in lines:
            m = self.line.match(line)
            if m:
                date, clock, content = m.groups()
                yield date, clock, "", "", content, (content, "")

    def start(self):
        conf = os.path.join(self.work, "slapd.conf")
        if not os.path.exists(conf):
            os.makedirs(os.path.join(self.work, "db"))
            with open(conf, "w") as f:
                f.write(f"""include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
pidfile {self.work}/slapd.pid
argsfile {self.work}/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
sizelimit 50
database mdb
maxsize 104857600
suffix "{self.base}"
rootdn "cn=admin,{self.base}"
rootpw secret
directory {self.work}/db
index objectClass eq
index uid eq
access to attrs=userPassword by self write by anonymous auth by * none
access to * by users read by anonymous read
""")
        self.spawn([self.server, "-d", "stats", "-h", self.url, "-f", conf])
        self.wait_port(self.port)

    def drive(self, rnd, actions):
        try:
            self.start()
            self.setup()
            self.workload(rnd, actions)
        finally:
            self.halt()
        return open(self.log, encoding="utf-8", errors="replace").read().split("\n")

    def ldap(self, tool, *args, dn=None, password="secret", stdin=None):
        cmd = [tool, "-x", "-H", self.url, *(["-D", dn, "-w", password] if dn else []), *args]
        subprocess.run(cmd, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=20)

    def setup(self):
        people = "".join(f"""
dn: uid=user{i},ou=people,{self.base}
objectClass: inetOrgPerson
uid: user{i}
cn: User {i}
sn: {i}
mail: user{i}@example.org
userPassword: pw{i}
""" for i in range(1, 41))
        self.ldap("ldapadd", dn=f"cn=admin,{self.base}", stdin=f"""dn: {self.base}
objectClass: dcObject
objectClass: organization
o: Example
dc: example

dn: ou=people,{self.base}
objectClass: organizationalUnit
ou: people

dn: ou=groups,{self.base}
objectClass: organizationalUnit
ou: groups
{people}""".encode())

    def workload(self, rnd, actions):
        admin = f"cn=admin,{self.base}"

        def user(i=None):
            return f"uid=user{i or rnd.randint(1, 60)},ou=people,{self.base}"

        def bind():
            i = rnd.randint(1, 60)
            return user(i), rnd.choice([f"pw{i}", f"pw{i}", "wrong"])

        def search():
            dn, pw = rnd.choice([(None, None), bind(), (admin, "secret")])
            flt = rnd.choice([f"(uid=user{rnd.randint(1, 60)})", "(objectClass=*)", f"(cn=User {rnd.randint(1, 9)}*)",
                              f"(&(objectClass=inetOrgPerson)(mail=*{rnd.randint(1, 9)}*))", "(sn>=3)",
                              f"(|(uid=user{rnd.randint(1, 9)})(uid=user{rnd.randint(10, 60)}))"])
            base = rnd.choice([self.base, f"ou=people,{self.base}", f"ou=missing,{self.base}", user()])
            args = ["-b", base, "-s", rnd.choice(["sub", "one", "base"]), flt] + rnd.sample(["cn", "mail", "uid", "sn"],
                                                                                         rnd.randint(0, 2))
            if dn:
                self.ldap("ldapsearch", *args, dn=dn, password=pw)
            else:
                self.ldap("ldapsearch", *args)

        def add():
            i = rnd.randint(1, 80)
            self.ldap("ldapadd", dn=admin, stdin=f"dn: uid=user{i},ou=people,{self.base}\nobjectClass: inetOrgPerson\n"
                      f"uid: user{i}\ncn: User {i}\nsn: {i}\nuserPassword: pw{i}\n".encode())

        def modify():
            dn, pw = rnd.choice([(admin, "secret"), bind()])
            attr = rnd.choice(["mail", "telephoneNumber", "description", "noSuchAttribute"])
            self.ldap("ldapmodify", dn=dn, password=pw, stdin=f"dn: {user()}\nchangetype: modify\n"
                      f"{rnd.choice(['replace', 'add', 'delete'])}: {attr}\n{attr}: v{rnd.randint(1, 999)}\n".encode())

        def rename():
            i = rnd.randint(1, 60)
            self.ldap("ldapmodrdn", user(i), f"uid=user{i + rnd.choice([0, 30])}", dn=admin)

        def raw(data):
            with socket.create_connection(("127.0.0.1", self.port)) as s:
                s.sendall(data)
                time.sleep(0.1)

        choices = [
            (30, search),
            (10, lambda: self.ldap("ldapwhoami", *(lambda b: ["-D", b[0], "-w", b[1]])(bind()))),
            (6, add),
            (6, modify),
            (4, lambda: self.ldap("ldapdelete", user(), dn=admin)),
            (3, rename),
            (4, lambda: self.ldap("ldapcompare", user(), f"sn:{rnd.randint(1, 60)}", dn=admin)),
            (3, lambda: self.ldap("ldappasswd", "-s", "new", user(), dn=admin)),
            (2, lambda: raw(rnd.choice([b"GET / HTTP/1.0\r\n\r\n", b"\x30\x05\x02\x01\x01\x42\x00",
                                        b"\x30\x84\xff\xff\xff\xff"]))),
            (2, lambda: self.ldap("ldapsearch", "-b", "", "-s", "base", "+")),
            (1, lambda: time.sleep(rnd.uniform(0.2, 1))),
        ]
        run_actions(rnd, choices, actions)


class MariaDB:
    name = "MariaDB"
    actions = 1300  # a sparser log than the others': 900 actions gave some 1,750 lines
    line = re.compile(r"^(\d{4}-\d\d-\d\d) +(\d?\d:\d\d:\d\d) (\d+) \[(\w+)\] (.*)$")

    def __init__(self, work):
        self.server = "/usr/sbin/mariadbd"
        if not os.path.exists(self.server) or not shutil.which("mariadb") or not shutil.which("mariadb-install-db"):
            sys.exit("loghub-from-servers: no mariadbd, mariadb and mariadb-install-db "
                     "(apt-get install mariadb-server mariadb-client)")
        self.work = work
        self.data = os.path.join(work, "data")
        self.log = os.path.join(work, "mariadb.log")
        self.sock = os.path.join(work, "sock")
        self.port = free_port()
        self.process = None
        self.password = "vigil-db"

    def formats(self):
        found = binary_strings(self.server)
        for file in glob.glob("/usr/share/mysql/english/errmsg.sys"):  # the messages of its error codes
            found |= binary_strings(file)
        return found

    def parse(self, lines):
        for i, line in enumerate(lines):
            m = self.line.match(line)
            if not m:
                continue
            if i + 1 < len(lines) and lines[i + 1] and not self.line.match(lines[i + 1]):
                yield None
                continue
            date, clock, thread, level, content = m.groups()
            yield date, clock, thread, level, content, (content, "")

    def start(self):
        if not os.path.exists(self.data):
            quiet(["mariadb-install-db", "--no-defaults", f"--datadir={self.data}", "--user=root",
                   "--auth-root-authentication-method=normal", "--skip-test-db"], check=True)
        self.process = subprocess.Popen(
            [self.server, "--no-defaults", f"--datadir={self.data}", f"--socket={self.sock}", f"--port={self.port}",
             "--bind-address=127.0.0.1", "--user=root", f"--log-error={self.log}", "--log-warnings=4",
             f"--pid-file={self.work}/pid", "--max-connections=20", "--max-allowed-packet=64K",
             "--innodb-buffer-pool-size=16M", "--innodb-lock-wait-timeout=1", "--skip-name-resolve"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            if self.sql("SELECT 1", user="root").returncode == 0:
                return
            time.sleep(0.05)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def sql(self, sql, user="app", password=None, db=None, wait=True, tcp=None):
        cmd = ["mariadb", "--no-defaults", "--connect-timeout=5", "-u", user, "-e", sql]
        cmd += ["-h", "127.0.0.1", "-P", str(self.port)] if tcp or (tcp is None and user != "root") else \
            ["-S", self.sock]
        if user != "root" or password:
            cmd.append("-p" + (password or self.password))
        if db:
            cmd.append(db)
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if wait:
            p.wait()
        return p

    def drive(self, rnd, actions):
        try:
            self.start()
            self.setup()
            self.workload(rnd, actions)
        finally:
            self.stop()
        return open(self.log, encoding="utf-8", errors="replace").read().split("\n")

    def setup(self):
        statements = ["CREATE DATABASE bench", "CREATE DATABASE shop",
                      "CREATE TABLE bench.accounts (id int PRIMARY KEY, owner varchar(12), balance bigint)",
                      "INSERT INTO bench.accounts SELECT seq, concat('user', seq), seq * 10 FROM seq_1_to_500"]
        for user in ("app", "report", "batch"):
            statements += [f"CREATE USER {user}@'%' IDENTIFIED BY '{self.password}'",
                           f"GRANT ALL ON bench.* TO {user}@'%'"]
        self.sql("; ".join(statements), user="root")

    def workload(self, rnd, actions):
        users = ["app", "report", "batch"]

        def rid():
            return rnd.randint(1, 500)

        def hang_up():  # a client that dies in the middle of a query
            p = self.sql(f"SELECT SLEEP(2), {rid()}", rnd.choice(users), db="bench", wait=False)
            time.sleep(rnd.uniform(0.2, 0.5))
            p.kill()
            p.wait()

        def raw(data):
            with socket.create_connection(("127.0.0.1", self.port)) as s:
                s.settimeout(1)
                try:
                    s.recv(256)
                    s.sendall(data)
                    s.recv(256)
                except OSError:
                    pass

        def crowd():  # more clients than max_connections
            ps = [self.sql("SELECT SLEEP(1)", rnd.choice(users), wait=False) for _ in range(rnd.randint(21, 24))]
            for p in ps:
                p.wait()

        def event():
            name = f"e{rid()}"
            body = rnd.choice(["INSERT INTO bench.nosuch VALUES (1)", "UPDATE bench.accounts SET balance = 1 / 0",
                               "INSERT INTO bench.accounts VALUES (1, 'dup', 0)", "DO SLEEP(0)"])
            self.sql(f"SET GLOBAL event_scheduler = ON; CREATE EVENT bench.{name} ON SCHEDULE EVERY 1 SECOND "
                     f"ENDS NOW() + INTERVAL 2 SECOND ON COMPLETION NOT PRESERVE DO {body}", user="root")

        def restart():
            self.stop()
            time.sleep(0.3)
            self.start()

        choices = [
            (30, lambda: self.sql(f"SELECT balance FROM accounts WHERE id = {rid()}", rnd.choice(users), db="bench")),
            (8, lambda: self.sql("SELECT 1", rnd.choice(users + ["root"]), password="wrong" + str(rid()), tcp=True)),
            (4, lambda: self.sql("SELECT 1", rnd.choice(["admin", "deploy", "backup_" + str(rid())]), tcp=True)),
            (3, lambda: self.sql("SELECT 1", rnd.choice(users), db=rnd.choice(["shop", "mysql", "nosuch"]))),
            (4, hang_up),
            (3, lambda: raw(rnd.choice([b"GET / HTTP/1.1\r\n\r\n", b"\x00\x00\x00\x00", b""]))),
            (2, lambda: self.sql(f"SELECT repeat('x', {rnd.randint(70, 200)}000)", rnd.choice(users), db="bench")),
            (1, crowd),
            (2, event),
            (1, lambda: self.sql(f"SET GLOBAL event_scheduler = {rnd.choice(['ON', 'OFF'])}", user="root")),
            (1, lambda: self.sql("FLUSH PRIVILEGES; FLUSH TABLES", user="root")),
            (1, restart),
            (2, lambda: time.sleep(rnd.uniform(0.2, 1.5))),
        ]
        run_actions(rnd, choices, actions)


class Lighttpd:
    name = "Lighttpd"
    # "(response.c.422) " names the call site: it is the label itself, so it goes in no column the miner reads.
    line = re.compile(r"^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d): \(([\w-]+)\.c\.\d+\) (.*)$")

    def __init__(self, work):
        self.server = "/usr/sbin/lighttpd"
        if not os.path.exists(self.server):
            sys.exit("loghub-from-servers: no lighttpd (apt-get install lighttpd)")
        self.work = work
        self.www = os.path.join(work, "www")
        self.log = os.path.join(work, "error.log")
        self.port = free_port()
        self.process = None

    def formats(self):
        found = binary_strings(self.server)
        for module in glob.glob("/usr/lib/lighttpd/mod_*.so"):
            found |= binary_strings(module)
        return found

    def parse(self, lines):
        for line in lines:
            m = self.line.match(line)
            if m:
                date, clock, source, content = m.groups()
                yield date, clock, "", "", content, (content, "")

    def start(self):
        conf = os.path.join(self.work, "lighttpd.conf")
        if not os.path.exists(conf):
            for path in ("index.html", "a.txt", "b.css", "img/logo.png", "docs/guide.html", "docs/faq.txt",
                         "private/report.txt", "notes.inc", "backup~"):
                os.makedirs(os.path.dirname(os.path.join(self.www, path)), exist_ok=True)
                with open(os.path.join(self.www, path), "w") as f:
                    f.write(path * 50)
            with open(os.path.join(self.work, "users"), "w") as f:
                f.write("alice:secret\nbob:hunter2\n")
            with open(conf, "w") as f:
                f.write(f"""server.document-root = "{self.www}"
server.port = {self.port}
server.bind = "127.0.0.1"
server.errorlog = "{self.log}"
server.pid-file = "{self.work}/pid"
server.modules = ("mod_access", "mod_auth", "mod_authn_file", "mod_status", "mod_redirect", "mod_rewrite",
                  "mod_dirlisting", "mod_staticfile")
server.max-keep-alive-requests = 4
server.max-request-field-size = 2048
index-file.names = ("index.html")
mimetype.assign = (".html" => "text/html", ".txt" => "text/plain", ".css" => "text/css", ".png" => "image/png")
url.access-deny = ("~", ".inc")
dir-listing.activate = "enable"
status.status-url = "/server-status"
url.redirect = ("^/old/(.*)$" => "/docs/$1")
url.rewrite-once = ("^/r/(\\d+)$" => "/a.txt?id=$1")
auth.backend = "plain"
auth.backend.plain.userfile = "{self.work}/users"
auth.require = ("/private/" => ("method" => "basic", "realm" => "staff", "require" => "valid-user"))
debug.log-request-handling = "enable"
debug.log-file-not-found = "enable"
debug.log-request-header-on-error = "enable"
""")
        self.process = subprocess.Popen([self.server, "-D", "-f", conf], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        self.wait_port()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def drive(self, rnd, actions):
        try:
            self.start()
            self.workload(rnd, actions)
        finally:
            self.stop()
        return open(self.log, encoding="utf-8", errors="replace").read().split("\n")

    def send(self, data, hold=0.0):
        """Sends raw bytes and reads the answer, so that the server logs before the next action."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=2) as s:
                s.sendall(data)
                time.sleep(hold)
                while s.recv(65536):
                    pass
        except OSError:
            pass

    def workload(self, rnd, actions):
        files = ["/", "/index.html", "/a.txt", "/b.css", "/img/logo.png", "/docs/", "/docs/guide.html",
                 "/docs/faq.txt", "/img/"]
        users = [("alice", "secret"), ("bob", "hunter2"), ("alice", "wrong"), ("mallory", "x"), None]

        def request(method, path, headers=(), version="HTTP/1.1", close=True):
            head = [f"{method} {path} {version}", "Host: 127.0.0.1"] + list(headers)
            if close:
                head.append("Connection: close")
            return ("\r\n".join(head) + "\r\n\r\n").encode()

        def query():
            return rnd.choice(["", "", f"?id={rnd.randint(1, 999)}", f"?q=term{rnd.randint(1, 50)}&page=2"])

        def auth():
            user = rnd.choice(users)
            extra = [] if user is None else \
                ["Authorization: Basic " + base64.b64encode(f"{user[0]}:{user[1]}".encode()).decode()]
            self.send(request("GET", rnd.choice(["/private/", "/private/report.txt", "/private/x"]), extra))

        def keep_alive():
            self.send(b"".join(request("GET", rnd.choice(files) + query(), close=False)
                               for _ in range(rnd.randint(2, 6))), hold=0.1)

        def garbage():
            self.send(rnd.choice([
                b"GARBAGE\r\n\r\n", b"GET / HTTP/1.1\r\n\r\n", b"GET /a.txt HTTP/3.0\r\nHost: x\r\n\r\n",
                b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: x\r\n\r\n",
                b"GET /" + b"a" * 3000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
                b"GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n", b"GET http://example.org/ HTTP/1.1\r\n\r\n",
                b"POST /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", b"",
                b"GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n"]))

        def restart():
            self.process.send_signal(signal.SIGUSR1)  # graceful restart: finishes requests, reads the config again
            time.sleep(0.5)
            self.wait_port()

        choices = [
            (30, lambda: self.send(request("GET", rnd.choice(files) + query()))),
            (10, lambda: self.send(request("GET", rnd.choice(["/missing", "/img/", "/docs/"]) +
                                           f"file{rnd.randint(1, 300)}.{rnd.choice(['html', 'php', 'txt'])}"))),
            (8, auth),
            (3, lambda: self.send(request("GET", rnd.choice(["/notes.inc", "/backup~", "/docs/old.inc"])))),
            (4, lambda: self.send(request("GET", rnd.choice([f"/old/page{rnd.randint(1, 40)}.html",
                                                             f"/r/{rnd.randint(1, 999)}"])))),
            (2, lambda: self.send(request("GET", "/server-status" + rnd.choice(["", "?auto"])))),
            (4, lambda: self.send(request(rnd.choice(["HEAD", "POST", "PUT", "DELETE", "OPTIONS", "BREW"]),
                                          rnd.choice(files), ["Content-Length: 0"]))),
            (3, lambda: self.send(request("GET", rnd.choice(files[1:5]), [rnd.choice([
                f"Range: bytes={rnd.randint(0, 9)}-{rnd.randint(10, 99)}", "Range: bytes=999999-",
                "If-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT", "If-None-Match: \"x\""])]))),
            (4, keep_alive),
            (5, garbage),
            (1, restart),
            (2, lambda: time.sleep(rnd.uniform(0.1, 0.5))),
        ]
        run_actions(rnd, choices, actions)

    def wait_port(self):
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)


class Proftpd(Stamped):
    name = "ProFTPD"
    # After the stamp as read, its own: "host proftpd[pid] server (client[address]): " heads each line of a session.
    line = re.compile(r"^\S+ \S+ (\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d),\d{3} \S+ proftpd\[(\d+)\](?: [^:]*)?: (.*)$")

    def __init__(self, work):
        self.server = "/usr/sbin/proftpd"
        if not os.path.exists(self.server) or not shutil.which("openssl"):
            sys.exit("loghub-from-servers: no proftpd and openssl (apt-get install proftpd-core openssl)")
        if os.geteuid() != 0:
            sys.exit("loghub-from-servers: proftpd needs root (it changes to its users)")
        super().__init__(os.path.join(work, "proftpd.log"))
        self.work = work
        self.root = os.path.join(work, "root")
        self.port = free_port()
        self.users = {"alice": "secret", "bob": "hunter2"}

    def formats(self):
        found = binary_strings(self.server)
        for module in glob.glob("/usr/lib/proftpd/mod_*.so"):
            found |= binary_strings(module)
        return found

    def parse(self, lines):
        for line in lines:
            m = self.line.match(line)
            if m:
                date, clock, pid, content = m.groups()
                yield date, clock, pid, "", content, (content, "")

    def start(self):
        conf = os.path.join(self.work, "proftpd.conf")
        if not os.path.exists(conf):
            os.chmod(self.work, 0o711)  # the session, as its user, goes through it to its root
            os.makedirs(os.path.join(self.root, "pub"))
            for name in ("readme.txt", "pub/data.bin", "pub/notes.txt"):
                with open(os.path.join(self.root, name), "w") as f:
                    f.write(name * 100)
            for d, _, names in os.walk(self.root):
                os.chown(d, 2001, 2001)
                for n in names:
                    os.chown(os.path.join(d, n), 2001, 2001)
            with open(os.path.join(self.work, "passwd"), "w") as f:
                for user, password in self.users.items():
                    hashed = subprocess.run(["openssl", "passwd", "-1", password], check=True, capture_output=True,
                                            text=True).stdout.strip()
                    f.write(f"{user}:{hashed}:2001:2001::{self.root}:/bin/sh\n")
            with open(os.path.join(self.work, "group"), "w") as f:
                f.write("ftp:x:2001:\n")
            os.chmod(os.path.join(self.work, "passwd"), 0o600)
            os.chmod(os.path.join(self.work, "group"), 0o600)
            with open(conf, "w") as f:
                f.write(f"""ServerType standalone
Port {self.port}
DefaultAddress 127.0.0.1
SocketBindTight on
UseIPv6 off
UseReverseDNS off
User nobody
Group nogroup
ScoreboardFile {self.work}/scoreboard
PidFile {self.work}/pid
DelayTable none
WtmpLog off
TransferLog none
RequireValidShell off
AuthOrder mod_auth_file.c
AuthUserFile {self.work}/passwd
AuthGroupFile {self.work}/group
DefaultRoot ~
MaxLoginAttempts 2
TimeoutIdle 3
TimeoutLogin 3
MaxClients 8
<Directory {self.root}/pub>
  <Limit DELE RNFR RNTO>
    DenyAll
  </Limit>
</Directory>
""")
        self.spawn([self.server, "-n", "-d", "2", "-c", conf])
        self.wait_port(self.port)

    def drive(self, rnd, actions):
        try:
            self.start()
            self.workload(rnd, actions)
        finally:
            self.halt()
        return open(self.log, encoding="utf-8", errors="replace").read().split("\n")

    def workload(self, rnd, actions):
        def session(user=None, password=None):
            ftp = ftplib.FTP()
            ftp.connect("127.0.0.1", self.port, timeout=5)
            if user is None:
                user = rnd.choice(list(self.users))
                password = self.users[user]
            ftp.login(user, password)
            return ftp

        def attempt(step):
            try:
                step()
            except (ftplib.Error, OSError, EOFError):
                pass

        def work():
            ftp = session()
            for _ in range(rnd.randint(1, 5)):
                name = f"f{rnd.randint(1, 60)}.{rnd.choice(['txt', 'log', 'bin'])}"
                attempt(rnd.choice([
                    lambda: ftp.nlst(rnd.choice(["", "pub", "nosuch"])),
                    lambda: ftp.retrlines("LIST " + rnd.choice(["", "pub", "/"]), lambda line: None),
                    lambda: ftp.storbinary("STOR " + rnd.choice(["", "pub/", "nosuch/"]) + name,
                                           io.BytesIO(b"x" * rnd.randint(1, 5000))),
                    lambda: ftp.retrbinary("RETR " + rnd.choice(["readme.txt", "pub/data.bin", name]),
                                           lambda b: None),
                    lambda: ftp.delete(rnd.choice(["", "pub/"]) + name),
                    lambda: ftp.mkd(f"dir{rnd.randint(1, 20)}"),
                    lambda: ftp.rmd(f"dir{rnd.randint(1, 20)}"),
                    lambda: ftp.rename(rnd.choice(["readme.txt", "pub/notes.txt", name]), f"r{rnd.randint(1, 9)}"),
                    lambda: ftp.cwd(rnd.choice(["pub", "/", "nosuch", ".."])),
                    lambda: ftp.sendcmd(rnd.choice(["SITE CHMOD 600 readme.txt", "SITE HELP", "SYST", "STAT",
                                                    "FEAT", "SIZE readme.txt", "MDTM nosuch", "BOGUS", "SITE X"])),
                ]))
            attempt(ftp.quit)

        def failed_login():
            user = rnd.choice(list(self.users) + ["admin", "root", "ftp", f"user{rnd.randint(1, 40)}"])
            attempt(lambda: session(user, "wrong" + str(rnd.randint(1, 99))))

        def too_many():
            def step():
                ftp = ftplib.FTP()
                ftp.connect("127.0.0.1", self.port, timeout=5)
                for _ in range(3):
                    attempt(lambda: ftp.login(rnd.choice(list(self.users)), "bad"))
            attempt(step)

        def raw(data, hold):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
                    s.recv(256)
                    if data:
                        s.sendall(data)
                    time.sleep(hold)
            except OSError:
                pass

        def idle():  # outlasts TimeoutIdle or TimeoutLogin without holding the workload up
            def step():
                ftp = session() if rnd.random() < 0.5 else ftplib.FTP()
                if ftp.sock is None:
                    ftp.connect("127.0.0.1", self.port, timeout=5)
                time.sleep(4)
                ftp.close()
            threading.Thread(target=attempt, args=(step,), daemon=True).start()

        def reload():
            self.process.send_signal(signal.SIGHUP)
            time.sleep(0.5)
            self.wait_port(self.port)

        choices = [
            (30, lambda: attempt(work)),
            (12, failed_login),
            (3, too_many),
            (4, lambda: raw(rnd.choice([b"GET / HTTP/1.1\r\n\r\n", b"\x16\x03\x01\x00", b"", b"USER\r\n",
                                        b"PASS x\r\n", b"QUIT\r\n"]), 0.2)),
            (2, idle),
            (1, reload),
            (2, lambda: time.sleep(rnd.uniform(0.1, 0.5))),
        ]
        run_actions(rnd, choices, actions)
        time.sleep(4)  # the idle sessions time out


class Named(Stamped):
    name = "BIND"
    actions = 1300  # 900 actions gave some 2,000 lines, a fifth of them composed
    # After the stamp as read, its own (named -g); a client's or a zone's messages come after a prefix that one format
    # of its own prints ("client @%p %s%s%s%s%s%s%s%s: %s", "zone %s%s%s%s: %s"): like ProFTPD's session header, it
    # goes in no column the miner reads, and the message after it is labelled by the format that prints it.
    line = re.compile(r"^\S+ \S+ (\d\d-\w{3}-\d{4}) (\d\d:\d\d:\d\d\.\d{3}) (?:client @0x[0-9a-f]+ [\d.]+#\d+"
                      r"(?: \([^)]*\))?(?: [^:]*)?: |zone [^ :]+: |managed-keys-zone: )?(.*)$")

    def __init__(self, work):
        self.server = "/usr/sbin/named"
        if not os.path.exists(self.server):
            sys.exit("loghub-from-servers: no named (apt-get install bind9)")
        super().__init__(os.path.join(work, "named.log"))
        self.work = work
        self.port = free_port()
        self.serial = 1

    def formats(self):
        found = binary_strings(self.server)
        for lib in glob.glob("/lib/x86_64-linux-gnu/lib*-9.*.so") + glob.glob("/usr/lib/*/lib*-9.*.so"):
            if re.search(r"/lib(isc|dns|ns|isccfg|isccc|bind9)-9", lib):
                found |= binary_strings(lib)
        return found

    def parse(self, lines):
        for line in lines:
            m = self.line.match(line)
            if m:
                date, clock, content = m.groups()
                date = datetime.datetime.strptime(date, "%d-%b-%Y").strftime("%Y-%m-%d")
                yield date, clock, "", "", content, (content, "")

    def zone(self, name, serial, hosts):
        with open(os.path.join(self.work, name + ".zone"), "w") as f:
            f.write(f"$TTL 300\n@ IN SOA ns1.{name}. admin.{name}. {serial} 3600 600 86400 300\n"
                    f"@ IN NS ns1.{name}.\nns1 IN A 127.0.0.1\n@ IN MX 10 mail.{name}.\n"
                    f"@ IN TXT \"v=spf1 -all\"\n")
            f.writelines(f"{h} IN A 127.0.{i // 250}.{i % 250 + 1}\n" for i, h in enumerate(hosts))

    def start(self):
        conf = os.path.join(self.work, "named.conf")
        if not os.path.exists(conf):
            self.zone("example.org", 1, ["www", "mail", "db", "api", "cdn"])
            self.zone("example.net", 1, ["www", "vpn", "git"])
            with open(conf, "w") as f:
                f.write(f"""options {{
  directory "{self.work}";
  listen-on port {self.port} {{ 127.0.0.1; }};
  listen-on-v6 {{ none; }};
  pid-file "{self.work}/pid";
  session-keyfile "{self.work}/session.key";
  managed-keys-directory "{self.work}";
  recursion no;
  querylog yes;
  dnssec-validation no;
  allow-transfer {{ none; }};
  rate-limit {{ responses-per-second 8; window 2; }};
}};
controls {{ }};
zone "example.org" {{ type primary; file "example.org.zone"; allow-update {{ 127.0.0.1; }};
                      allow-transfer {{ 127.0.0.1; }}; notify no; }};
zone "example.net" {{ type primary; file "example.net.zone"; notify no; }};
zone "broken.test" {{ type primary; file "nosuch.zone"; }};
""")
        self.spawn([self.server, "-g", "-4", "-n", "1", "-c", conf])
        self.wait_port(self.port)

    def drive(self, rnd, actions):
        try:
            self.start()
            self.workload(rnd, actions)
        finally:
            self.halt()
        return open(self.log, encoding="utf-8", errors="replace").read().split("\n")

    @staticmethod
    def packet(rnd, name, qtype, qclass=1, opcode=0, flags=0x0100, edns=False, updates=b"", count=0):
        head = struct.pack(">HHHHHH", rnd.randint(0, 65535), (opcode << 11) | flags, 1, 0, count,
                           1 if edns else 0)
        question = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".") if p) + b"\0"
        opt = b"\0" + struct.pack(">HHIH", 41, 1232, 0, 0) if edns else b""
        return head + question + struct.pack(">HH", qtype, qclass) + updates + opt

    def send(self, data, tcp=False, hold=0.0):
        """Sends a message and reads the answer (or times out), so that the server logs before the next action."""
        try:
            if tcp:
                with socket.create_connection(("127.0.0.1", self.port), timeout=2) as s:
                    s.sendall(struct.pack(">H", len(data)) + data)
                    time.sleep(hold)
                    while s.recv(65536):
                        pass
            else:
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                    s.settimeout(0.15)  # a rate-limited answer never comes
                    s.sendto(data, ("127.0.0.1", self.port))
                    s.recv(65536)
        except OSError:
            pass

    def workload(self, rnd, actions):
        zones = ["example.org", "example.net"]
        types = {"A": 1, "NS": 2, "SOA": 6, "MX": 15, "TXT": 16, "AAAA": 28, "ANY": 255}
        added = []

        def name():
            return rnd.choice(["www", "mail", "db", "api", "cdn", "vpn", "git", "nosuch", f"h{rnd.randint(1, 80)}",
                               ""]) + "." + rnd.choice(zones)

        def query():
            self.send(self.packet(rnd, name(), types[rnd.choice(list(types))], edns=rnd.random() < 0.5),
                      tcp=rnd.random() < 0.2)

        def elsewhere():  # not a zone of its own, and no recursion
            self.send(self.packet(rnd, rnd.choice(["www.google.com", "example.com", "localhost",
                                                   "1.0.0.127.in-addr.arpa", "broken.test", "a.root-servers.net"]),
                                  rnd.choice([1, 28, 2])))

        def burst():  # past the rate limit
            target = name()
            for _ in range(rnd.randint(10, 30)):
                self.send(self.packet(rnd, target, 1))

        def rr(owner, rtype, ttl, rdata, rclass=1):
            return (b"".join(bytes([len(p)]) + p.encode() for p in owner.split(".") if p) + b"\0" +
                    struct.pack(">HHIH", rtype, rclass, ttl, len(rdata)) + rdata)

        def update():
            zone = rnd.choice(zones + ["other.test"])
            if added and rnd.random() < 0.4:
                host = added.pop(rnd.randrange(len(added)))
                body = rr(host, 255, 0, b"", rclass=255)  # delete every record of a name
            else:
                host = f"h{rnd.randint(1, 80)}.{zone}"
                body = rr(host, 1, 300, bytes([127, 0, 9, rnd.randint(1, 254)]))
                if zone == "example.org":
                    added.append(host)
            self.send(self.packet(rnd, zone, 6, opcode=5, flags=0, updates=body, count=1), tcp=rnd.random() < 0.3)

        def transfer():
            self.send(self.packet(rnd, rnd.choice(zones + ["other.test"]), rnd.choice([252, 252, 251]), flags=0),
                      tcp=True)

        def notify():
            self.send(self.packet(rnd, rnd.choice(zones + ["other.test"]), 6, opcode=4, flags=0x0400))

        def garbage():
            self.send(rnd.choice([b"\x00" * 12, b"GET / HTTP/1.1\r\n\r\n", os.urandom(rnd.randint(1, 40)),
                                  self.packet(rnd, "www.example.org", 1)[:rnd.randint(12, 20)],
                                  self.packet(rnd, "www.example.org", 1, opcode=rnd.choice([1, 2, 3, 6]))]),
                      tcp=rnd.random() < 0.3)

        def reload():
            if rnd.random() < 0.5:
                self.serial += 1
                self.zone("example.net", self.serial, ["www", "vpn", "git"] + [f"n{i}" for i in
                                                                            range(rnd.randint(0, 6))])
            self.process.send_signal(signal.SIGHUP)
            time.sleep(0.5)

        choices = [
            (40, query),
            (8, elsewhere),
            (3, burst),
            (8, update),
            (4, transfer),
            (3, notify),
            (5, garbage),
            (1, reload),
            (2, lambda: time.sleep(rnd.uniform(0.1, 0.5))),
        ]
        run_actions(rnd, choices, actions)


class Tinyproxy:
    name = "Tinyproxy"
    # "CONNECT   Nov 28 09:03:12.277 [28877]: ...": its own stamp has no year, so the year is the run's.
    line = re.compile(r"^([A-Z]+) +(\w{3} +\d+) (\d\d:\d\d:\d\d\.\d{3}) \[(\d+)\]: (.*)$")

    def __init__(self, work):
        self.server = "/usr/bin/tinyproxy"
        if not os.path.exists(self.server):
            sys.exit("loghub-from-servers: no tinyproxy (apt-get install tinyproxy)")
        self.work = work
        self.log = os.path.join(work, "tinyproxy.log")
        self.port = free_port()
        self.process = None
        self.backend = None
        self.origin = None
        self.year = datetime.datetime.utcnow().year

    def formats(self):
        return binary_strings(self.server)

    def parse(self, lines):
        for line in lines:
            m = self.line.match(line)
            if m:
                level, day, clock, pid, content = m.groups()
                date = datetime.datetime.strptime(f"{self.year} {day}", "%Y %b %d").strftime("%Y-%m-%d")
                yield date, clock, pid, level, content, (content, "")

    def start_backend(self):
        """An origin server on loopback, so that no request leaves the machine."""
        class Origin(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path.startswith("/slow"):
                    time.sleep(3)  # past the proxy's Timeout
                if self.path.startswith("/drop"):
                    self.close_connection = True
                    return
                code = 404 if "missing" in self.path else 200
                body = (self.path * 20).encode()
                self.send_response(code)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_HEAD = do_GET

            def log_message(self, *args):
                pass

        class Server(http.server.ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass  # a client the proxy dropped

        self.backend = Server(("127.0.0.1", 0), Origin)
        threading.Thread(target=self.backend.serve_forever, daemon=True).start()
        return self.backend.server_address[1]

    def start(self):
        conf = os.path.join(self.work, "tinyproxy.conf")
        if not os.path.exists(conf):
            origin = self.start_backend()
            with open(os.path.join(self.work, "filter"), "w") as f:
                f.write("ads\ntracker\n")
            with open(conf, "w") as f:
                f.write(f"""Port {self.port}
Listen 127.0.0.1
Timeout 2
LogLevel Info
MaxClients 8
Allow 127.0.0.1
ConnectPort 443
ConnectPort {origin}
PidFile "{self.work}/pid"
Filter "{self.work}/filter"
StatHost "tinyproxy.stats"
XTinyproxy Yes
ViaProxyName "vigil"
Upstream http 127.0.0.1:{origin} ".up.test"
Upstream none "127.0.0.1"
ReversePath "/rev/" "http://127.0.0.1:{origin}/"
""")
            self.origin = origin
        self.process = subprocess.Popen([self.server, "-d", "-c", conf], stdout=open(self.log, "a"),
                                        stderr=subprocess.STDOUT)
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.backend:
            self.backend.shutdown()
            self.backend.server_close()

    def drive(self, rnd, actions):
        try:
            self.start()
            self.workload(rnd, actions)
        finally:
            self.stop()
        return open(self.log, encoding="utf-8", errors="replace").read().split("\n")

    def send(self, data, hold=0.0, source="127.0.0.1"):
        """Sends raw bytes and reads the answer, so that the server logs before the next action."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=4, source_address=(source, 0)) as s:
                if data:
                    s.sendall(data)
                time.sleep(hold)
                while s.recv(65536):
                    pass
        except OSError:
            pass

    def workload(self, rnd, actions):
        origin = f"127.0.0.1:{self.origin}"
        paths = ["/", "/index.html", "/a.txt", "/img/logo.png", "/missing", "/docs/guide.html"]

        def request(method, url, headers=(), version="HTTP/1.1"):
            return ("\r\n".join([f"{method} {url} {version}"] + list(headers)) + "\r\n\r\n").encode()

        def url(host=origin):
            return f"http://{host}{rnd.choice(paths)}" + rnd.choice(["", "", f"?id={rnd.randint(1, 999)}"])

        def connect():
            port = rnd.choice([self.origin, self.origin, 443, 22, 25, 8443])
            self.send(request("CONNECT", f"127.0.0.1:{port}") + (request("GET", "/") if port == self.origin
                                                                   else b""), hold=0.1)

        def garbage():
            self.send(rnd.choice([b"GARBAGE\r\n\r\n", b"GET\r\n\r\n", b"GET / HTTP/1.1\r\n\r\n",
                                  request("GET", url(), ["Bad Header"]), b"",
                                  request("GET", "http://" + origin + "/" + "a" * 9000),
                                  request("BREW", url()), request("GET", "ftp://127.0.0.1/file"),
                                  request("GET", "http:///nohost")]))

        def restart():
            self.process.send_signal(signal.SIGUSR1)  # reads its configuration again
            time.sleep(0.3)

        choices = [
            (30, lambda: self.send(request(rnd.choice(["GET", "GET", "HEAD", "POST"]), url(),
                                           ["Host: " + origin, "Content-Length: 0"]))),
            (6, lambda: self.send(request("GET", url(f"127.0.0.1:{rnd.choice([1, 9, 81, 8081])}")))),
            (5, lambda: self.send(request("GET", url(f"{rnd.choice(['ads', 'tracker', 'www'])}.up.test")))),
            (4, lambda: self.send(request("GET", f"http://{origin}/{rnd.choice(['ads', 'tracker'])}"
                                                 f"/{rnd.randint(1, 99)}.js"))),
            (5, lambda: self.send(request("GET", "/rev" + rnd.choice(paths), ["Host: 127.0.0.1"]))),
            (5, connect),
            (3, lambda: self.send(request("GET", url(), [f"Host: {origin}"]), source="127.0.0.2")),
            (2, lambda: self.send(request("GET", "http://tinyproxy.stats/"))),
            (3, lambda: self.send(request("GET", f"http://{origin}/{rnd.choice(['slow', 'drop'])}"))),
            (3, lambda: self.send(b"GET http://" + origin.encode() + b"/ HTTP/1.1\r\n", hold=2.5)),
            (5, garbage),
            (1, restart),
            (2, lambda: time.sleep(rnd.uniform(0.1, 0.5))),
        ]
        run_actions(rnd, choices, actions)


SYSTEMS = {"bind": Named, "lighttpd": Lighttpd, "mariadb": MariaDB, "mosquitto": Mosquitto, "openldap": Slapd,
           "openssh": Sshd, "postgres": Postgres, "proftpd": Proftpd, "redis": Redis, "tinyproxy": Tinyproxy}


def label(system, lines, formats):
    """The lines one format prints whole, with their events; how many were left out, and why."""
    kept, multi, unexplained = [], 0, {}
    parsed = system.parse(lines)
    for raw, row in zip((l for l in lines if system.line.match(l)), parsed):
        if row is None:
            multi += 1
            continue
        date, clock, pid, level, content, (matched, suffix) = row
        template = formats.template(matched)
        if template is None:
            unexplained[content[:60]] = unexplained.get(content[:60], 0) + 1
            continue
        kept.append((date, clock, pid, level, content, template + suffix, raw))
    return kept, multi, unexplained


def write(out, name, rows):
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    ids, counts = {}, {}
    for row in rows:
        ids.setdefault(row[5], "E%d" % (len(ids) + 1))
        counts[row[5]] = counts.get(row[5], 0) + 1
    with open(os.path.join(d, f"{name}_2k.log"), "w") as f:
        f.writelines(row[6] + "\n" for row in rows)
    with open(os.path.join(d, f"{name}_2k.log_structured.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["LineId", "Date", "Time", "Pid", "Level", "Content", "EventId", "EventTemplate"])
        for n, (date, clock, pid, level, content, template, _) in enumerate(rows, 1):
            w.writerow([n, date, clock, pid, level, content, ids[template], template])
    with open(os.path.join(d, f"{name}_2k.log_templates.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["EventId", "EventTemplate", "Occurrences"])
        for template, eid in ids.items():
            w.writerow([eid, template, counts[template]])
    return len(ids)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--system", required=True, choices=sorted(SYSTEMS), help="the server to run")
    ap.add_argument("--out", required=True, help="directory to write <System>/ into")
    ap.add_argument("--lines", type=int, default=2000, help="lines in the sample (default 2000)")
    ap.add_argument("--seed", type=int, default=1, help="random seed of the workload and the sample (default 1)")
    ap.add_argument("--actions", type=int, help="workload actions (default 900; MariaDB 1300)")
    ap.add_argument("--from-log", help="label this log (OUT/<system>-full.log of an earlier run), run no server")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="vigil-logs-")
    try:
        system = SYSTEMS[args.system](work)
        rnd = random.Random(args.seed)
        os.makedirs(args.out, exist_ok=True)
        full = os.path.join(args.out, f"{args.system}-full.log")
        if args.from_log:
            lines = open(args.from_log, encoding="utf-8", errors="replace").read().split("\n")
        else:
            lines = system.drive(rnd, args.actions or getattr(system, "actions", 900))
            with open(full, "w") as f:
                f.write("\n".join(lines))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    kept, multi, unexplained = label(system, lines, Formats(sorted(system.formats())))
    if len(kept) > args.lines:
        kept = [kept[i] for i in sorted(random.Random(args.seed).sample(range(len(kept)), args.lines))]
    events = write(args.out, system.name, kept)
    print(f"{system.name}: {len(kept)} lines, {events} events; left out: {multi} multi-line messages, "
          f"{sum(unexplained.values())} lines no single format prints ({len(unexplained)} kinds)", file=sys.stderr)
    for key, n in sorted(unexplained.items(), key=lambda kv: -kv[1])[:10]:
        print(f"  {n:5d}  {key}", file=sys.stderr)


if __name__ == "__main__":
    main()

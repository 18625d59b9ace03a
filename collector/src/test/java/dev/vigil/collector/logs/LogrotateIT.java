package dev.vigil.collector.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.collector.delivery.RecordingOutbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** Rotation by Debian's own logrotate, rename and copytruncate, while a writer appends lines. */
class LogrotateIT {
    /** Options of Debian's own daily rotations: the previous generation stays plain for one more rotation. */
    private static final String DAILY = "compress\n  delaycompress";

    @TempDir
    Path dir;
    /** The log of every test: dir/app.log. */
    private Path log;
    /** Where the tailers of a test publish. */
    private final RecordingOutbox outbox = new RecordingOutbox();
    /** logs.rotated.dirs of the tailers of a test. */
    private List<String> rotatedDirs = List.of();

    @BeforeEach
    void log() {
        log = dir.resolve("app.log");
    }

    @BeforeAll
    static void installLogrotate() throws Exception {
        if (run("sh", "-c", "command -v logrotate || test -x /usr/sbin/logrotate") == 0) {
            return;
        }
        final boolean root = "root".equals(System.getProperty("user.name"));
        if (!root || run("sh", "-c", "apt-get install -y -qq logrotate >/dev/null 2>&1 "
                + "|| (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq logrotate >/dev/null 2>&1)") != 0) {
            throw new AssertionError("this test needs Debian's logrotate: install it with "
                    + "'apt-get install logrotate' (it could not be installed automatically"
                    + (root ? "" : ": not running as root") + ")");
        }
    }

    private static int run(final String... command) throws Exception {
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(300, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    private static String logrotate() {
        return Files.isExecutable(Path.of("/usr/sbin/logrotate")) ? "/usr/sbin/logrotate" : "logrotate";
    }

    @ParameterizedTest
    @ValueSource(strings = {"nocreate", "copytruncate"})
    void shouldLoseAndRepeatNoLineWhileLogrotateRotates(final String method) throws Exception {
        final Path conf = dir.resolve("logrotate.conf");
        Files.writeString(conf, log + " {\n  rotate 100\n  " + method + "\n  missingok\n  nocompress\n}\n");
        Files.writeString(log, "");
        final AtomicBoolean writing = new AtomicBoolean(true);
        final AtomicInteger written = new AtomicInteger();
        final Thread writer = new Thread(() -> {
            while (writing.get()) {
                try {
                    // Open, append, close per line: the writer follows a rename at its next line.
                    Files.writeString(log, "line " + written.get() + "\n", StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
                    written.incrementAndGet();
                    Thread.sleep(1);
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        try (LogTailer tailer = new LogTailer(new LogTailer.Options(List.of(log.toString()), false, 50, 1000,
                new LineFormat(StandardCharsets.UTF_8, null, 500, 1_000_000_000L, 16_384, 65_536)),
                dir.resolve("state"), outbox, "h", Clock.systemUTC()).start()) {
            writer.start();
            for (int i = 0; i < 4; i++) {
                Thread.sleep(700);
                logrotate(conf);
            }
            Thread.sleep(500);
            writing.set(false);
            writer.join();
            final Set<String> onDisk = linesOnDisk();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!new HashSet<>(outbox.messages()).containsAll(onDisk) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Thread.sleep(500); // a repeat would show up within a few polls
            final List<String> got = outbox.messages();
            assertEquals(got.size(), new HashSet<>(got).size(), "a line was published twice");
            assertTrue(new HashSet<>(got).containsAll(onDisk), "lines lost: " + missing(onDisk, got));
            final Set<String> writtenLines = new HashSet<>();
            for (int i = 0; i < written.get(); i++) {
                writtenLines.add("line " + i);
            }
            assertTrue(writtenLines.containsAll(got), "a line was invented");
            if (method.equals("nocreate")) {
                assertEquals(written.get(), got.size(), "rename rotation keeps every line on disk");
            }
            System.err.printf("logrotate %s: %d lines written, %d on disk, %d published, %d rotated files%n", method,
                    written.get(), onDisk.size(), got.size(), rotatedFiles());
        }
    }

    /**
     * {@code dateext} with {@code extension .log} names the rotated file app-20261127.log: not app.log-anything. The
     * rest of the file must still be found, after a stop (create) and while running (copytruncate).
     */
    @ParameterizedTest
    @ValueSource(strings = {"create", "copytruncate"})
    void shouldFindTheRestOfAFileRotatedToADatedNameWithItsExtensionKept(final String method) throws Exception {
        rotateWhileLinesAreUnread(method, "dateext\n  extension .log", "app-\\d{8}\\.log");
    }

    /**
     * {@code compress} without {@code delaycompress}: the rotated file is compressed (and the plain one removed) by
     * the same logrotate run, before the agent reads its rest: after a stop (create), and while running
     * (copytruncate); with gzip, logrotate's default, and with the other {@code compresscmd}s logrotate's manual names.
     */
    @ParameterizedTest
    @CsvSource({"create,gzip,.gz", "copytruncate,gzip,.gz", "create,bzip2,.bz2", "copytruncate,bzip2,.bz2",
        "create,xz,.xz", "copytruncate,xz,.xz", "create,zstd,.zst", "copytruncate,zstd,.zst"})
    void shouldReadTheRestOfAFileCompressedByTheRotation(final String method, final String compressor,
                                                         final String extension) throws Exception {
        final String cmd = "/usr/bin/" + compressor;
        Assumptions.assumeTrue(Files.isExecutable(Path.of(cmd)), cmd + " is not installed");
        rotateWhileLinesAreUnread(method, "compress\n  compresscmd " + cmd + "\n  compressext " + extension
                + "\n  compressoptions -q", "app\\.log\\.1\\" + extension);
    }

    /**
     * {@code olddir}: logrotate moves each rotation to another directory, named to the agent by logs.rotated.dirs
     * (relative to the log's directory, as logrotate takes it, or absolute). The rest of the file the agent was
     * reading is found there, moved while the agent was stopped, compressed by the rotation, or truncated in place.
     */
    @ParameterizedTest
    @CsvSource({"create,nocompress", "create,compress", "copytruncate,compress", "create,compress\n  delaycompress"})
    void shouldFindTheRestOfAFileMovedToLogrotatesOlddir(final String method, final String compression)
            throws Exception {
        Files.createDirectory(dir.resolve("old"));
        rotatedDirs = List.of("old");
        rotateWhileLinesAreUnread(method, "olddir old\n  " + compression,
                compression.equals("compress") ? "app\\.log\\.1\\.gz" : "app\\.log\\.1", dir.resolve("old"));
    }

    /** Two rotations while stopped, into an olddir given as an absolute path: the generation between is read too. */
    @Test
    void shouldReadAGenerationRotatedUnseenIntoAnOlddir() throws Exception {
        final Path old = Files.createDirectory(dir.resolve("archive"));
        rotatedDirs = List.of(old.toString());
        stoppedOverTwoRotations("create", "olddir " + old + "\n  " + DAILY);
        tailRounds(2);
        assertTrue(Files.exists(old.resolve("app.log.1")) && Files.exists(old.resolve("app.log.2.gz")),
                "logrotate rotated otherwise");
        assertLines(0, 40);
    }

    private void rotateWhileLinesAreUnread(final String method, final String options, final String rotatedName)
            throws Exception {
        rotateWhileLinesAreUnread(method, options, rotatedName, dir);
    }

    private void rotateWhileLinesAreUnread(final String method, final String options, final String rotatedName,
                                           final Path rotatedDir) throws Exception {
        final Path conf = logrotateConf(log, method, options);
        append(log, 0, 10);
        LogTailer tailer = tailer(log, outbox);
        tailer.pollOnce();
        append(log, 10, 20); // not read yet when rotated
        if (method.equals("create")) {
            tailer.close(); // rotated while the agent is stopped
            logrotate(conf);
            tailer = tailer(log, outbox);
        } else {
            logrotate(conf);
        }
        append(log, 20, 30);
        tailer.pollOnce();
        tailer.pollOnce();
        tailer.close();
        try (Stream<Path> files = Files.list(rotatedDir)) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().matches(rotatedName)),
                    "logrotate named its file otherwise");
        }
        assertLines(0, 30);
    }

    /**
     * Stopped over two daily rotations (compress, delaycompress, as Debian's own configurations): the file the agent
     * was reading is app.log.2.gz, a whole generation it never saw is app.log.1, and app.log is new (create) or the
     * same file truncated (copytruncate: its copies start as the file did, the one in app.log.2.gz is read from where
     * the agent stopped). Every line once, in order.
     */
    @ParameterizedTest
    @ValueSource(strings = {"create", "copytruncate"})
    void shouldReadEveryGenerationRotatedInAndOutWhileTheAgentWasStopped(final String method) throws Exception {
        Files.writeString(dir.resolve("app.log.1"), "an old rotation, read before\n");
        stoppedOverTwoRotations(method, DAILY);
        tailRounds(2);
        assertTrue(Files.exists(dir.resolve("app.log.2.gz")) && Files.exists(dir.resolve("app.log.3.gz")),
                "logrotate rotated otherwise");
        assertLines(0, 40);
    }

    /**
     * Stopped over two rotations with {@code compress} and no {@code delaycompress}: the file the agent was reading is
     * compressed (app.log.2.gz, or app.log-YESTERDAY.gz with dateext), and so is the whole generation between
     * (app.log.1.gz, app.log-TODAY.gz), which the agent never saw: it is read after the rest of the first and before
     * the new app.log. An older compressed rotation, read before, is not read again. A {@code dateformat} of day first
     * does not sort by name: their times tell.
     */
    @ParameterizedTest
    @CsvSource({"nodateext,nodateext,app.log.1.gz", "dateext;dateyesterday,dateext,app.log-20000101.gz",
        "dateext;dateyesterday;dateformat -%d%m%Y,dateext;dateformat -%d%m%Y,app.log-01012000.gz"})
    void shouldReadACompressedGenerationRotatedInAndOutWhileTheAgentWasStopped(final String first,
                                                                              final String second,
                                                                              final String oldName)
            throws Exception {
        final Path old = dir.resolve(oldName);
        try (java.io.OutputStream out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(old))) {
            out.write("an old rotation, read before\n".getBytes(StandardCharsets.UTF_8));
        }
        Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.from(java.time.Instant.now()
                .minus(java.time.Duration.ofDays(1))));
        stoppedOverTwoRotations("create", "compress\n  " + first.replace(";", "\n  "),
                "compress\n  " + second.replace(";", "\n  "));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(3, files.filter(p -> p.getFileName().toString().endsWith(".gz")).count(),
                    "logrotate rotated otherwise");
        }
        tailRounds(2);
        assertLines(0, 40);
    }

    /**
     * Stopped over two rotations with {@code compress} (app.log.3.gz read before, app.log.2.gz the rest of the file the
     * agent was reading, app.log.1.gz a generation it never saw), then the compressed rotations lost the times
     * logrotate kept: copied in the order of their names ({@code cp} without {@code -p}: app.log.3.gz, read before, is
     * now the newest), or app.log.1.gz written after the clock was stepped back an hour. Their names and contents tell
     * which is which: every line once, in order.
     */
    @ParameterizedTest
    @ValueSource(strings = {"copied", "clock stepped back"})
    void shouldTellCompressedRotationsByContentAndNameNotByTheirTimes(final String how) throws Exception {
        final Path conf = logrotateConf(log, "create", "compress");
        append(log, 0, 10);
        logrotate(conf);
        append(log, 10, 20);
        tailRounds(1);
        append(log, 20, 30); // not read yet when rotated
        logrotate(conf);
        append(log, 30, 40);
        logrotate(conf);
        append(log, 40, 50);
        if (how.equals("copied")) {
            for (final String n : List.of("app.log.1.gz", "app.log.2.gz", "app.log.3.gz")) {
                assertEquals(0, run("sh", "-c", "cd " + dir + " && cp " + n + " copy && mv copy " + n), "cp " + n);
            }
        } else {
            assertEquals(0, run("touch", "-d", "1 hour ago", dir.resolve("app.log.1.gz").toString()));
        }
        tailRounds(2);
        assertLines(10, 50);
    }

    /**
     * Two rotations between two polls (a busy agent, a size-triggered rotation run often): the generation between was
     * rotated in and out unseen, and is read whole, between the rest of the old file and the new one.
     */
    @ParameterizedTest
    @ValueSource(strings = {"create", "copytruncate"})
    void shouldReadAGenerationRotatedInAndOutBetweenTwoPolls(final String method) throws Exception {
        final Path conf = logrotateConf(log, method, DAILY);
        Files.writeString(dir.resolve("app.log.1"), "an old rotation, read before\n");
        append(log, 0, 10);
        try (LogTailer tailer = tailer(log, outbox)) {
            tailer.pollOnce();
            append(log, 10, 20);
            logrotate(conf);
            append(log, 20, 30);
            logrotate(conf);
            append(log, 30, 40);
            tailer.pollOnce();
            tailer.pollOnce();
        }
        assertLines(0, 40);
    }

    /**
     * copytruncate with {@code compress}, stopped over two rotations: app.log.2.gz is the copy of what the agent was
     * reading (its rest read from where the agent stopped), app.log.1.gz a whole copy it never saw, read after it and
     * before app.log's new content: every line once, in order.
     */
    @Test
    void shouldReadACompressedCopyMadeUnseenWhileTheAgentWasStopped() throws Exception {
        stoppedOverTwoRotations("copytruncate", "compress");
        tailRounds(2);
        assertTrue(Files.exists(dir.resolve("app.log.2.gz")), "logrotate rotated otherwise");
        assertLines(0, 40);
    }

    /**
     * Two rotations between two polls with {@code compress} and no {@code delaycompress}: the generation between is
     * app.log.1.gz, never seen; it is read after the rest of the file the agent holds open (app.log.2.gz now) and
     * before the new app.log. The older rotation app.log.3.gz is not read again.
     */
    @Test
    void shouldReadACompressedGenerationRotatedInAndOutBetweenTwoPolls() throws Exception {
        final Path conf = logrotateConf(log, "create", "compress");
        append(log, 0, 10);
        try (LogTailer tailer = tailer(log, outbox)) {
            tailer.pollOnce();
            logrotate(conf);
            append(log, 10, 20);
            tailer.pollOnce();
            tailer.pollOnce(); // the first rotation read to its end and closed
            append(log, 20, 30);
            logrotate(conf);
            append(log, 30, 40);
            logrotate(conf);
            append(log, 40, 50);
            tailer.pollOnce();
            tailer.pollOnce();
        }
        assertTrue(Files.exists(dir.resolve("app.log.3.gz")), "logrotate rotated otherwise");
        assertLines(0, 50);
    }

    /** One copytruncate while stopped: app.log.1 is a copy of what the agent was reading, not a generation unseen. */
    @Test
    void shouldReadACopyMadeWhileTheAgentWasStoppedFromWhereItStoppedNotWhole() throws Exception {
        final Path conf = logrotateConf(log, "copytruncate", DAILY);
        readTenLinesAndStop();
        append(log, 10, 20);
        logrotate(conf);
        append(log, 20, 30);
        tailRounds(2);
        assertLines(0, 30);
    }

    /**
     * copytruncate while the agent was stopped, 25 MiB unread: the copy is read from where the agent stopped to its
     * end, not only as far as a harvester reads in one round (8 MiB), and no fragment is made a line of its own.
     */
    @Test
    void shouldReadALargeCopyMadeWhileTheAgentWasStoppedToItsEnd() throws Exception {
        final Path conf = logrotateConf(log, "copytruncate", "nocompress");
        readTenLinesAndStop();
        appendPadded(log, 10, BIG);
        logrotate(conf);
        append(log, BIG, BIG + 10);
        tailRounds(2);
        assertBigInOrder(outbox.messages());
    }

    /**
     * A rotation compressed before the agent read its rest ({@code compress} without {@code delaycompress}, rotated
     * while the agent was stopped), of 25 MiB: more than a harvester reads in one round. It is read as it is
     * decompressed, nothing of it written under state.dir; a stop while it is read resumes at the next start where it
     * stopped: every line once, in order.
     */
    @Test
    void shouldStreamALargeCompressedRotationAndResumeItWhereAStopCutItShort() throws Exception {
        final Path conf = logrotateConf(log, "create", "compress");
        readTenLinesAndStop();
        appendPadded(log, 10, BIG);
        logrotate(conf);
        assertTrue(Files.exists(dir.resolve("app.log.1.gz")), "logrotate rotated otherwise");
        append(log, BIG, BIG + 10);
        final Set<String> made = readUntilStopped(log, outbox);
        final int readBeforeTheStop = outbox.messages().size();
        tailRounds(2);
        assertEquals(Set.of(), made, "files made under state.dir while the compressed rotation was read");
        assertTrue(readBeforeTheStop > 10 && readBeforeTheStop < BIG, "not stopped in the middle of the "
                + "rotation: " + readBeforeTheStop + " lines read before the stop");
        assertBigInOrder(outbox.messages());
    }

    /**
     * A stop while the compressed rest of the file is read, with a generation rotated in and out unseen after it (the
     * first rotation compressed at once, the second with delaycompress: app.log.2.gz holds the rest, app.log.1 a whole
     * generation): the next start reads both. The stop keeps the checkpoints' time at the agent's stop before, so the
     * generation, rotated before that stop, is still looked for. Every line once; the order across generations is
     * not asserted: when the filesystem gives the new app.log the inode the agent's file had, its rest is read after
     * the generation.
     */
    @Test
    void shouldStillReadAGenerationRotatedUnseenAfterAStopInTheMiddleOfACompressedRotation() throws Exception {
        readTenLinesAndStop();
        appendPadded(log, 10, BIG);
        logrotate(logrotateConf(log, "create", "compress"));
        append(log, BIG, BIG + 5);
        logrotate(logrotateConf(log, "create", DAILY));
        append(log, BIG + 5, BIG + 10);
        assertTrue(Files.exists(dir.resolve("app.log.2.gz")) && Files.exists(dir.resolve("app.log.1")),
                "logrotate rotated otherwise");
        readUntilStopped(log, outbox);
        tailRounds(2);
        assertBigInOrder(outbox.messages().stream().sorted(java.util.Comparator.comparingInt(
                m -> Integer.parseInt(m.split(" ")[1]))).toList());
    }

    /**
     * A stop while a compressed generation rotated unseen (app.log.1.gz, 25 MiB, rotated in and out while the agent
     * was stopped) is read: the next start resumes it where the stop cut it short, then reads the new app.log. Every
     * line once, in order.
     */
    @Test
    void shouldResumeACompressedGenerationRotatedUnseenWhereAStopCutItShort() throws Exception {
        final Path conf = logrotateConf(log, "create", "compress");
        readTenLinesAndStop();
        logrotate(conf);
        appendPadded(log, 10, BIG);
        logrotate(conf);
        append(log, BIG, BIG + 10);
        assertTrue(Files.exists(dir.resolve("app.log.2.gz")), "logrotate rotated otherwise");
        readUntilStopped(log, outbox);
        final int readBeforeTheStop = outbox.messages().size();
        tailRounds(2);
        assertTrue(readBeforeTheStop > 10 && readBeforeTheStop < BIG, "not stopped in the middle of the "
                + "generation: " + readBeforeTheStop + " lines read before the stop");
        assertBigInOrder(outbox.messages());
    }

    /**
     * Starts a tailer of the log that is told to stop once it has handed its first chunk of records to the outbox
     * (close() on another thread, as a SIGTERM does: it waits for the round, so the tailer is known to be stopping once
     * that thread blocks), and runs its first round.
     *
     * @return the names of the files made under state.dir meanwhile, its checkpoint file aside (inotify: a file made
     *     and removed before anything could look is still reported)
     */
    private Set<String> readUntilStopped(final Path log, final RecordingOutbox outbox) throws Exception {
        final Path state = dir.resolve("state");
        final java.util.concurrent.atomic.AtomicReference<Thread> stopper =
                new java.util.concurrent.atomic.AtomicReference<>();
        final LogTailer[] first = new LogTailer[1];
        final dev.vigil.collector.delivery.Outbox stopAfterFirstChunk = new dev.vigil.collector.delivery.Outbox() {
            @Override
            public boolean publish(final dev.vigil.schemas.MetricSample sample) {
                return outbox.publish(sample);
            }

            @Override
            public boolean publish(final dev.vigil.schemas.LogRecord record) {
                return outbox.publish(record);
            }

            @Override
            public int publishLogs(final List<dev.vigil.schemas.LogRecord> records) {
                final int n = outbox.publishLogs(records);
                if (stopper.get() == null) {
                    final Thread t = new Thread(first[0]::close);
                    stopper.set(t);
                    t.start();
                    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (t.getState() != Thread.State.BLOCKED && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                    }
                    assertEquals(Thread.State.BLOCKED, t.getState(), "close() did not wait for the round");
                }
                return n;
            }

            @Override
            public boolean publish(final dev.vigil.schemas.HostEvent event) {
                return outbox.publish(event);
            }

            @Override
            public void sync() {
                outbox.sync();
            }
        };
        first[0] = new LogTailer(new LogTailer.Options(List.of(log.toString()), false, 50, 0,
                new LineFormat(StandardCharsets.UTF_8, null, 500, 1_000_000L, 16_384, 65_536)), state,
                stopAfterFirstChunk, "h", Clock.systemUTC());
        final Set<String> made = new java.util.TreeSet<>();
        try (java.nio.file.WatchService watch = state.getFileSystem().newWatchService()) {
            state.register(watch, java.nio.file.StandardWatchEventKinds.ENTRY_CREATE);
            first[0].pollOnce();
            stopper.get().join(TimeUnit.SECONDS.toMillis(30));
            for (java.nio.file.WatchKey k = watch.poll(); k != null; k = watch.poll()) {
                k.pollEvents().forEach(e -> made.add(String.valueOf(e.context())));
            }
        }
        made.removeAll(List.of("checkpoints.json", "checkpoints.json.tmp"));
        return made;
    }

    /** Lines 10 to BIG of the large tests are padded: 25 MiB in all. */
    private static final int BIG = 250_000;
    private static final String PAD = " " + "x".repeat(90);

    private static void appendPadded(final Path log, final int from, final int to) throws IOException {
        try (java.io.Writer w = Files.newBufferedWriter(log, StandardOpenOption.APPEND)) {
            for (int i = from; i < to; i++) {
                w.write("line " + i + PAD + "\n");
            }
        }
    }

    /** Asserts lines 0 to BIG + 10, each once, in order. */
    private static void assertBigInOrder(final List<String> got) {
        assertEquals(BIG + 10, got.size(), "lines lost or repeated");
        for (int i = 0; i < got.size(); i++) {
            final String expected = "line " + i + (i >= 10 && i < BIG ? PAD : "");
            if (!expected.equals(got.get(i))) {
                throw new AssertionError("line " + i + " is " + got.get(i).substring(0, Math.min(40,
                        got.get(i).length())));
            }
        }
    }

    /**
     * The agent reads lines 0 to 9 and stops; lines 10 to 39 are written meanwhile, over two rotations by logrotate
     * with this method and these options: 10 to 19 before the first, 30 to 39 in the new log.
     */
    private void stoppedOverTwoRotations(final String method, final String options) throws Exception {
        stoppedOverTwoRotations(method, options, options);
    }

    /** As {@link #stoppedOverTwoRotations(String, String)}, the first rotation with options of its own. */
    private void stoppedOverTwoRotations(final String method, final String first, final String second)
            throws Exception {
        readTenLinesAndStop();
        append(log, 10, 20);
        logrotate(logrotateConf(log, method, first));
        append(log, 20, 30);
        logrotate(logrotateConf(log, method, second));
        append(log, 30, 40);
    }

    /** Writes lines 0 to 9 to the log, and starts a tailer that reads them and stops. */
    private void readTenLinesAndStop() throws IOException {
        append(log, 0, 10);
        tailRounds(1);
    }

    /** Starts a tailer of the log, runs rounds of it, and stops it, as an agent started and stopped does. */
    private void tailRounds(final int rounds) {
        try (LogTailer tailer = tailer(log, outbox)) {
            for (int i = 0; i < rounds; i++) {
                tailer.pollOnce();
            }
        }
    }

    /** Asserts that the tailers of the test published lines {@code from} to {@code to}, each once, in order. */
    private void assertLines(final int from, final int to) {
        assertEquals(IntStream.range(from, to).mapToObj(i -> "line " + i).toList(), outbox.messages());
    }

    private LogTailer tailer(final Path log, final RecordingOutbox outbox) {
        return new LogTailer(new LogTailer.Options(List.of(log.toString()), List.of(), false, 50, 0, rotatedDirs,
                new LineFormat(StandardCharsets.UTF_8, null, 500, 1_000_000L, 16_384, 65_536)),
                dir.resolve("state"), outbox, "h", Clock.systemUTC());
    }

    private static void append(final Path log, final int from, final int to) throws IOException {
        final StringBuilder sb = new StringBuilder();
        IntStream.range(from, to).forEach(i -> sb.append("line ").append(i).append('\n'));
        Files.writeString(log, sb, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** @return a logrotate configuration of five generations for the log, by this method, with these options */
    private Path logrotateConf(final Path log, final String method, final String options) throws IOException {
        return Files.writeString(dir.resolve("logrotate.conf"), log + " {\n  rotate 5\n  " + method + "\n  "
                + options + "\n}\n");
    }

    private void logrotate(final Path conf) throws Exception {
        final Process p = new ProcessBuilder(logrotate(), "-f", "-s", dir.resolve("state.lr").toString(),
                conf.toString()).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "logrotate failed: " + out);
    }

    private Set<String> linesOnDisk() throws IOException {
        final Set<String> lines = new HashSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (final Path p : files.filter(p -> p.getFileName().toString().startsWith("app.log")).toList()) {
                lines.addAll(Files.readAllLines(p));
            }
        }
        lines.remove("");
        return lines;
    }

    private long rotatedFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("app.log.")).count();
        }
    }

    private static List<String> missing(final Set<String> onDisk, final List<String> got) {
        final Set<String> g = new HashSet<>(got);
        return onDisk.stream().filter(l -> !g.contains(l)).sorted().limit(20).toList();
    }
}

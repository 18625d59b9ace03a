package dev.vigil.backup.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vigil.backup.BackupException;
import dev.vigil.backup.NoRepositoryException;
import dev.vigil.backup.RepositoryLockedException;
import dev.vigil.backup.WrongPasswordException;
import dev.vigil.backup.backend.LocalBackend;
import dev.vigil.backup.lock.StopOrder;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The frame of every {@code vigil repo} subcommand: options, JSON output, and the mapping of
 * failures to one line on stderr and a documented exit code.
 */
abstract class RepoSubcommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RepoSubcommand.class);

    @Mixin
    RepoOptions repo;

    @Option(names = "--json", description = "Print one JSON document on stdout, for scripts.")
    boolean json;

    Clock clock = Clock.systemUTC();
    PrintStream out = System.out;
    PrintStream err = System.err;

    /** @return the exit code */
    abstract int run() throws Exception;

    /** Refuses an option value outside its range (exit code 2, before any work). */
    static void require(final boolean ok, final String option, final String range, final Object value) {
        if (!ok) {
            throw new IllegalArgumentException(option + " must be " + range + ", was " + value);
        }
    }

    /** @return what an operator should know when the command is stopped before its end (Ctrl-C) */
    String whenStopped() {
        return "the repository stays valid and the next run re-uses what was stored";
    }

    @Override
    public final Integer call() {
        // after the work stopped and indexed what it wrote, before the locks are released (StopOrder)
        final StopOrder.Registration stopped = StopOrder.onStop(StopOrder.Step.STOP_SAVING, () -> {
            LocalBackend.stopSaving();
            err.println("vigil repo: stopped before the end; " + whenStopped());
        });
        try {
            return run();
        } catch (NoRepositoryException e) {
            return fail(ExitCodes.NO_REPOSITORY, e);
        } catch (RepositoryLockedException e) {
            return fail(ExitCodes.LOCKED, e);
        } catch (WrongPasswordException e) {
            return fail(ExitCodes.WRONG_PASSWORD, e);
        } catch (IllegalArgumentException e) {
            return fail(ExitCodes.USAGE, e); // a value out of range, refused before any work
        } catch (BackupException | UncheckedIOException e) {
            return fail(ExitCodes.FAILED, e);
        } catch (Exception e) {
            LOG.debug("failed", e);
            return fail(ExitCodes.FAILED, e);
        } finally {
            stopped.close();
            if (System.getenv("VIGIL_REPORT_HEAP") != null) {
                long peak = 0;
                for (final java.lang.management.MemoryPoolMXBean pool
                        : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
                    if (pool.getType() == java.lang.management.MemoryType.HEAP) {
                        peak += pool.getPeakUsage().getUsed();
                    }
                }
                err.println("peak heap: " + peak + " bytes");
            }
        }
    }

    private int fail(final int code, final Exception e) {
        LOG.debug("vigil repo failed", e);
        final String what = e instanceof java.io.IOException io ? dev.vigil.schemas.IoErrors.describe(io)
                : e.getMessage() == null ? e.toString() : e.getMessage();
        err.println("vigil repo: " + what);
        if (json) {
            // scripts that read stdout get a document on failure too, not an empty stream
            final Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("error", what);
            doc.put("exitCode", code);
            try {
                printJson(doc);
            } catch (Exception ignored) {
                // the line on stderr says it
            }
        }
        return code;
    }

    void printJson(final Object value) throws Exception {
        out.println(Json.MAPPER.writeValueAsString(value));
    }

    /** Prints a value's JSON object with one more field: what a script needs beside the record it already reads. */
    void printJson(final Object value, final String field, final Object extra) throws Exception {
        final com.fasterxml.jackson.databind.node.ObjectNode node = Json.MAPPER.valueToTree(value);
        node.set(field, Json.MAPPER.valueToTree(extra));
        out.println(Json.MAPPER.writeValueAsString(node));
    }

    /**
     * @return a JSON array written to stdout one element at a time, as {@link #printJson} would print the whole list;
     *     closing it ends the array (the caller ends the line)
     */
    SequenceWriter jsonArray() throws IOException {
        return Json.MAPPER.writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET).writeValuesAsArray(out);
    }

    /** Built on first use only: a mapper costs a few hundred ms of class loading, and most runs print text. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    }

    /**
     * {@link dev.vigil.backup.snapshot.SnapshotStore#resolve}, saying on stderr when the id named is of a snapshot
     * that was replaced (marked protected) and the one that replaced it is taken.
     */
    dev.vigil.backup.snapshot.Snapshot resolve(final dev.vigil.backup.snapshot.SnapshotStore store, final String ref,
                                               final String dataset, final String tag) {
        final dev.vigil.backup.snapshot.Snapshot s = store.resolve(ref, dataset, tag);
        noteReplaced(ref, s.id());
        return s;
    }

    /** Says on stderr when a snapshot named by ref was found as the one that replaced it. */
    void noteReplaced(final String ref, final String id) {
        final String note = dev.vigil.backup.snapshot.SnapshotStore.replacedNote(ref, id);
        if (note != null) {
            err.println("note: " + note);
        }
    }

    /** @return whether to draw progress: stderr is probably a terminal */
    boolean interactive() {
        return !json && System.console() != null;
    }

    static String bytes(final long n) {
        return dev.vigil.schemas.ByteSizes.format(n);
    }
}

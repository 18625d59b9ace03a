package dev.vigil.backup.restorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.backup.TestRepos;
import dev.vigil.backup.TestShell;
import dev.vigil.backup.archiver.ArchiveOptions;
import dev.vigil.backup.archiver.Archiver;
import dev.vigil.backup.archiver.Level;
import dev.vigil.backup.fs.NativeFs;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.backup.snapshot.Xattr;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a restore makes in a directory with a default POSIX ACL inherits it (the kernel gives it at creation), though
 * the snapshot's entry may have had none: a file made before the ACL was set, or whose ACL was removed.
 */
class InheritedAclTest {
    @TempDir
    Path tmp;
    Path src;

    @BeforeEach
    void sharedDirectory() throws Exception {
        src = Files.createDirectories(tmp.resolve("src"));
        final Path shared = Files.createDirectories(src.resolve("shared"));
        assumeTrue(TestShell.succeeds("setfacl -d -m u:1234:rwx " + shared), "needs setfacl(1) and ACLs here");
        Files.writeString(shared.resolve("plain"), "no ACL");
        Files.createDirectories(shared.resolve("sub"));
        Files.writeString(shared.resolve("sub/deep"), "no ACL either");
        Files.writeString(shared.resolve("granted"), "its own ACL");
        // the first three lose what they inherited (setfacl -b); the fourth keeps an ACL of its own
        assertTrue(TestShell.succeeds("setfacl -b " + shared.resolve("plain") + " " + shared.resolve("sub") + " "
                + shared.resolve("sub/deep")
                + " && setfacl -b -m u:4321:r " + shared.resolve("granted")));
    }

    @Test
    void shouldNotGiveWhatItRestoresOverADatasetTheAclOfItsDirectory() throws Exception {
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Snapshot s = new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL),
                    null).snapshot();
            Files.writeString(src.resolve("shared/plain"), "changed");
            Files.delete(src.resolve("shared/sub/deep"));
            Files.delete(src.resolve("shared/sub"));

            final Restorer.Result r = new Restorer(repo).restore(s, src, new RestoreOptions(List.of(), true, 2), null);

            assertEquals(List.of(), r.warnings());
            assertEquals("no ACL", Files.readString(src.resolve("shared/plain")));
            assertEquals(List.of(), acls(src.resolve("shared/plain")));
            assertEquals(List.of(), acls(src.resolve("shared/sub")));
            assertEquals(List.of(), acls(src.resolve("shared/sub/deep")));
            assertEquals(List.of("system.posix_acl_access"), acls(src.resolve("shared/granted")));
            assertEquals(List.of("system.posix_acl_default"), acls(src.resolve("shared")));
        }
    }

    @Test
    void shouldNotGiveWhatItRestoresIntoANewTargetTheAclOfTheDirectoryAboveIt() throws Exception {
        final Path restores = Files.createDirectories(tmp.resolve("restores"));
        assertTrue(TestShell.succeeds("setfacl -d -m u:1234:rwx " + restores));
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Snapshot s = new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL),
                    null).snapshot();
            final Path out = restores.resolve("new");

            final Restorer.Result r = new Restorer(repo).restore(s, out, RestoreOptions.defaults(), null);

            assertEquals(List.of(), r.warnings());
            assertEquals(List.of(), acls(out));
            assertEquals(List.of("system.posix_acl_default"), acls(out.resolve("shared")));
            assertEquals(List.of(), acls(out.resolve("shared/plain")));
            assertEquals(List.of(), acls(out.resolve("shared/sub")));
            assertEquals(List.of(), acls(out.resolve("shared/sub/deep")));
            assertEquals(List.of("system.posix_acl_access"), acls(out.resolve("shared/granted")));
        }
    }

    /** @return the names of the POSIX ACLs it has */
    private static List<String> acls(final Path p) throws Exception {
        return NativeFs.xattrs(p).stream().map(Xattr::name).filter(n -> n.startsWith("system.posix_acl")).sorted()
                .toList();
    }
}

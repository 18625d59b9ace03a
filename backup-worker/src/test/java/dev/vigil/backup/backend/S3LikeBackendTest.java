package dev.vigil.backup.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class S3LikeBackendTest extends BackendContract {
    @Override
    Backend create() {
        return new S3LikeBackend(2);
    }

    @Test
    void shouldListInPagesAndLagBehindSavesAndRemovesUntilItCatchesUp() throws Exception {
        final S3LikeBackend s3 = new S3LikeBackend(2);
        for (int i = 0; i < 5; i++) {
            s3.save(new Handle(FileType.INDEX, "0" + i), "x".getBytes(StandardCharsets.UTF_8));
        }
        final long before = s3.listPages.get();
        assertEquals(5, s3.list(FileType.INDEX).size());
        assertEquals(3, s3.listPages.get() - before, "5 keys in pages of 2");
        s3.lagListing(FileType.INDEX);
        s3.save(new Handle(FileType.INDEX, "09"), new byte[1]);
        s3.remove(new Handle(FileType.INDEX, "00"));
        assertEquals(5, s3.list(FileType.INDEX).size(), "the new one is not listed yet, the removed one still is");
        assertTrue(s3.stat(new Handle(FileType.INDEX, "09")).isPresent(), "HEAD sees a PUT at once");
        s3.catchUp();
        assertEquals(5, s3.list(FileType.INDEX).size());
        assertTrue(s3.list(FileType.INDEX).stream().noneMatch(f -> f.handle().name().equals("00")));
    }
}

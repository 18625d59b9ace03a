package dev.vigil.backup.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileNamesTest {
    @Test
    void shouldGiveBackEveryByteSequenceExactly() {
        final Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            final byte[] bytes = new byte[random.nextInt(40)];
            random.nextBytes(bytes);
            if (i % 2 == 0) {
                // mostly valid text with a few stray bytes, as real names are
                final byte[] text = ("naïve-日本-😀-" + i).getBytes(StandardCharsets.UTF_8);
                System.arraycopy(text, 0, bytes, 0, Math.min(text.length, bytes.length));
            }
            assertArrayEquals(bytes, FileNames.encode(FileNames.decode(bytes)), () -> HexFormat.of().formatHex(bytes));
        }
    }

    @Test
    void shouldReadValidUtf8AsJavaDoesSoTreesWrittenBeforeReadTheSame() {
        final Random random = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            final StringBuilder text = new StringBuilder();
            for (int k = random.nextInt(30); k > 0; k--) {
                int cp;
                do {
                    cp = random.nextInt(4) == 0 ? random.nextInt(0x110000) : 0x20 + random.nextInt(0x7f - 0x20);
                } while (Character.isSurrogate((char) cp) && cp < 0x10000);
                text.appendCodePoint(cp);
            }
            final byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            assertEquals(new String(bytes, StandardCharsets.UTF_8), FileNames.decode(bytes));
            assertArrayEquals(bytes, FileNames.encode(text.toString()));
        }
    }

    @Test
    void shouldReadValidUtf8AsItsTextAndKeepItApartFromTheSameWordInOtherBytes() {
        final byte[] utf8 = "café 😀".getBytes(StandardCharsets.UTF_8);
        assertEquals("café 😀", FileNames.decode(utf8));
        assertArrayEquals(utf8, FileNames.encode("café 😀"));
        final String latin1 = FileNames.decode("café".getBytes(StandardCharsets.ISO_8859_1));
        assertNotEquals("café", latin1);
        assertEquals("caf\\xE9", FileNames.display(latin1));
        assertEquals("café", FileNames.display("café"));
        // a name that holds the characters \xE9 does not read as the byte E9
        assertEquals("caf\\x5CxE9", FileNames.display("caf\\xE9"));
        // control characters neither split a listing's line nor drive the terminal
        assertEquals("two\\x0Alines\\x1B[31m\\x7F", FileNames.display("two\nlines\u001b[31m\u007f"));
        // an encoded surrogate (ED A0 80) is not UTF-8 either: kept as three bytes
        final byte[] cesu = {(byte) 0xed, (byte) 0xa0, (byte) 0x80};
        assertArrayEquals(cesu, FileNames.encode(FileNames.decode(cesu)));
    }

    @Test
    void shouldListAndOpenAFileWhoseNameIsNotUtf8(@TempDir final Path dir) throws Exception {
        assertTrue(FileNames.rawAccess(), "tests run with --add-opens java.base/sun.nio.fs (parent POM)");
        final Process p = new ProcessBuilder("bash", "-c", "printf data > $'caf\\xe9'; printf other > café")
                .directory(dir.toFile()).start();
        assertEquals(0, p.waitFor());
        final List<String> names;
        try (var s = Files.list(dir)) {
            names = s.map(e -> FileNames.textOf(e.getFileName())).sorted().toList();
        }
        assertEquals(List.of("café", "caf\uDCE9"), names);
        assertEquals("data", Files.readString(FileNames.resolve(dir, "caf\uDCE9")));
        assertEquals("other", Files.readString(FileNames.resolve(dir, "café")));
        Files.writeString(FileNames.resolve(dir, "new-\uDCFF"), "x");
        final Process ls = new ProcessBuilder("bash", "-c", "[ -f $'new-\\xff' ]").directory(dir.toFile()).start();
        assertEquals(0, ls.waitFor(), "written under its exact bytes");
    }
}

package dev.vigil.analyzer.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogFormatTest {
    @Test
    void shouldExtractTheContentOfAHeaderLayout() {
        final LogFormat f = LogFormat.compile("<Date> <Time> <Pid> <Level> <Component>: <Content>");
        assertEquals(List.of("Date", "Time", "Pid", "Level", "Component", "Content"), f.fields());
        assertEquals("PacketResponder 1 for block blk_38865049064139660 terminating",
                f.content("081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block "
                        + "blk_38865049064139660 terminating\r"));
    }

    @Test
    void shouldHonourOptionalGroupsBetweenFields() {
        final LogFormat f = LogFormat.compile(
                "<Label> <Timestamp> <Date> <User> <Month> <Day> <Time> <Location> <Component>(\\[<PID>\\])?: <Content>");
        assertEquals("session closed for user root", f.content("- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 "
                + "dn228/dn228 crond(pam_unix)[2915]: session closed for user root"));
        assertEquals("synchronized to 10.100.20.250, stratum 3", f.content("- 1131566463 2005.11.09 tbird-admin1 "
                + "Nov 9 12:01:03 local@tbird-admin1 ntpd: synchronized to 10.100.20.250, stratum 3"));
    }

    @Test
    void shouldReturnNullForALineThatDoesNotFit() {
        assertNull(LogFormat.compile("<Date> <Level>: <Content>").content("no colon here"));
    }

    @Test
    void shouldGiveUpSoonOnALongLineThatDoesNotFitAndStillSplitOneThatDoes() {
        final LogFormat f = LogFormat.compile("<Date> <Time> <Level> <Component>: <Content>");
        final StringBuilder words = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            words.append(" w").append(i % 10);
        }
        // without ": " every split of the 2,000 words into four fields was tried: minutes
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertNull(f.content("2024-01-02" + words)));
        assertEquals(words.toString().strip(), assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> f.content("2024-01-02 10:00:00 INFO app.Main:" + words)));
    }

    @Test
    void shouldRefuseALayoutWithoutContent() {
        assertThrows(IllegalArgumentException.class, () -> LogFormat.compile("<Date> <Time>"));
        assertThrows(IllegalArgumentException.class, () -> LogFormat.compile("<A> <A> <Content>"));
        assertThrows(IllegalArgumentException.class, () -> LogFormat.compile("<A> ( <Content>"));
    }
}

package dev.vigil.analyzer.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MaskerTest {
    @Test
    void shouldMaskNumbersAddressesAndIds() {
        assertEquals("<*>", Masker.mask("42"));
        assertEquals("<*>", Masker.mask("-3.5"));
        assertEquals("<*>", Masker.mask("10.251.31.5"));
        assertEquals("/<*>:<*>", Masker.mask("/10.250.19.102:54106"));
        assertEquals("<*>", Masker.mask("0x1f3a"));
        assertEquals("<*>", Masker.mask("deadbeef1234"));
        assertEquals("<*>", Masker.mask("0252528c"));
        assertEquals("<*>", Masker.mask("1066c"));
        assertEquals("<*>", Masker.mask("a3bb189e-8bf9-3888-9912-ace4e6543002"));
        assertEquals("<*>", Masker.mask("FF:F2:9F:16:EB:27"));
        assertEquals("<*>", Masker.mask("fe80::1:2:3:4"));
        assertEquals("uid=<*>)", Masker.mask("uid=0)"));
        assertEquals("<*>:<*>:<*>", Masker.mask("12:01:01"));
    }

    @Test
    void shouldMaskIpv6AddressesWithZerosLeftOutAsOneParameter() {
        assertEquals("<*>", Masker.mask("fe80::1"));
        assertEquals("<*>", Masker.mask("::1"));
        assertEquals("<*>", Masker.mask("2001:db8::1"));
        // whatever address it is, one template from the first message on
        final TemplateMiner miner = new TemplateMiner(MinerOptions.DEFAULTS);
        final String id = miner.add("connection from fe80::1 refused").templateId();
        assertEquals(id, miner.add("connection from ::1 refused").templateId());
        assertEquals("connection from <*> refused", miner.add("connection from 2001:db8::7 refused").template());
        // words around a double colon are not an address
        assertEquals("std::vector", Masker.mask("std::vector"));
    }

    @Test
    void shouldMaskAnIpv6AddressInsidePunctuationAsOneParameter() {
        assertEquals("[<*>]:<*>", Masker.mask("[::1]:8080"));
        assertEquals("[<*>]:<*>", Masker.mask("[2001:db8::1]:443"));
        assertEquals("(<*>)", Masker.mask("(fe80::1)"));
        assertEquals("<*>,", Masker.mask("2001:db8::8a2e:370:7334,"));
        assertEquals("\"<*>\"", Masker.mask("\"fe80::1:2:3:4\""));
        assertEquals("<*>", Masker.mask("::ffff:10.0.0.1"));
        assertEquals("[<*>]:<*>", Masker.mask("[fe80::1%eth0]:22"));
        // not addresses: a time, and a time with a comma after it
        assertEquals("<*>:<*>:<*>", Masker.mask("12:01:01"));
        assertEquals("<*>:<*>:<*>,", Masker.mask("12:01:01,"));
    }

    @Test
    void shouldKeepEntityNamesAndUnitsAroundNumbers() {
        assertEquals("blk_<*>", Masker.mask("blk_-1608999687919862906"));
        assertEquals("blk_<*>", Masker.mask("blk_38865049064139660"));
        assertEquals("part-<*>", Masker.mask("part-00002"));
        assertEquals("eth<*>", Masker.mask("eth0"));
        assertEquals("<*>ms", Masker.mask("3200ms"));
        // a size's unit is scaled to its value: part of the parameter
        assertEquals("<*>", Masker.mask("12KB"));
        assertEquals("<*>,", Masker.mask("384B,"));
        assertEquals("<*>", Masker.mask("3GiB"));
        assertEquals("<*>%", Masker.mask("85%"));
        assertEquals("instruction......<*>", Masker.mask("instruction......1"));
    }

    @Test
    void shouldMaskUrlsButKeepTheirScheme() {
        assertEquals("hdfs://<*>", Masker.mask("hdfs://10.10.34.11:9000/pjhe/test/1"));
        assertEquals("akka.tcp://<*>]", Masker.mask("akka.tcp://sparkExecutor@host:55904]"));
    }

    @Test
    void shouldMaskWhatAMessageQuotes() {
        assertEquals("\"<*>\"", Masker.mask("\"orders_archive\""));
        assertEquals("'<*>':", Masker.mask("'work_mem':"));
        assertEquals("\"<*>\",", Masker.mask("\"accounts\","));
        for (final String notOneQuotedString : List.of("\"\"", "\"GET", "index.html\"", "\"a\"b\"", "don't", "'s")) {
            assertSame(notOneQuotedString, Masker.mask(notOneQuotedString));
        }
    }

    @Test
    void shouldMaskWhatAFieldQuotes() {
        assertEquals("dn=\"<*>\"", Masker.mask("dn=\"cn=backup,ou=hosts,o=acme\""));
        assertEquals("path='<*>',", Masker.mask("path='/srv/a b',"));
        assertEquals("src.file=\"<*>\")", Masker.mask("src.file=\"report.txt\")"));
        assertEquals("base=\"<*>\"", Masker.mask("base=\"\""), "an empty value is one of a field's values");
        for (final String notAQuotedValue : List.of("filter=\"(cn=Ann", "a=b\"", "(x)=\"y\"",
                "key=\"a\"b\"", "=\"x\"")) {
            assertSame(notAQuotedValue, Masker.mask(notAQuotedValue));
        }
    }

    @Test
    void shouldLeaveWordsAlone() {
        final String word = "PacketResponder";
        assertSame(word, Masker.mask(word));
        assertEquals("/etc/cron.hourly", Masker.mask("/etc/cron.hourly"));
        assertFalse(Masker.isVariable("terminating"));
    }

    @Test
    void shouldGeneralizeToCommonPunctuation() {
        assertEquals("rhost=<*>", Masker.generalize("rhost=<*>", "rhost=ec<*>"));
        assertEquals("<*>", Masker.generalize("root", "admin"));
        assertEquals("<*>,", Masker.generalize("<*>,", "LOCAL(<*>),"));
        assertEquals("[Thunderbird_<*>]", Masker.generalize("[Thunderbird_A<*>]", "[Thunderbird_B<*>]"));
        assertEquals("<*>;", Masker.generalize("failures;", "failure;"));
    }

    @Test
    void shouldCoverTokensWithGlobPatterns() {
        assertTrue(Masker.covers("rhost=<*>", "rhost=ec<*>"));
        assertTrue(Masker.covers("<*>:<*>", "<*>:<*>"));
        assertTrue(Masker.covers("a<*>b<*>c", "axxbyybzc"));
        assertFalse(Masker.covers("rhost=<*>", "rhost="));
        assertFalse(Masker.covers("blk_<*>", "part-<*>"));
        assertTrue(Masker.isListItem("an<*>"));
        assertFalse(Masker.isListItem("<*>:"));
    }
}

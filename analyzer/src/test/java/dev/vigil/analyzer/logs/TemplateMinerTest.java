package dev.vigil.analyzer.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TemplateMinerTest {
    /** The defaults but a word becomes a parameter at its first change: for tests of other mechanics. */
    private static final MinerOptions WORD_AT_FIRST_CHANGE = new MinerOptions(4, 0.5, 100, 10_000, 1, 2);
    private static final List<String> LINES = List.of(
            "Received block blk_-160899 of size 67108864 from /10.250.10.6",
            "PacketResponder 1 for block blk_38865049 terminating",
            "Invalid user webmaster from 173.234.31.186",
            "Received block blk_7503483 of size 3545 from /10.250.14.224",
            "PacketResponder 0 for block blk_-695229 terminating",
            "Invalid user test9 from 52.80.34.196",
            "Invalid user admin from 103.99.0.122",
            "Failed password for root from 5.36.59.76 port 42393 ssh2");

    @Test
    void shouldGroupMessagesOfOneEventAndExtractParameters() {
        final TemplateMiner miner = new TemplateMiner(MinerOptions.DEFAULTS);
        final TemplateMatch first = miner.add("Invalid user webmaster from 173.234.31.186");
        assertTrue(first.newTemplate());
        final TemplateMatch again = miner.add("Invalid user webmaster from 103.99.0.122");
        assertFalse(again.newTemplate());
        assertFalse(again.templateChanged());
        assertEquals(first.templateId(), again.templateId());
        assertEquals("Invalid user webmaster from <*>", again.template());
        assertEquals(List.of("103.99.0.122"), again.parameters());
        final TemplateMatch block = miner.add("Received block blk_-42 of size 67108864 from /10.250.10.6:50010");
        assertEquals("Received block blk_<*> of size <*> from /<*>:<*>", block.template());
        assertEquals(List.of("-42", "67108864", "10.250.10.6", "50010"), block.parameters());
    }

    @Test
    void shouldTakeAWordForAParameterOnlyOnceItsPositionShowsEnoughDifferentWords() {
        final TemplateMiner miner = new TemplateMiner(MinerOptions.DEFAULTS); // wordValues 4
        final TemplateMatch webmaster = miner.add("Invalid user webmaster from 173.234.31.186");
        final TemplateMatch admin = miner.add("Invalid user admin from 103.99.0.122");
        final TemplateMatch guest = miner.add("Invalid user guest from 10.0.0.1");
        assertTrue(admin.newTemplate() && guest.newTemplate(), "2 and 3 different words: events of their own");
        assertEquals(3, miner.size());
        assertEquals(admin.templateId(), miner.add("Invalid user admin from 10.0.0.2").templateId());

        final TemplateMatch oracle = miner.add("Invalid user oracle from 10.0.0.3");
        assertEquals("Invalid user <*> from <*>", oracle.template());
        assertTrue(oracle.templateChanged());
        assertEquals(List.of("oracle", "10.0.0.3"), oracle.parameters());
        final List<String> others = List.of(webmaster.templateId(), admin.templateId(), guest.templateId());
        assertTrue(others.contains(oracle.templateId()));
        assertEquals(Set.copyOf(others), Set.copyOf(concat(oracle.absorbed(), oracle.templateId())),
                "the other words' templates are merged into it");
        assertEquals(List.of(new Template(oracle.templateId(), "Invalid user <*> from <*>", 5)),
                List.copyOf(miner.templates()));
        assertEquals(oracle.templateId(), miner.add("Invalid user admin from 10.0.0.4").templateId());
    }

    @Test
    void shouldClassifyAsItLearnsAndMergeIntoTheBusiestTemplate() {
        final TemplateMiner miner = new TemplateMiner(MinerOptions.DEFAULTS);
        final String opened = miner.add("Connection to 10.0.0.1 was opened").templateId();
        assertNull(miner.match("Connection to 10.0.0.2 was closed"), "a second word is not yet a parameter");
        final long changes = miner.changes();
        final String closed = miner.add("Connection to 10.0.0.2 was closed").templateId();
        assertNotEquals(opened, closed);
        assertTrue(miner.changes() > changes);
        for (int i = 0; i < 5; i++) {
            miner.add("Connection to 10.0.0.3 was closed");
        }
        miner.add("Connection to 10.0.0.4 was reset");
        final TemplateMatch refused = miner.add("Connection to 10.0.0.5 was refused");
        assertEquals("Connection to <*> was <*>", refused.template());
        assertEquals(closed, refused.templateId(), "the busiest of the merged templates keeps its id");
        assertEquals(2, refused.absorbed().size());
        assertEquals(closed, miner.match("Connection to 10.0.0.6 was dropped").templateId());
    }

    @Test
    void shouldKeepApartEventsThatDifferInAWordWithFewValues() {
        final TemplateMiner miner = new TemplateMiner(MinerOptions.DEFAULTS);
        final Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < 50; i++) {
            final String verb = List.of("opened", "closed", "reset").get(i % 3);
            ids.add(miner.add("Connection " + verb + " to 10.0.0." + i + " port " + (4000 + i)).templateId());
        }
        assertEquals(3, ids.size());
        assertEquals(Set.of("Connection opened to <*> port <*>", "Connection closed to <*> port <*>",
                "Connection reset to <*> port <*>"),
                miner.templates().stream().map(Template::template).collect(Collectors.toSet()));
    }

    @Test
    void shouldJoinMessagesThatDifferInWhatTheyQuote() {
        final TemplateMiner miner = new TemplateMiner(MinerOptions.DEFAULTS);
        final TemplateMatch first = miner.add("relation \"sessions\" does not exist");
        // a quoted name among the first tokens would be a route of the parse tree of its own, never compared
        assertEquals(first.templateId(), miner.add("relation \"audit_log\" does not exist").templateId());
        assertEquals(List.of("relation \"<*>\" does not exist"),
                miner.templates().stream().map(Template::template).collect(Collectors.toList()));
    }

    @Test
    void shouldJoinMessagesThatDifferInWhatAFieldQuotes() {
        final TemplateMiner miner = new TemplateMiner(MinerOptions.DEFAULTS);
        final Set<String> ids = new java.util.HashSet<>();
        int op = 0;
        for (final String dn : List.of("cn=backup,ou=hosts,o=acme", "uid=ann7,ou=staff,o=acme", "o=acme",
                "cn=backup,ou=hosts,o=acme")) {
            ids.add(miner.add("op=" + op++ + " LOOKUP entry=\"" + dn + "\" scope=subtree").templateId());
        }
        // the field among the first constant tokens routed each entry to a leaf of its own, never compared
        assertEquals(1, ids.size());
        assertEquals(List.of("op=<*> LOOKUP entry=\"<*>\" scope=subtree"),
                miner.templates().stream().map(Template::template).collect(Collectors.toList()));
    }

    @Test
    void shouldKeepApartFieldsOfDifferentKeysWhateverTheirValues() {
        final TemplateMiner miner = new TemplateMiner(MinerOptions.DEFAULTS);
        final List<String> attributes = List.of("mail", "phone", "title", "room", "manager");
        for (int i = 0; i < 20; i++) {
            miner.add("job=" + i + " FINISHED ok tag=" + (100 + i % 7) + " status=" + i % 2);
            miner.add("job=" + i + " FINISHED ok oid= status=" + i % 2);
            miner.add("job=" + i + " CHANGED ok dn=\"uid=ann" + i + ",o=acme\"");
            miner.add("job=" + i + " CHANGED ok attr=" + attributes.get(i % attributes.size()));
        }
        // a key with a number in its value (tag=<*>, dn="...<*>...") differed freely from any other token
        assertEquals(Set.of("job=<*> FINISHED ok tag=<*> status=<*>", "job=<*> FINISHED ok oid= status=<*>",
                "job=<*> CHANGED ok dn=\"<*>\"", "job=<*> CHANGED ok attr=<*>"),
                miner.templates().stream().map(Template::template).collect(Collectors.toSet()));
    }

    @Test
    void shouldJudgeAFieldAmongTheFirstTokensByTheWordRule() {
        final TemplateMiner miner = new TemplateMiner(MinerOptions.DEFAULTS);
        final List<String> attributes = List.of("mail", "phone", "title", "room", "manager");
        for (int i = 0; i < 20; i++) {
            miner.add("op=" + i + " FETCH attr=" + attributes.get(i % attributes.size()));
        }
        // routed by its value, each attribute had a leaf of its own, where the word rule never saw the others
        assertEquals(List.of("op=<*> FETCH attr=<*>"),
                miner.templates().stream().map(Template::template).collect(Collectors.toList()));
    }

    @Test
    void shouldFindTheTemplatesOfAStateStoredWhenFieldsRoutedByTheirValues() {
        final String[] tokens = {"op=<*>", "FETCH", "attr=mail"};
        final String id = Cluster.idOf(String.join(" ", tokens), 0);
        final byte[] stored = MinerState.write(
                List.of(new Cluster(id, new String[] {"FETCH", "attr=mail"}, tokens, 3)), Map.of());
        final TemplateMiner miner = TemplateMiner.fromBytes(stored, MinerOptions.DEFAULTS);
        final TemplateMatch again = miner.add("op=9 FETCH attr=mail");
        assertFalse(again.newTemplate());
        assertEquals(id, again.templateId());
    }

    @Test
    void shouldTakeFieldsThatChangeTogetherForParametersButOneFieldForAWord() {
        final TemplateMiner miner = new TemplateMiner(MinerOptions.DEFAULTS);
        for (int i = 0; i < 30; i++) { // three users (too few to be names by the word rule), then a second database
            miner.add("disconnection: session time: 0:00:0" + i % 10 + " user="
                    + List.of("app", "report", "batch").get(i % 3) + " database=" + List.of("bench", "shop").get(i / 15)
                    + " host=10.0.0." + i);
        }
        assertEquals(List.of("disconnection: session time: <*>:<*>:<*> user=<*> database=<*> host=<*>"),
                miner.templates().stream().map(Template::template).collect(Collectors.toList()),
                "user and database changing at once are a record's fields");

        final Set<String> failures = new java.util.HashSet<>();
        for (int i = 0; i < 30; i++) {
            failures.add(miner.add("authentication failure; rhost=10.1.1." + i + " user="
                    + List.of("root", "guest").get(i % 2)).templateId());
        }
        assertEquals(2, failures.size(), "one field with two values is a word that may tell events apart");
    }

    @Test
    void shouldKeepApartNamedInstancesOfDifferentNamesButJoinInstancesOfOneName() {
        final TemplateMiner miner = new TemplateMiner(MinerOptions.DEFAULTS);
        for (int i = 0; i < 30; i++) {
            final String proxy = i % 10 == 9 ? "SOCKS5" : "HTTPS"; // the rare one must not join the busy one
            miner.add("session " + i + " open through proxy p.example.org:" + (5000 + i) + " " + proxy);
            miner.add("link up on interface " + List.of("ee0", "alt0").get(i % 2) + " of node-" + i);
            miner.add("allocating buffer for eth" + (i % 4));
        }
        assertEquals(Set.of("session <*> open through proxy p.example.org:<*> HTTPS",
                "session <*> open through proxy p.example.org:<*> SOCKS<*>",
                "link up on interface ee<*> of node-<*>", "link up on interface alt<*> of node-<*>",
                "allocating buffer for eth<*>"),
                miner.templates().stream().map(Template::template).collect(Collectors.toSet()));
        for (final String name : List.of("ib0", "lo0", "wlan0")) {
            miner.add("link up on interface " + name + " of node-1");
        }
        assertEquals(Set.of("link up on interface <*> of node-<*>"), miner.templates().stream()
                .map(Template::template).filter(t -> t.startsWith("link")).collect(Collectors.toSet()),
                "names that keep coming are a parameter, as plain words are");
    }

    @Test
    void shouldCountWordsAcrossARestartAsWithout() {
        final List<String> lines = List.of("Accepted key for alice", "Accepted key for bob",
                "Accepted key for carol", "Accepted key for dave", "Accepted key for bob");
        final TemplateMiner uninterrupted = new TemplateMiner(MinerOptions.DEFAULTS);
        final List<TemplateMatch> expected = lines.stream().map(uninterrupted::add).toList();
        TemplateMiner restarted = new TemplateMiner(MinerOptions.DEFAULTS);
        final List<TemplateMatch> actual = new ArrayList<>();
        for (final String line : lines) {
            actual.add(restarted.add(line));
            restarted = TemplateMiner.fromBytes(restarted.toBytes(), MinerOptions.DEFAULTS);
        }
        assertEquals(expected, actual);
        assertEquals("Accepted key for <*>", actual.get(3).template());
        assertEquals(2, actual.get(3).absorbed().size());
    }

    @Test
    void shouldReadAStateOfTheFirstVersion() {
        // magic, version 1, one template: id "a", count 7, path [x], tokens [x, <*>]; no word values
        final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            out.write(new byte[] {'V', 'T', 'M', 1});
            out.writeInt(1);
            out.writeInt(1);
            out.write('a');
            out.writeLong(7);
            out.writeInt(1);
            out.writeInt(1);
            out.write('x');
            out.writeInt(2);
            out.writeInt(1);
            out.write('x');
            out.writeInt(3);
            out.writeBytes("<*>");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        final TemplateMiner miner = TemplateMiner.fromBytes(bytes.toByteArray(), MinerOptions.DEFAULTS);
        assertEquals(List.of(new Template("a", "x <*>", 7)), List.copyOf(miner.templates()));
        assertEquals("a", miner.add("x 42").templateId());
    }

    private static List<String> concat(final List<String> list, final String one) {
        final List<String> out = new ArrayList<>(list);
        out.add(one);
        return out;
    }

    @Test
    void shouldTakeASizeWithItsScaledUnitAsOneParameter() {
        final TemplateMiner miner = new TemplateMiner(MinerOptions.DEFAULTS);
        final TemplateMatch small = miner.add("Block rdd_2_3 stored in memory (estimated size 384.0 B, free 2.1 KB)");
        final TemplateMatch large = miner.add("Block rdd_5_1 stored in memory (estimated size 12.5 MB, free 1.2 GB)");
        assertEquals(small.templateId(), large.templateId());
        assertEquals("Block rdd_<*> stored in memory (estimated size <*>, free <*>)", large.template());
        assertEquals(List.of("5_1", "12.5 MB", "1.2 GB"), large.parameters());
        // other units after a number stay words of the message, and so does a lone lower-case b
        assertEquals("Reading took <*> ms", miner.add("Reading took 3 ms").template());
        assertEquals("Phase <*> b done", miner.add("Phase 2 b done").template());
        // a size in brackets, and a list of sizes as one parameter
        assertEquals("Freed (<*>) now", miner.add("Freed (384.0 B) now").template());
        final TemplateMatch list = miner.add("Sizes 1 KB 2 KB 3 MB ready");
        assertEquals(list.templateId(), miner.add("Sizes 1 KB 2 GB ready").templateId());
        assertEquals("Sizes <*> ready", list.template());
    }

    @Test
    void shouldKeepApartMessagesThatDifferInTwoWords() {
        final TemplateMiner miner = new TemplateMiner(MinerOptions.DEFAULTS);
        final String bye = miner.add("Received disconnect from 1.2.3.4: 11: Bye Bye [preauth]").templateId();
        final String user = miner.add("Received disconnect from 5.6.7.8: 11: disconnected by user").templateId();
        assertNotEquals(bye, user);
        assertEquals(bye, miner.add("Received disconnect from 9.9.9.9: 11: Bye Bye [preauth]").templateId());
    }

    @Test
    void shouldTakeListsOfAnyLengthAsOneParameter() {
        final TemplateMiner miner = new TemplateMiner(MinerOptions.DEFAULTS);
        final TemplateMatch a = miner.add("PCI link (IRQs 3 4 5 6) enabled");
        final TemplateMatch b = miner.add("PCI link (IRQs 3 4 5 6 7 10 11) enabled");
        assertEquals(a.templateId(), b.templateId());
        assertEquals("PCI link (IRQs <*> <*>) enabled", b.template());
        assertEquals(List.of("3 4 5 6 7 10", "11"), b.parameters());
    }

    @Test
    void shouldTakeAReasonInParenthesesThatEndsTheMessageAsOneParameter() {
        final TemplateMiner miner = new TemplateMiner(MinerOptions.DEFAULTS);
        final TemplateMatch reset = miner.add("Closed session 14 of 'web' (Connection reset by peer)");
        final TemplateMatch killed = miner.add("Closed session 15 of 'db' (KILLED)");
        final TemplateMatch timeout = miner.add("Closed session 16 of 'web' (idle for too long)");
        // each reason's token count was a message length of its own: three events
        assertEquals(reset.templateId(), killed.templateId());
        assertEquals(reset.templateId(), timeout.templateId());
        assertEquals("Closed session <*> of '<*>' (<*>)", timeout.template());
        assertEquals(List.of("16", "web", "idle for too long"), timeout.parameters());
        // parentheses around values or paths, or not at the end, hold the message's own words
        assertEquals("Stored block (size <*>, free <*>)", miner.add("Stored block (size 3 KB, free 2 MB)").template());
        assertEquals("Started job (run-parts /etc/cron.hourly)",
                miner.add("Started job (run-parts /etc/cron.hourly)").template());
        final TemplateMatch inner = miner.add("Link (slow path taken) down");
        assertEquals("Link (slow path taken) down", inner.template());
        // and so do words in parentheses after values alone: they are the message, not a reason
        assertEquals("v<*> (Kernel Module GPG key)", miner.add("v5 (Kernel Module GPG key)").template());
    }

    @Test
    void shouldTakeALabelThatEndsTheMessageAsFollowedByAnEmptyValue() {
        final TemplateMiner miner = new TemplateMiner(MinerOptions.DEFAULTS);
        final TemplateMatch id = miner.add("Query string  : id=175");
        final TemplateMatch empty = miner.add("Query string  : ");
        // the empty value printed no token, so the message was one shorter: an event of its own
        assertEquals(id.templateId(), empty.templateId());
        assertEquals("Query string : <*>", empty.template());
        assertEquals(List.of(""), empty.parameters());
        assertEquals(id.templateId(), miner.add("Query string  : page=2").templateId());
        // a label that holds a value ends the message as it is
        assertEquals("Got exception while serving blk_<*> to /<*>:",
                miner.add("Got exception while serving blk_42 to /10.0.0.1:").template());
    }

    @Test
    void shouldLetPathsDifferLikeParametersWhetherOrNotTheyHoldDigits() {
        final TemplateMiner miner = new TemplateMiner(MinerOptions.DEFAULTS);
        final String notes = miner.add("access denied by rule for /notes.inc").templateId();
        // a path without digits was a plain word, under the word rule: three paths were three events
        assertEquals(notes, miner.add("access denied by rule for /backup~").templateId());
        assertEquals(notes, miner.add("access denied by rule for /docs/old.inc").templateId());
        assertEquals("access denied by rule for /<*>", miner.add("access denied by rule for /a.txt").template());
        // words still need their four values
        assertNotEquals(miner.add("Service started at /srv").templateId(),
                miner.add("Service stopped at /srv").templateId());
    }

    @Test
    void shouldAbsorbCoveredTemplatesOfOtherLeavesWhenATemplateGeneralizes() {
        final TemplateMiner miner = new TemplateMiner(MinerOptions.DEFAULTS);
        // the name is among the first constant tokens, which route: "ftp:" grew a leaf of its own
        final TemplateMatch ftp = miner.add("USER ftp: no such user found from 10.0.0.1");
        miner.add("USER user12: no such user found from 10.0.0.2");
        final TemplateMatch admin = miner.add("USER admin: no such user found from 10.0.0.3");
        assertEquals("USER <*>: no such user found from <*>", admin.template());
        assertEquals(List.of(ftp.templateId()), admin.absorbed());
        // so later messages of that name were an event of their own, in a leaf the general template never saw
        assertEquals(admin.templateId(), miner.add("USER ftp: no such user found from 10.0.0.4").templateId());
        assertEquals(1, miner.size());
    }

    @Test
    void shouldKeepTemplateIdsAcrossSerialization() {
        final TemplateMiner uninterrupted = new TemplateMiner(MinerOptions.DEFAULTS);
        final TemplateMiner before = new TemplateMiner(MinerOptions.DEFAULTS);
        for (final String line : LINES.subList(0, 4)) {
            uninterrupted.add(line);
            before.add(line);
        }
        final TemplateMiner after = TemplateMiner.fromBytes(before.toBytes(), MinerOptions.DEFAULTS);
        assertEquals(templatesById(before), templatesById(after));
        for (final String line : LINES.subList(4, LINES.size())) {
            assertEquals(uninterrupted.add(line), after.add(line));
        }
        assertEquals(templatesById(uninterrupted), templatesById(after));
    }

    @Test
    void shouldGiveSameIdsToMinersFedTheSameLinesInAnotherOrder() {
        // parameters here are all masked (numbers, addresses, ids), so a template's first text does not depend
        // on which of its messages came first
        final List<String> lines = new ArrayList<>();
        final Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            lines.add(switch (i % 4) {
                case 0 -> "Received block blk_" + random.nextLong() + " of size " + random.nextInt() + " from /10.0.0."
                        + random.nextInt(255);
                case 1 -> "PacketResponder " + random.nextInt(3) + " for block blk_" + random.nextLong() + " terminating";
                case 2 -> "Connection from 10.1.2." + random.nextInt(255) + " port " + random.nextInt(65536) + " closed";
                default -> "Took " + random.nextInt(900) + "ms to flush " + random.nextInt(99) + " entries";
            });
        }
        final TemplateMiner a = new TemplateMiner(MinerOptions.DEFAULTS);
        final Map<String, String> idOfLineA = new HashMap<>();
        lines.forEach(l -> idOfLineA.put(l, a.add(l).templateId()));
        final List<String> shuffled = new ArrayList<>(lines);
        Collections.shuffle(shuffled, new Random(11));
        final TemplateMiner b = new TemplateMiner(MinerOptions.DEFAULTS);
        shuffled.forEach(l -> assertEquals(idOfLineA.get(l), b.add(l).templateId(), l));
        assertEquals(4, a.size());
    }

    @Test
    void shouldKeepTheFirstIdWhenATemplateGeneralizes() {
        final TemplateMiner miner = new TemplateMiner(WORD_AT_FIRST_CHANGE);
        final String id = miner.add("Invalid user webmaster from 173.234.31.186").templateId();
        assertEquals(Cluster.idOf("Invalid user webmaster from <*>", 0), id);
        miner.add("Invalid user admin from 173.234.31.186");
        assertEquals(Set.of(new Template(id, "Invalid user <*> from <*>", 2)), Set.copyOf(miner.templates()));
    }

    @Test
    void shouldEvictTheLeastRecentlyMatchedTemplateWhenFull() {
        final TemplateMiner miner = new TemplateMiner(new MinerOptions(4, 0.5, 100, 2));
        final String a = miner.add("alpha started").templateId();
        final String b = miner.add("beta stopped now").templateId();
        miner.add("alpha started");
        final String c = miner.add("gamma failed to open").templateId();
        assertEquals(Set.of(a, c), miner.templates().stream().map(Template::id).collect(Collectors.toSet()));
        assertNull(miner.match("beta stopped now"));
        assertEquals(b, miner.add("beta stopped now").templateId(), "same first text gives the same id again");
    }

    @Test
    void shouldKeepItsStoredStateUnderTheLargestChangelogRecordEvictingTheLeastRecentlyMatched() {
        final TemplateMiner miner = new TemplateMiner(MinerOptions.defaults());
        String latest = null;
        for (int i = 1; i <= 8000; i++) {
            // a template never seen on every line: words without digits, leading ones spread over the tree's leaves
            latest = miner.add(DigitlessWords.of(i % 97) + " " + DigitlessWords.of(i / 97 + 26) + " request handler "
                    + DigitlessWords.of(7L * i)
                    + " finished job " + i + " in " + i % 900 + " ms for user" + i).templateId();
        }
        final byte[] state = miner.toBytes();
        assertTrue(state.length <= TemplateMiner.MAX_STATE_BYTES, state.length + " bytes");
        assertTrue(miner.size() < 8000 && miner.size() > 4000, "templates kept: " + miner.size());
        final TemplateMiner restored = TemplateMiner.fromBytes(state, MinerOptions.defaults());
        assertEquals(miner.size(), restored.size());
        final String kept = latest;
        assertTrue(restored.templates().stream().anyMatch(t -> t.id().equals(kept)), "the newest is kept");
    }

    @Test
    void shouldSendNewTokensToTheWildcardChildWhenANodeIsFull() {
        final TemplateMiner miner = new TemplateMiner(new MinerOptions(3, 0.5, 3, 100, 1, 2));
        miner.add("alpha x");
        miner.add("beta x");
        final TemplateMatch gamma = miner.add("gamma x");
        final TemplateMatch delta = miner.add("delta x");
        assertEquals(gamma.templateId(), delta.templateId(), "gamma and delta share the wildcard leaf");
        assertEquals("<*> x", delta.template());
        // the general text covers the templates of the other children too, which it absorbs
        assertEquals(2, delta.absorbed().size());
        assertEquals(1, miner.size());
        assertEquals(delta.templateId(), miner.add("alpha x").templateId());
    }

    @Test
    void shouldEvictTheLeastRecentlyMatchedTemplateOfAFullLeaf() {
        // depth 3, two children: the first word routes one message, every other shares the wildcard leaf
        final TemplateMiner miner = new TemplateMiner(new MinerOptions(3, 0.5, 2, 10_000));
        miner.add("alpha beta gamma");
        final String kept = miner.add("kept in leaf").templateId();
        final String first = miner.add("first other message").templateId();
        for (int i = 0; i < 500; i++) {
            // each shares no word with any other: a template of its own, in the wildcard leaf
            miner.add(DigitlessWords.of(3L * i + 1000) + " " + DigitlessWords.of(3L * i + 1001) + " "
                    + DigitlessWords.of(3L * i + 1002));
            assertEquals(kept, miner.add("kept in leaf").templateId(), "the recently matched stays, " + i);
        }
        // a message is compared with every template of its leaf: at most maxChildren of them keep its cost bounded
        assertEquals(3, miner.size());
        assertNull(miner.match("first other message"));
        assertEquals(first, miner.add("first other message").templateId(), "it starts again under its id");
    }

    @Test
    void shouldKeepTheWildcardRouteAcrossSerialization() {
        final MinerOptions options = new MinerOptions(3, 0.5, 3, 100);
        final TemplateMiner miner = new TemplateMiner(options);
        miner.add("alpha x y");
        miner.add("beta x y");
        final TemplateMatch gamma = miner.add("gamma x y");
        final TemplateMiner restored = TemplateMiner.fromBytes(miner.toBytes(), options);
        final TemplateMatch again = restored.add("gamma x y");
        assertEquals(gamma.templateId(), again.templateId());
        assertFalse(again.newTemplate());
        assertEquals(miner.nodeCount(), restored.nodeCount());
    }

    @Test
    void shouldPruneTreeNodesOfEvictedTemplates() {
        final TemplateMiner miner = new TemplateMiner(new MinerOptions(4, 0.5, 100, 5));
        for (int i = 0; i < 500; i++) {
            miner.add("word" + (char) ('a' + i % 26) + (char) ('a' + i / 26 % 26) + " event" + " x".repeat(i % 7));
        }
        assertEquals(5, miner.size());
        // each of the 5 templates holds at most a length node and two levels below it
        assertTrue(miner.nodeCount() <= 15, "nodes: " + miner.nodeCount());
    }

    @Test
    void shouldClassifyWithoutLearning() {
        final TemplateMiner miner = new TemplateMiner(MinerOptions.DEFAULTS);
        final String id = miner.add("Invalid user webmaster from 173.234.31.186").templateId();
        final TemplateMatch m = miner.match("Invalid user webmaster from 10.0.0.1");
        assertEquals(id, m.templateId());
        assertNull(miner.match("Something else entirely happened here"));
        assertEquals(1, miner.size());
        assertEquals(1, miner.templates().iterator().next().count());
    }

    @Test
    void shouldImportTemplatesFromAnotherInstance() {
        final TemplateMiner origin = new TemplateMiner(WORD_AT_FIRST_CHANGE);
        origin.add("Invalid user webmaster from 173.234.31.186");
        final TemplateMatch learned = origin.add("Invalid user admin from 10.0.0.1");
        final TemplateMiner other = new TemplateMiner(MinerOptions.DEFAULTS);
        origin.templates().forEach(other::addTemplate);
        assertFalse(other.addTemplate(origin.templates().iterator().next()));
        final TemplateMatch m = other.add("Invalid user guest from 10.9.9.9");
        assertEquals(learned.templateId(), m.templateId());
        assertFalse(m.newTemplate());
    }

    @Test
    void shouldFindAnImportedTemplateThatSitsBehindAWildcardChild() {
        // a full node (maxChildren 3) sends gamma and delta to its wildcard child, where they form "<*> x y"
        final TemplateMiner origin = new TemplateMiner(new MinerOptions(3, 0.5, 3, 100, 1, 2));
        origin.add("alpha x y");
        origin.add("beta x y");
        origin.add("gamma x y");
        final TemplateMatch generalized = origin.add("delta x y");
        assertEquals("<*> x y", generalized.template());
        final TemplateMiner other = new TemplateMiner(MinerOptions.DEFAULTS);
        origin.templates().forEach(other::addTemplate);
        // epsilon has no branch of its own: the miner classifies before it grows one
        final TemplateMatch m = other.add("epsilon x y");
        assertEquals(generalized.templateId(), m.templateId());
        assertFalse(m.newTemplate());
        assertEquals(List.of("epsilon"), m.parameters());
        assertEquals(m.templateId(), other.match("epsilon x y").templateId());
    }

    @Test
    void shouldHandleBlankMessages() {
        final TemplateMiner miner = new TemplateMiner(MinerOptions.DEFAULTS);
        final TemplateMatch m = miner.add("   ");
        assertEquals("", m.template());
        assertEquals(m.templateId(), miner.add("").templateId());
    }

    @Test
    void shouldRefuseBytesThatAreNotAState() {
        final byte[] state = new TemplateMiner(MinerOptions.DEFAULTS).toBytes();
        assertThrows(IllegalArgumentException.class, () -> TemplateMiner.fromBytes(new byte[] {1, 2, 3}, MinerOptions.DEFAULTS));
        final TemplateMiner full = new TemplateMiner(MinerOptions.DEFAULTS);
        LINES.forEach(full::add);
        final byte[] bytes = full.toBytes();
        final byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 3);
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TemplateMiner.fromBytes(cut, MinerOptions.DEFAULTS));
        assertTrue(e.getMessage().startsWith("miner state:"), e.getMessage());
        assertEquals(0, TemplateMiner.fromBytes(state, MinerOptions.DEFAULTS).size());
    }

    @Test
    void shouldRejectInvalidOptions() {
        assertThrows(IllegalArgumentException.class, () -> new MinerOptions(2, 0.5, 100, 10));
        assertThrows(IllegalArgumentException.class, () -> new MinerOptions(4, 0, 100, 10));
        assertThrows(IllegalArgumentException.class, () -> new MinerOptions(4, 0.5, 1, 10));
        assertThrows(IllegalArgumentException.class, () -> new MinerOptions(4, 0.5, 100, 0));
        assertThrows(IllegalArgumentException.class, () -> new MinerOptions(4, 0.5, 100, 10, -1, 3));
        assertThrows(IllegalArgumentException.class, () -> new MinerOptions(4, 0.5, 100, 10, 1, 1));
        assertEquals(MinerOptions.DEFAULTS, MinerOptions.of(MinerOptions.DEFAULTS.toProperties()));
    }

    private static Map<String, Template> templatesById(final TemplateMiner miner) {
        return miner.templates().stream().collect(Collectors.toMap(Template::id, t -> t));
    }
}

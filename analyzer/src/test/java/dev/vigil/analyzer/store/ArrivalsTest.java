package dev.vigil.analyzer.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ArrivalsTest {
    @Test
    void shouldJudgeAKeyByItsLaterOfEventTimeAndArrivalAndAnUnseenOneByTheFirstSweepOnlyForClosing() {
        final Arrivals arrivals = new Arrivals();
        arrivals.arrived("lagging", 5_000);
        arrivals.sweeping(6_000);
        arrivals.sweeping(9_000); // only the first sweep is remembered
        // a key whose event time lags but whose input keeps coming is judged by its arrival
        assertEquals(4_000, arrivals.quietFor("lagging", 1_000, 9_000));
        assertEquals(4_000, arrivals.silentFor("lagging", 1_000, 9_000));
        // not seen since a restart: seen at the first sweep for closing, by its own time alone for forgetting
        assertEquals(3_000, arrivals.quietFor("unseen", 1_000, 9_000));
        assertEquals(8_000, arrivals.silentFor("unseen", 1_000, 9_000));
        arrivals.forget("lagging");
        assertEquals(8_000, arrivals.silentFor("lagging", 1_000, 9_000));
    }
}

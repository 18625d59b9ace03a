package dev.vigil.decision.engine;

import dev.vigil.decision.state.DatasetChange;
import dev.vigil.schemas.Anomaly;
import dev.vigil.schemas.BackupResult;
import dev.vigil.schemas.Feedback;
import dev.vigil.schemas.Forecast;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.StatsWindow;

/** One input the engine reacts to, from any of its topics. The periodic tick is not a trigger but a call. */
public sealed interface Trigger {
    /** @return the host the input concerns */
    String host();

    /** A registry change routed to its host. @param host the host @param change the change */
    record OfDatasets(String host, DatasetChange change) implements Trigger {
    }

    /** An anomaly step. @param anomaly it */
    record OfAnomaly(Anomaly anomaly) implements Trigger {
        @Override
        public String host() {
            return anomaly.getHost();
        }
    }

    /** A host event, file activity included. @param event it */
    record OfEvent(HostEvent event) implements Trigger {
        @Override
        public String host() {
            return event.getHost();
        }
    }

    /** A time-to-full forecast. @param forecast it */
    record OfForecast(Forecast forecast) implements Trigger {
        @Override
        public String host() {
            return forecast.getHost();
        }
    }

    /** A statistics window. @param stats it */
    record OfStats(StatsWindow stats) implements Trigger {
        @Override
        public String host() {
            return stats.getHost();
        }
    }

    /** A worker's result. @param result it */
    record OfResult(BackupResult result) implements Trigger {
        @Override
        public String host() {
            return result.getHost();
        }
    }

    /** An operator's answer. @param feedback it */
    record OfFeedback(Feedback feedback) implements Trigger {
        @Override
        public String host() {
            return feedback.getHost();
        }
    }
}
